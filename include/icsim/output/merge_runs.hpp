#pragma once
// `icsim merge`: shards of one run or sweep (icsim run|sweep --shard i/N) joined into the file a
// single process would have written. The shards' per-replication arrays are read back into one
// experiment::Projection in replication order; targets and backtest figures are evaluated on it
// with the same functions `icsim run` uses, and the result is written by output::write_run, so
// the merged file equals a single-process run except for provenance (created_utc, threads,
// processes).
//
// Errors (icsim::InputError, naming the file): shards of different resolved scenarios (stored
// `scenario` text or seed differ), replications missing or held by more than one shard, a file
// that is not an icsim run result, or a scenario that no longer loads (the merge re-reads the
// scenario's data through the stored resolved text, placed next to the original scenario file).
#include <string>
#include <vector>

#include "icsim/experiment/projection.hpp"
#include "icsim/output/result_reader.hpp"

namespace icsim::output {

// The per-replication arrays of one point (slot `slot` of the point dimension) of a result file
// written by write_run (no target verdicts).
experiment::Projection read_projection(const ResultReader& file, std::size_t slot = 0);

// Appends `block`, whose replications follow those of `into`, to `into` (moved in when `into` is
// empty). InputError naming `where` if the two do not fit together.
void append_replications(experiment::Projection& into, experiment::Projection&& block,
                         const std::string& where);

struct MergeSummary {
  std::string scenario_name;
  long replications = 0;
  int shards = 0;
};

// Checks the shards and writes the merged result to out_path (atomically).
MergeSummary merge_runs(const std::vector<std::string>& shard_paths, const std::string& out_path);

}  // namespace icsim::output
