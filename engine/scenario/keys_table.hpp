#pragma once
// Shorthands for the key list (keys_model.cpp, keys_firms.cpp): ranges and field references.
#include <limits>
#include <type_traits>
#include <vector>

#include "icsim/scenario/keys.hpp"

namespace icsim::scenario::keys_detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr Range kAny{};
inline constexpr Range kNonNegative{0, kInf};
inline constexpr Range kPositive{0, kInf, true};
inline constexpr Range kShare{0, 1};
inline constexpr Range kOpenShare{0, 1, true};
inline constexpr Range kAboveMinusOne{-1, kInf, true};
constexpr Range whole(double low, double high) { return Range{low, high}; }
inline constexpr Range kYear{1900, 2300};
inline constexpr Range kYears{1, 100};  // construction years and the like

inline constexpr const char* kShareText = "in [0, 1]";
inline constexpr const char* kOpenShareText = "in (0, 1]";
inline constexpr const char* kNonNegativeText = ">= 0";
inline constexpr const char* kPositiveText = "> 0";
inline constexpr const char* kUpliftText = "> -1 (a relative change: 0.05 = +5 %)";

std::vector<KeyInfo> model_keys();  // keys_model.cpp: every section but the firm model's
std::vector<KeyInfo> firm_keys();   // keys_firms.cpp: [firms], [firms.*], [mujun], [land]
std::vector<KeyInfo>
renovation_keys();  // keys_renovation.cpp: [firms.numerical_control], [firms.green]

}  // namespace icsim::scenario::keys_detail

// The field a key fills: an expression of `s` (the Scenario) and `i` (the entry of an array of
// tables), e.g. ICSIM_FIELD(s.programmes[i].investment).
#define ICSIM_FIELD(expr)                                                         \
  +[](::icsim::scenario::Scenario & s, [[maybe_unused]] std::size_t i) -> auto& { \
    return expr;                                                                  \
  }
// A choice stored as an enum: the field gets the choice's position.
#define ICSIM_CHOICE(expr)                                                             \
  +[](::icsim::scenario::Scenario& s, [[maybe_unused]] std::size_t i, std::size_t c) { \
    auto& field = expr;                                                                \
    field = static_cast<std::remove_reference_t<decltype(field)>>(c);                  \
  }
