#pragma once
// The result file of `icsim seek` (docs/results.md, "Seek files"; docs/seek.md): root provenance
// attributes and `scenario` (the resolved scenario without the lever), and a group /seek with
// dimensions step (evaluation order) and target:
//   lever_value (step); probability, probability_low, probability_high (step, target; 95 %
//   Wilson interval); answer, bracket_low, bracket_high (target; NaN where none); status
//   (target, string); target_text (target, string);
//   attributes lever, probability_goal, direction ("smallest" | "largest"), answer_all (NaN if
//   none), tolerance, lever_type ("number" | "integer"), warnings (one per line; "" if none).
#include <string>
#include <vector>

#include "icsim/output/result_file.hpp"
#include "icsim/output/run_result.hpp"
#include "icsim/results/seek.hpp"

namespace icsim::output {

struct SeekOutputs {
  Provenance provenance;
  std::string scenario_text;  // the resolved scenario, without the lever's override
  std::string scenario_file;
  int base_year = 0, horizon = 0;
  std::string lever;                     // the scenario key sought
  std::string lever_unit;                // its unit (`units` of lever_value, answer, brackets)
  std::vector<std::string> target_text;  // per target (options->targets order); may be empty
  const results::SeekOptions* options = nullptr;
  const results::SeekResult* result = nullptr;
};

// Writes everything into `file` (not committed: the caller commits). std::invalid_argument if
// options or result is missing or their sizes disagree.
void write_seek(ResultFile& file, const SeekOutputs& seek);

}  // namespace icsim::output
