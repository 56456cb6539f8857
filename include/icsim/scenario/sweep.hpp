#pragma once
// Sweep designs: the points of a parameter sweep, read from the [sweep] section of a scenario
// file (docs/scenario-reference.md, "Sweeps"). Each point is a list of scenario-key overrides
// applied on top of the scenario (and its --set overrides); every point runs with the same seed,
// so replication r of every point draws the same random numbers (common random numbers) and a
// difference between points comes from the parameters alone.
//
//   [sweep]
//   method = "grid"              # every combination of the parameters' values
//   [[sweep.parameter]]
//   key = "programme.shuangbai.investment"
//   values = [570, 855, 1140]    # or low = .., high = .., steps = N (evenly spaced)
//
//   method = "list"              # explicit parameter sets
//   keys = ["land.quota", "programme.shuangbai.investment"]
//   points = [[10000, 570], [14000, 855]]
//
//   method = "latin_hypercube"   # `samples` points, each parameter from low to high
//   samples = 20
//   seed = 7                     # optional; default: the scenario's seed
//   (parameters with low, high and optionally integer = true)
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "icsim/scenario/load.hpp"

namespace icsim::scenario {

struct SweepPoint {
  std::vector<double> values;       // one per SweepPlan::keys
  std::vector<Override> overrides;  // key = value text, as --set would give it
  std::string label;                // "key=value, key=value"
};

struct SweepPlan {
  std::string method;  // "grid", "list" or "latin_hypercube"
  std::vector<std::string> keys;
  std::vector<SweepPoint> points;
  std::uint64_t seed = 0;  // of the Latin hypercube design
};

// The [sweep] section of `path` (after extends and the given overrides, so --set can change a
// sweep too); std::nullopt when the file has none. Throws InputError naming the file, line and
// key for every problem found. `default_seed` seeds a Latin hypercube without its own seed.
std::optional<SweepPlan> read_sweep_plan(const std::string& path,
                                         const std::vector<Override>& overrides,
                                         std::uint64_t default_seed);

// A Latin hypercube of `samples` points in [0, 1)^dimensions: each dimension is cut into
// `samples` equal strata and every stratum holds exactly one point. Row-major (sample,
// dimension); deterministic in `seed` (Philox streams, not std::shuffle).
std::vector<double> latin_hypercube(int samples, int dimensions, std::uint64_t seed);

// The shortest text that reads back as `value` ("570", "0.085", "1e-07").
std::string number_text(double value);

}  // namespace icsim::scenario
