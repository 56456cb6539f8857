#pragma once
// The result file of `icsim run` (docs/results.md, the contract with notebooks): root
// provenance attributes, the resolved scenario text, and the groups /sectors, /clusters,
// /region, /targets (and /backtest and /validation when the scenario lists reported figures), every
// array over (point, replication, year, ...) with point of size 1 for a plain run. The groups
// /sectors, /clusters, /region and /districts hold the variables of the catalogue
// (results/variables.hpp) in its order; those of the firm model only with it
// (Projection::firm_model; root attribute `firm_model` = 1, else 0).
#include <cstdint>
#include <string>
#include <vector>

#include "icsim/output/result_file.hpp"
#include "icsim/output/result_reader.hpp"
#include "icsim/results/projection.hpp"
#include "icsim/results/targets.hpp"
#include "icsim/results/validation.hpp"
#include "icsim/scenario/load.hpp"
#include "icsim/scenario/sweep.hpp"

namespace icsim::output {

// Root attributes every icsim result carries (docs/results.md "Layout").
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
  RunOutputs() = default;
  RunOutputs(const scenario::LoadedScenario* loaded_, const results::Projection* projection_,
             const results::TargetReport* targets_,
             const std::vector<results::ActualComparison>* actuals_, int threads_)
      : loaded(loaded_),
        projection(projection_),
        targets(targets_),
        actuals(actuals_),
        threads(threads_) {}

  const scenario::LoadedScenario* loaded = nullptr;
  const results::Projection* projection = nullptr;
  const results::TargetReport* targets = nullptr;
  const std::vector<results::ActualComparison>* actuals = nullptr;  // may be empty
  // The scores of the reported figures (/validation; nullptr or empty: none).
  const results::Validation* validation = nullptr;
  int threads = 1;
  int processes = 1;  // processes whose replications the file holds (icsim merge: the shards)
  // A shard of a run (icsim run --shard i/N): shard i (1-based) of shard_count; 0 = not a shard.
  // The file then holds replications projection->first_replication .. + replications - 1 (the
  // replication coordinate holds these global numbers), records the slice in root attributes
  // shard, shard_count, shard_first_replication and shard_replications, and says in an
  // attribute `summary_over` of /targets (and /backtest) that its summaries are the slice's.
  int shard = 0, shard_count = 0;
  // Sweep points: the file holds point_numbers.size() points (their coordinates: the sweep's
  // point numbers; {0} for a plain run), and this call writes slot `point` of them. The call
  // for slot 0 writes everything that is not per point as well, so slot 0 goes first; later
  // calls must evaluate the same targets. /backtest and /validation are written only for a
  // single point.
  std::vector<std::int64_t> point_numbers{0};
  std::size_t point = 0;
  // The root `scenario` text; empty = loaded->scenario.resolved_toml (a sweep stores its base
  // scenario, whose [sweep] section gives every point).
  std::string scenario_text;
};
// Writes everything of a run into `file` (not committed: the caller commits).
void write_run(ResultFile& file, const RunOutputs& run);

// The /sweep group of docs/results.md: parameter_value (point, parameter), the scenario keys as the
// `parameter` coordinate, point_label (point), and the design's method (and seed).
void write_sweep(ResultFile& file, const scenario::SweepPlan& plan);

// The per-replication arrays of one point (slot `slot` of the point dimension) of a result file
// written by write_run, read back (no target verdicts): every variable of the catalogue
// (results/variables.hpp). InputError naming the file if a group or variable is missing.
results::Projection read_projection(const ResultReader& file, std::size_t slot = 0);

}  // namespace icsim::output
