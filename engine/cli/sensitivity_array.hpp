#pragma once
// A sensitivity analysis run as a Slurm job array (docs/sensitivity.md, "As a job array"):
// `--write-sweep OUT.toml` writes the design's points as a list sweep of the scenario, which
// the array runs in shards (`icsim sweep --shard`, then `icsim merge`); `--from SWEEP.h5` then
// computes the indices from the merged sweep instead of running the design, with the same
// numbers as a run in one process group (every point's replications, joined, give the same
// probabilities and medians).
#include <string>
#include <vector>

#include "icsim/output/result_reader.hpp"
#include "icsim/scenario/sensitivity_plan.hpp"
#include "icsim/scenario/sweep.hpp"

namespace icsim::cli {

// The sweep scenario: extends `scenario_file` (relative to `out_path`'s folder), the seed and
// replications the analysis runs with, and the design's points as a list.
std::string design_sweep_text(const scenario::SweepPlan& design, const std::string& scenario_file,
                              const std::string& out_path, std::uint64_t seed, int replications,
                              const std::string& command);

// The outputs of every design point read back from a merged sweep of the design, in the order
// the analysis names them: each judged target's probability and median value (/targets), then
// each chosen series' median over the replications.
struct DesignOutputs {
  std::vector<std::string> names, target, statistic, units;
  std::vector<std::vector<double>> values;  // [output][point]
};

// InputError naming the file when it is not a joined sweep of this design (another scenario,
// seed, replication count, keys or points; a shard).
DesignOutputs read_design_outputs(const std::string& path, const scenario::SensitivityPlan& plan,
                                  const scenario::SweepPlan& design,
                                  const std::string& scenario_name, std::uint64_t seed,
                                  int replications);

}  // namespace icsim::cli
