#pragma once
// `icsim merge`: shards of one run or sweep (icsim run|sweep --shard i/N) joined into the file a
// single process would have written. The shards' per-replication arrays are read back
// (output::read_projection) and joined in replication order (results::append_replications); the
// point is judged on them as `icsim run` judges it (evaluate_point), and the result is written by
// output::write_run, so
// the merged file equals a single-process run except for provenance (created_utc, threads,
// processes).
//
// Errors (icsim::InputError, naming the file): shards of different resolved scenarios (stored
// `scenario` text or seed differ), replications missing or held by more than one shard, a file
// that is not an icsim run result, or a scenario that no longer loads (the merge re-reads the
// scenario's data through the stored resolved text, placed next to the original scenario file).
#include <string>
#include <vector>

namespace icsim::experiment {

struct MergeSummary {
  std::string scenario_name;
  long replications = 0;
  int shards = 0;
};

// Checks the shards and writes the merged result to out_path (atomically).
MergeSummary merge_runs(const std::vector<std::string>& shard_paths, const std::string& out_path);

}  // namespace icsim::experiment
