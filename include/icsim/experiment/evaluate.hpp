#pragma once
// One point judged: a scenario (a run, a sweep point or a seek step) projected and its targets
// evaluated on the projection, the one way `icsim run`, `sweep`, `merge` and `seek` do it. The
// projection comes from project() or, for a point run in blocks or shards, from the blocks read
// back and joined (results::append_replications).
#include <string>
#include <vector>

#include "icsim/experiment/projection.hpp"
#include "icsim/experiment/targets.hpp"
#include "icsim/experiment/validation.hpp"
#include "icsim/results/seek.hpp"
#include "icsim/scenario/load.hpp"

namespace icsim::experiment {

// The verdicts on a point: its targets and, when asked for, its reported figures (backtest)
// with their forecast scores (validate_actuals; empty without [[actual]] figures).
struct PointVerdicts {
  TargetReport targets;
  std::vector<ActualComparison> actuals;
  results::Validation validation;
};

// The point's targets (and with `actuals` its reported figures) judged on its projection. The
// verdicts refer to point.scenario's targets and figures, which must outlive them.
PointVerdicts evaluate_point(const scenario::LoadedScenario& point, const Projection& projection,
                             bool actuals = true);

struct EvaluatedPoint {
  Projection projection;
  PointVerdicts verdicts;
};

// Projects the prepared point (the replications options selects) and judges it.
EvaluatedPoint evaluate_point(const PreparedScenario& point, const RunOptions& options,
                              bool actuals = true);

// The probability of each target of `ids` (in that order) with its 95 % Wilson interval, as goal
// seeking wants them. InputError "--target ID: the target is not evaluated <context>" for an id
// the report did not evaluate.
std::vector<results::TargetProbability> target_probabilities(const TargetReport& report,
                                                             const std::vector<std::string>& ids,
                                                             const std::string& context);

}  // namespace icsim::experiment
