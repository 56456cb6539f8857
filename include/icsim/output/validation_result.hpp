#pragma once
// The /validation group (docs/results.md "Validation group"; docs/score.md): forecast scores of
// a run, written by `icsim score -o` for an observed-figures file and by `icsim run` into its
// result file for the scenario's [[actual]] figures. Dimensions figure (every figure scored, in
// order) and scored_target (absent when no target's outcome is known); attributes for the
// summary (band coverage out of and in sample, mean relative CRPS, Brier score against the
// climatological reference, mean log score).
#include <string>

#include "icsim/output/result_file.hpp"
#include "icsim/results/validation.hpp"

namespace icsim::output {

// Writes `v` as the group /validation of `file` (not committed: the caller commits). A
// non-empty `summary_over` is stored as the attribute of that name (a shard's slice).
void write_validation(ResultFile& file, const results::Validation& v,
                      const std::string& summary_over = "");

}  // namespace icsim::output
