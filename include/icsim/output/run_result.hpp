#pragma once
// The result file of `icsim run` (docs/results.md, the contract with notebooks): root
// provenance attributes, the resolved scenario text, and the groups /sectors, /clusters,
// /region, /targets (and /backtest when the scenario lists reported figures), every array over
// (point, replication, year, ...) with point of size 1 for a plain run. With the firm model
// (Projection::firm_model; root attribute `firm_model` = 1, else 0) also /districts (every
// statistic of abm/statistics.hpp over district), the same statistics summed in /region, and
// land_in_use and firms in /clusters.
#include <cstdint>
#include <string>
#include <vector>

#include "icsim/experiment/projection.hpp"
#include "icsim/experiment/targets.hpp"
#include "icsim/output/result_file.hpp"
#include "icsim/scenario/load.hpp"

namespace icsim::output {

// Root attributes every icsim result carries (RESULTS.md "Layout").
struct Provenance {
  std::string scenario_name;
  std::uint64_t seed = 0;
  long replications = 0;
  int threads = 1;
  int processes = 1;
  std::string money_unit;
};
void write_provenance(ResultFile& file, const Provenance& provenance);

struct RunOutputs {
  const scenario::LoadedScenario* loaded = nullptr;
  const experiment::Projection* projection = nullptr;
  const experiment::TargetReport* targets = nullptr;
  const std::vector<experiment::ActualComparison>* actuals = nullptr;  // may be empty
  int threads = 1;
};
// Writes everything of a run into `file` (not committed: the caller commits).
void write_run(ResultFile& file, const RunOutputs& run);

}  // namespace icsim::output
