#pragma once
// Random streams keyed by what they are for, not by who draws them: a stream is a counter-based
// Philox4x32-10 generator (Random123) whose key is the seed and whose counter starts at
// (replication, purpose, index). Any replication can therefore be recomputed alone, in any
// order, on any thread or process, and give the same numbers (docs/model.md §4).
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string_view>

#include "icsim/common/distribution.hpp"

namespace icsim {

// What a stream is used for; each purpose gets its own stream per replication so that adding
// draws for one purpose never shifts another's (common random numbers across sweep points).
enum class Purpose : std::uint32_t {
  demand_growth = 1,
  common_shock = 2,
  sector_group_growth = 3,
  prices = 4,
  capacity = 5,
  investment = 6,
  programme = 7,
  satellites = 8,  // intensity trends of the table's satellites: index 0 energy, 1 water, 2 R&D
  // Firm and land model (docs/model.md §3 steps 4-10): per-firm draws through keyed_uniform.
  firm_synthesis = 16,
  firm_decision = 17,
  firm_evaluation = 18,
  project_arrival = 19,
  land_market = 20,
  cluster_membership = 21,  // abm/clusters.hpp: which clusters a firm belongs to
  // Experiment design (Latin hypercube sweep points), drawn once per sweep, not per replication.
  sweep_design = 24,
};

// One uniform in (0, 1) addressed by (seed, replication, purpose, step, entity, draw), with no
// state: firm updates in a parallel loop draw for firm `entity` in year `step` without caring
// which thread runs them, so results are identical for any thread count. step < 2^20,
// draw < 2^12. Costs one Philox4x32-10 call (two uniforms come out of it: draw and draw | 1
// share a call, so use even `draw` numbers when speed matters and uniform_pair for both).
// Code outside tests names its draws (Draw below) rather than passing slot numbers.
// Defined inline (below) so that the ten Philox rounds stay in registers inside firm loops.
double keyed_uniform(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
                     std::uint32_t step, std::uint32_t entity, std::uint32_t draw = 0);
struct UniformPair {
  double first, second;
};
UniformPair keyed_uniform_pair(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
                               std::uint32_t step, std::uint32_t entity, std::uint32_t draw = 0);

namespace detail {
// Philox4x32-10 (Salmon et al. 2011), the same function as Random123's r123::Philox4x32 (which
// RandomStream uses; tests/common/random_test.cpp checks the two agree), written out here so
// that the keyed draws can be inlined.
struct PhiloxBlock {
  std::uint32_t v[4];
};
inline PhiloxBlock philox4x32_10(PhiloxBlock c, std::uint32_t k0, std::uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    const std::uint64_t p0 = std::uint64_t{0xD2511F53u} * c.v[0];
    const std::uint64_t p1 = std::uint64_t{0xCD9E8D57u} * c.v[2];
    c = {{static_cast<std::uint32_t>(p1 >> 32) ^ c.v[1] ^ k0, static_cast<std::uint32_t>(p1),
          static_cast<std::uint32_t>(p0 >> 32) ^ c.v[3] ^ k1, static_cast<std::uint32_t>(p0)}};
  }
  return c;
}
// 52 random bits k from two words; (k + 0.5) / 2^52 lies in [2^-53, 1 - 2^-53], exactly
// representable, so never 0 or 1.
inline double to_unit(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t k = ((static_cast<std::uint64_t>(hi) << 32) | lo) >> 12;
  return (static_cast<double>(k) + 0.5) * 0x1p-52;
}
[[noreturn]] void keyed_out_of_range();  // throws std::out_of_range
// The block of a keyed draw: counter {entity, step << 12 | even draw, replication (low 32
// bits), purpose << 20 | replication >> 32 (20 bits)}, key = the seed. Word 3 carries the
// purpose in its top bits as RandomStream's counters do; the keyed purposes are distinct from
// RandomStream's, so the two kinds of draw never share a block.
inline PhiloxBlock keyed_block(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
                               std::uint32_t step, std::uint32_t entity, std::uint32_t draw) {
  if (step >= (1u << 20) || draw >= (1u << 12)) [[unlikely]]
    keyed_out_of_range();
  const PhiloxBlock counter = {{entity, (step << 12) | (draw & ~1u),
                                static_cast<std::uint32_t>(replication),
                                (static_cast<std::uint32_t>(purpose) << 20) |
                                    (static_cast<std::uint32_t>(replication >> 32) & 0xFFFFFu)}};
  return philox4x32_10(counter, static_cast<std::uint32_t>(seed),
                       static_cast<std::uint32_t>(seed >> 32));
}
}  // namespace detail

inline double keyed_uniform(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
                            std::uint32_t step, std::uint32_t entity, std::uint32_t draw) {
  const auto b = detail::keyed_block(seed, replication, purpose, step, entity, draw);
  return (draw & 1u) ? detail::to_unit(b.v[2], b.v[3]) : detail::to_unit(b.v[0], b.v[1]);
}

inline UniformPair keyed_uniform_pair(std::uint64_t seed, std::uint64_t replication,
                                      Purpose purpose, std::uint32_t step, std::uint32_t entity,
                                      std::uint32_t draw) {
  const auto b = detail::keyed_block(seed, replication, purpose, step, entity, draw);
  return {detail::to_unit(b.v[0], b.v[1]), detail::to_unit(b.v[2], b.v[3])};
}

// keyed_uniform(seed, replication, purpose, step, entities[j], draw) into out[j] for every j:
// the same doubles bit for bit, computed several entities at a time (SIMD: random_batch.cpp).
// For a firm loop that first collects the firms that draw, then draws for all of them. Throws
// std::invalid_argument if out is shorter than entities, std::out_of_range as keyed_uniform.
void keyed_uniforms(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
                    std::uint32_t step, std::uint32_t draw, std::span<const std::uint32_t> entities,
                    std::span<double> out);

// detail::keyed_block(seed, replication, purpose, step, entities[j], draw) into out[j] for
// every j: the same blocks bit for bit, several entities at a time, for a draw that uses all four
// words of its block. Throws as keyed_uniforms.
void keyed_blocks(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
                  std::uint32_t step, std::uint32_t draw, std::span<const std::uint32_t> entities,
                  std::span<detail::PhiloxBlock> out);

namespace detail {
// Which code keyed_uniforms and keyed_blocks run, for tests of each path: the fastest the CPU has
// (AVX2, else SSE2), SSE2, or the scalar keyed_uniform. Not thread-safe; the default is fastest.
enum class KeyedUniformsPath { fastest, sse2, scalar };
void set_keyed_uniforms_path(KeyedUniformsPath path);
}  // namespace detail

// A named keyed draw: the uniforms one random choice uses. Every draw is declared once, in the
// one list of its purpose (for example abm/decisions.hpp lists Purpose::firm_decision's), and
// draws_are_distinct checks the list at compile time, so a new decision picks a name, never a
// free slot number, and cannot reuse another's uniforms. A draw uses the slots
// [slot, slot + slots) at the (step, entity) keys that `steps` and `entities` allow: 1 slot for
// keyed_uniform, 2 (from an even slot) for keyed_uniform_pair, more for a sequence
// (keyed_uniform(..., k) with k < slots). Two draws of one purpose may share slots only if their
// steps or their entities never meet.
struct Draw {
  enum class Steps : std::uint8_t {
    any,
    last,         // only step 2^20 - 1 (e.g. programme projects, which have no year)
    before_last,  // only steps below 2^20 - 1 (calendar years)
  };
  enum class Entities : std::uint8_t {
    any,
    zero,      // only entity 0 (one sequence per step)
    from_one,  // only entities 1, 2, ...
  };
  Purpose purpose;
  std::uint32_t slot = 0;
  std::uint32_t slots = 1;
  Steps steps = Steps::any;
  Entities entities = Entities::any;
  std::string_view name;
};

// True if a and b can address the same uniform.
constexpr bool draws_meet(const Draw& a, const Draw& b) {
  if (a.purpose != b.purpose) return false;
  if (a.slot + a.slots <= b.slot || b.slot + b.slots <= a.slot) return false;
  using S = Draw::Steps;
  using E = Draw::Entities;
  const bool steps = a.steps == S::any || b.steps == S::any || a.steps == b.steps;
  const bool entities = a.entities == E::any || b.entities == E::any || a.entities == b.entities;
  return steps && entities;
}

// Every draw within the slot range, with a name of its own, and no two meeting.
constexpr bool draws_are_distinct(std::span<const Draw> draws) {
  for (std::size_t i = 0; i < draws.size(); ++i) {
    const Draw& a = draws[i];
    if (a.slots == 0 || a.slot + a.slots > (1u << 12) || a.name.empty()) return false;
    for (std::size_t j = i + 1; j < draws.size(); ++j)
      if (draws_meet(a, draws[j]) || a.name == draws[j].name) return false;
  }
  return true;
}

// The uniform of draw `d` (its k-th for a sequence) at (step, entity).
inline double keyed_uniform(std::uint64_t seed, std::uint64_t replication, const Draw& d,
                            std::uint32_t step, std::uint32_t entity, std::uint32_t k = 0) {
  if (k >= d.slots) throw std::out_of_range("keyed_uniform: beyond the slots of the draw");
  return keyed_uniform(seed, replication, d.purpose, step, entity, d.slot + k);
}
// keyed_uniforms for draw `d` (one slot) at `step`.
inline void keyed_uniforms(std::uint64_t seed, std::uint64_t replication, const Draw& d,
                           std::uint32_t step, std::span<const std::uint32_t> entities,
                           std::span<double> out) {
  keyed_uniforms(seed, replication, d.purpose, step, d.slot, entities, out);
}
// Both uniforms of a two-slot draw (one Philox call).
inline UniformPair keyed_uniform_pair(std::uint64_t seed, std::uint64_t replication, const Draw& d,
                                      std::uint32_t step, std::uint32_t entity) {
  if (d.slots < 2 || d.slot % 2 != 0)
    throw std::invalid_argument(
        "keyed_uniform_pair: the draw must have two slots from an even one");
  return keyed_uniform_pair(seed, replication, d.purpose, step, entity, d.slot);
}

// The named draws of Purpose::sweep_design: the Latin hypercube of scenario/sweep.cpp, keyed by
// (step = dimension, entity = sample); the Morris trajectories of experiment/sensitivity.cpp,
// keyed by (step = trajectory, entity = parameter).
namespace draws {
inline constexpr Draw sweep_offset{
    .purpose = Purpose::sweep_design, .slot = 0, .name = "sweep_offset"};
inline constexpr Draw sweep_shuffle{
    .purpose = Purpose::sweep_design, .slot = 2, .name = "sweep_shuffle"};
inline constexpr Draw morris_start{
    .purpose = Purpose::sweep_design, .slot = 4, .slots = 2, .name = "morris_start"};
inline constexpr Draw morris_order{
    .purpose = Purpose::sweep_design, .slot = 6, .name = "morris_order"};
inline constexpr Draw kSweepDesign[] = {sweep_offset, sweep_shuffle, morris_start, morris_order};
static_assert(draws_are_distinct(kSweepDesign));
}  // namespace draws

class RandomStream {
 public:
  // `index` separates streams of one purpose (e.g. the component or the programme number).
  RandomStream(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
               std::uint32_t index = 0);
  double uniform();  // in (0, 1)
  double normal();   // standard normal
  // A draw from `d`; for growth rates use draw_growth (lognormal is of the factor 1 + g).
  double draw(const Distribution& d);
  double draw_growth(const Distribution& d);

 private:
  struct State;
  alignas(16) unsigned char state_[64];
  State& state();
};

}  // namespace icsim
