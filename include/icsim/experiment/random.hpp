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
};

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
