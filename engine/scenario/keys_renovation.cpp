// The scenario keys of the NC and green renovations, [firms.numerical_control] and
// [firms.green] (abm::RenovationRules in include/icsim/abm/decisions.hpp: defaults and sources).
// The two sections have the same keys; RENOVATION_KEYS writes them for one section.
#include "keys_table.hpp"

#define FP(member) ICSIM_FIELD(s.firms.parameters.member)
#define RENOVATION_KEYS(SECTION, MEMBER, WHAT, SHARE, COST, PRODUCTIVITY, VA_RATE, ENERGY)       \
  KeyInfo{.path = "firms." SECTION ".enabled",                                                   \
          .type = KeyType::boolean,                                                              \
          .default_value = "true",                                                               \
          .meaning = "firms adopt " WHAT,                                                        \
          .field = FP(MEMBER.enabled)},                                                          \
      KeyInfo{.path = "firms." SECTION ".initial_share_above_scale",                             \
              .type = KeyType::number,                                                           \
              .default_value = SHARE,                                                            \
              .range = kShare,                                                                   \
              .expected = kShareText,                                                            \
              .meaning = "share of above-scale firms with " WHAT " in the base year",            \
              .field = FP(MEMBER.initial_share_above_scale)},                                    \
      KeyInfo{.path = "firms." SECTION ".innovation",                                            \
              .type = KeyType::number,                                                           \
              .default_value = "0.03",                                                           \
              .range = kShare,                                                                   \
              .expected = "in [0, 1] (a yearly probability)",                                    \
              .meaning = "Bass p",                                                               \
              .field = FP(MEMBER.innovation)},                                                   \
      KeyInfo{.path = "firms." SECTION ".imitation",                                             \
              .type = KeyType::number,                                                           \
              .default_value = "0.38",                                                           \
              .range = kNonNegative,                                                             \
              .expected = kNonNegativeText,                                                      \
              .meaning = "Bass q",                                                               \
              .field = FP(MEMBER.imitation)},                                                    \
      KeyInfo{.path = "firms." SECTION ".subsidy_rate",                                          \
              .type = KeyType::number,                                                           \
              .default_value = "0",                                                              \
              .range = kShare,                                                                   \
              .expected = "in [0, 1] (a share of the cost)",                                     \
              .meaning = "share of the renovation cost the government pays",                     \
              .field = FP(MEMBER.subsidy_rate)},                                                 \
      KeyInfo{.path = "firms." SECTION ".subsidy_effect",                                        \
              .type = KeyType::number,                                                           \
              .default_value = "1",                                                              \
              .range = kNonNegative,                                                             \
              .expected = kNonNegativeText,                                                      \
              .meaning = "response of adoption to the subsidy",                                  \
              .field = FP(MEMBER.subsidy_effect)},                                               \
      KeyInfo{.path = "firms." SECTION ".cost_per_capacity",                                     \
              .type = KeyType::number,                                                           \
              .default_value = COST,                                                             \
              .range = kNonNegative,                                                             \
              .expected = kNonNegativeText,                                                      \
              .meaning = "outlay per unit of capacity",                                          \
              .field = FP(MEMBER.cost_per_capacity)},                                            \
      KeyInfo{.path = "firms." SECTION ".productivity_uplift",                                   \
              .type = KeyType::number,                                                           \
              .default_value = PRODUCTIVITY,                                                     \
              .range = kAboveMinusOne,                                                           \
              .expected = kUpliftText,                                                           \
              .meaning = "productivity gain once renovated",                                     \
              .field = FP(MEMBER.productivity_uplift)},                                          \
      KeyInfo{.path = "firms." SECTION ".value_added_rate_uplift",                               \
              .type = KeyType::number,                                                           \
              .default_value = VA_RATE,                                                          \
              .range = kAboveMinusOne,                                                           \
              .expected = kUpliftText,                                                           \
              .meaning = "relative change of the value-added rate once renovated",               \
              .field = FP(MEMBER.value_added_rate_uplift)},                                      \
      KeyInfo {                                                                                  \
    .path = "firms." SECTION ".energy_uplift", .type = KeyType::number, .default_value = ENERGY, \
    .range = kAboveMinusOne, .expected = kUpliftText,                                            \
    .meaning = "relative change of energy per unit of output once renovated",                    \
    .field = FP(MEMBER.energy_uplift)                                                            \
  }

namespace icsim::scenario::keys_detail {

std::vector<KeyInfo> renovation_keys() {
  return {
      {.path = "firms.numerical_control",
       .type = KeyType::table,
       .meaning = "NC / intelligent equipment renovation"},
      {.path = "firms.green", .type = KeyType::table, .meaning = "green renovation"},
      RENOVATION_KEYS("numerical_control", numerical_control, "NC / intelligent equipment", "0.6",
                      "0.03", "0.03", "0.02", "0"),
      RENOVATION_KEYS("green", green, "green renovation", "0.2", "0.01", "0", "0.01", "-0.10"),
  };
}

}  // namespace icsim::scenario::keys_detail

#undef RENOVATION_KEYS
#undef FP
