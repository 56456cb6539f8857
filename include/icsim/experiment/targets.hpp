#pragma once
// Target evaluation (MODEL.md §4): each target is a predicate over a projected series, decided
// per replication; across replications it gives a probability with a 95 % Wilson interval, the
// distribution of the value, and the first year the predicate holds.
#include <optional>
#include <string>
#include <vector>

#include "icsim/experiment/projection.hpp"
#include "icsim/scenario/scenario.hpp"

namespace icsim::experiment {

// Wilson score interval for `successes` out of `trials` at normal quantile z (1.96 = 95 %).
struct Interval {
  double low = 0, high = 0;
};
Interval wilson_interval(long successes, long trials, double z = 1.959963984540054);

struct TargetOutcome {
  const scenario::Target* target = nullptr;
  // Per replication:
  std::vector<signed char> reached;  // 0/1
  std::vector<double> value;         // the target's quantity in its year (level, % growth, ...)
  std::vector<int> first_year;       // first year (> base year) the predicate held; 0 = never
  double probability = 0;
  Interval interval;
  double value_median = 0, value_p05 = 0, value_p95 = 0;
  std::optional<double> first_year_median;  // over replications that reached it at all
};

struct TargetReport {
  std::vector<TargetOutcome> evaluated;
  // Targets listed with `needs`, or whose year lies outside the projection: with the reason.
  std::vector<std::pair<const scenario::Target*, std::string>> not_evaluated;
};

TargetReport evaluate_targets(const std::vector<scenario::Target>& targets,
                              const Projection& projection);

// Backtest: a reported figure next to the projection's median and 90 % band.
struct ActualComparison {
  const scenario::Actual* actual = nullptr;
  double median = 0, p05 = 0, p95 = 0;
  double error_percent = 0;  // (median - actual) / actual * 100
};
std::vector<ActualComparison> compare_actuals(const std::vector<scenario::Actual>& actuals,
                                              const Projection& projection);

// Quantile of a sample with linear interpolation (numpy's default), q in [0, 1].
double quantile(std::vector<double> values, double q);

}  // namespace icsim::experiment
