// One point judged (include/icsim/experiment/evaluate.hpp).
#include "icsim/experiment/evaluate.hpp"

#include <cmath>

#include "icsim/common/error.hpp"

namespace icsim::experiment {

PointVerdicts evaluate_point(const scenario::LoadedScenario& point, const Projection& projection,
                             bool actuals) {
  PointVerdicts out;
  out.targets = evaluate_targets(point.scenario.targets, projection);
  if (actuals && !point.scenario.actuals.empty()) {
    out.actuals = compare_actuals(point.scenario.actuals, projection);
    out.validation =
        validate_actuals(point.scenario.actuals, out.targets, projection, point.scenario.base_year);
  }
  return out;
}

EvaluatedPoint evaluate_point(const PreparedScenario& point, const RunOptions& options,
                              bool actuals) {
  EvaluatedPoint out;
  out.projection = project(point, options);
  out.verdicts = evaluate_point(point.loaded(), out.projection, actuals);
  return out;
}

std::vector<results::TargetProbability> target_probabilities(const TargetReport& report,
                                                             const std::vector<std::string>& ids,
                                                             const std::string& context) {
  std::vector<results::TargetProbability> out;
  for (const auto& id : ids) {
    const TargetOutcome* found = nullptr;
    for (const auto& o : report.evaluated)
      if (o.target->id == id) found = &o;
    if (found == nullptr)
      throw InputError("--target " + id + ": the target is not evaluated " + context);
    long reached = 0;
    for (signed char r : found->reached) reached += r;
    const auto trials = static_cast<long>(found->reached.size());
    const Interval ci = wilson_interval(reached, trials);
    out.push_back(
        {trials > 0 ? static_cast<double>(reached) / static_cast<double>(trials) : std::nan(""),
         ci.low, ci.high, found->value_median});
  }
  return out;
}

}  // namespace icsim::experiment
