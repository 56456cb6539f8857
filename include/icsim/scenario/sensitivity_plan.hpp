#pragma once
// The parameters file of `icsim sensitivity` (docs/sensitivity.md): the [sensitivity] section
// (method and its settings), its [[sensitivity.parameter]] ranges (read by
// parameter_ranges.hpp, the one reader of ranges) and optional [[sensitivity.output]] series.
//
//   [sensitivity]
//   method = "morris"            # or "sobol"
//   trajectories = 10            # Morris: r one-at-a-time paths of d + 1 points
//   levels = 4                   # Morris: p grid levels (even); Delta = p / (2 (p - 1))
//   base_size = 64               # Sobol: N; the design has (d + 2) N points
//   estimator = "saltelli"       # Sobol: saltelli, jansen, mauntz_kucherenko, martinez
//   bootstrap = 200              # Sobol: resamples for the intervals
//   confidence_level = 0.95      # Sobol: of the intervals
//   replications = 50            # per design point (default: the scenario's)
//   seed = 1                     # of the design (default: the scenario's seed)
//
//   [[sensitivity.output]]       # a series' median over replications in one year
//   metric = "clusters/output"
//   select = ["361-2023/high_end_equipment"]
//   year = 2025
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "icsim/results/series.hpp"
#include "icsim/scenario/load.hpp"
#include "icsim/scenario/parameter_ranges.hpp"

namespace icsim::scenario {

struct SensitivityOutput {
  results::Series series;
  int year = 0;
  std::string name;   // "metric[select] year", for tables and the result file
  std::string where;  // "FILE:LINE" of its table
};

struct SensitivityPlan {
  std::string method = "morris";  // "morris" or "sobol"
  int trajectories = 10, levels = 4;
  int base_size = 64;
  std::string estimator = "saltelli";
  int bootstrap = 200;
  double confidence_level = 0.95;
  int replications = 0;               // 0 = the scenario's
  std::optional<std::uint64_t> seed;  // of the design; empty = the scenario's
  std::vector<ParameterRange> parameters;
  std::vector<SensitivityOutput> outputs;
};

// Reads `path` (after extends and the overrides; --set sensitivity.method=sobol works). Throws
// InputError naming the file, line and key of every problem.
SensitivityPlan read_sensitivity_plan(const std::string& path,
                                      const std::vector<Override>& overrides = {});

}  // namespace icsim::scenario
