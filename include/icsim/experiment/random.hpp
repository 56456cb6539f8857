#pragma once
// Random streams keyed by what they are for, not by who draws them: a stream is a counter-based
// Philox4x32-10 generator (Random123) whose key is the seed and whose counter starts at
// (replication, purpose, index). Any replication can therefore be recomputed alone, in any
// order, on any thread or process, and give the same numbers (MODEL.md §4).
#include <cstdint>

#include "icsim/scenario/scenario.hpp"

namespace icsim::experiment {

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
  // Firm and land model (MODEL.md §3 steps 4-10): per-firm draws through keyed_uniform.
  firm_synthesis = 16,
  firm_decision = 17,
  firm_evaluation = 18,
  project_arrival = 19,
  land_market = 20,
  // Experiment design (Latin hypercube sweep points), drawn once per sweep, not per replication.
  sweep_design = 24,
};

// One uniform in (0, 1) addressed by (seed, replication, purpose, step, entity, draw), with no
// state: firm updates in a parallel loop draw for firm `entity` in year `step` without caring
// which thread runs them, so results are identical for any thread count. step < 2^20,
// draw < 2^12. Costs one Philox4x32-10 call (two uniforms come out of it: draw and draw | 1
// share a call, so use even `draw` numbers when speed matters and uniform_pair for both).
double keyed_uniform(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
                     std::uint32_t step, std::uint32_t entity, std::uint32_t draw = 0);
struct UniformPair {
  double first, second;
};
UniformPair keyed_uniform_pair(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
                               std::uint32_t step, std::uint32_t entity, std::uint32_t draw = 0);

class RandomStream {
 public:
  // `index` separates streams of one purpose (e.g. the component or the programme number).
  RandomStream(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
               std::uint32_t index = 0);
  double uniform();  // in (0, 1)
  double normal();   // standard normal
  // A draw from `d`; for growth rates use draw_growth (lognormal is of the factor 1 + g).
  double draw(const scenario::Distribution& d);
  double draw_growth(const scenario::Distribution& d);

 private:
  struct State;
  alignas(16) unsigned char state_[64];
  State& state();
};

}  // namespace icsim::experiment
