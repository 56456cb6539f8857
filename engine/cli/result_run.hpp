#pragma once
// One run (or one sweep point) of a result file read back for the commands that analyse it
// (`icsim score`, `icsim explain`): its per-replication projection, its targets and, on request,
// their per-replication verdicts.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "icsim/experiment/explain.hpp"
#include "icsim/experiment/validation.hpp"
#include "icsim/results/projection.hpp"

namespace icsim::cli {

struct ResultRun {
  std::string scenario_name, money_unit, region;
  int base_year = 0;
  std::uint64_t seed = 0;
  std::size_t point = 0;
  results::Projection projection;
  std::vector<experiment::TargetInfo> targets;
  std::vector<experiment::TargetVerdict> verdicts;  // with `verdicts` = true only
};

// Reads `path`; a sweep needs `point`. InputError naming the file when it is no run result, has
// no years, or the point does not exist.
ResultRun open_result_run(const std::string& path, std::optional<std::size_t> point,
                          bool verdicts = false);

}  // namespace icsim::cli
