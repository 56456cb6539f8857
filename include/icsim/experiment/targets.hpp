#pragma once
// Target evaluation (docs/model.md §4): each target is a predicate over a projected series, decided
// per replication; across replications it gives a probability with a 95 % Wilson interval, the
// distribution of the value, and the first year the predicate holds.
#include <optional>
#include <string>
#include <vector>

#include "icsim/experiment/projection.hpp"
#include "icsim/results/targets.hpp"
#include "icsim/scenario/scenario.hpp"

namespace icsim::experiment {

// The verdicts are plain result data (results/targets.hpp).
using results::ActualComparison;
using results::Interval;
using results::TargetOutcome;
using results::TargetReport;

// Wilson score interval for `successes` out of `trials` at normal quantile z (1.96 = 95 %).
Interval wilson_interval(long successes, long trials, double z = 1.959963984540054);

TargetReport evaluate_targets(const std::vector<scenario::Target>& targets,
                              const Projection& projection);

// Backtest: each reported figure next to the projection's median and 90 % band.
std::vector<ActualComparison> compare_actuals(const std::vector<scenario::Actual>& actuals,
                                              const Projection& projection);

// Quantile of a sample with linear interpolation (numpy's default), q in [0, 1].
double quantile(std::vector<double> values, double q);

}  // namespace icsim::experiment
