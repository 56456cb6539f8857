#pragma once
// What `icsim calibrate --write-sweep/--global-from` and `icsim sensitivity --write-sweep/--from`
// share: a list sweep of known points that a job array runs (docs/hpc.md), and the check that a
// result file given back is that sweep, joined.
#include <cstdint>
#include <string>
#include <vector>

#include "icsim/output/result_reader.hpp"

namespace icsim::cli {

// A scenario file that extends `scenario_file` (its path relative to `out_path`'s folder), sets
// the seed and replications, and lists `points` (each one value text per key) as a sweep of
// method "list"; `header` (comment lines, each ending in a newline) comes first.
std::string list_sweep_text(const std::string& header, const std::string& scenario_file,
                            const std::string& out_path, std::uint64_t seed, long replications,
                            const std::vector<std::string>& keys,
                            const std::vector<std::vector<std::string>>& points);

// InputError "PATH: OPTION: ..." unless `file` is a joined sweep (not a shard) of scenario
// `scenario_name` with this seed, replication count and swept keys in this order; `whose` names
// the run it must match in the messages ("the calibration", "the analysis").
void check_joined_sweep(const output::ResultReader& file, const std::string& path,
                        const std::string& option, const std::string& scenario_name,
                        std::uint64_t seed, long replications, const std::vector<std::string>& keys,
                        const std::string& whose);

}  // namespace icsim::cli
