#pragma once
// Targets and reported figures as plain data (scenario files state them; scenario::Target and
// scenario::Actual are these types), and the verdicts on them that experiment/targets.hpp
// computes and output/run_result.hpp writes (docs/model.md §4).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "icsim/results/series.hpp"

namespace icsim::results {

// A stated target. Thresholds of growth/share/change kinds are in percent.
//   level:  value(year) op threshold
//   growth: (value(year) / value(base_year) - 1) * 100 op threshold   (base_year default year-1)
//   cagr:   annualised growth from base_year to year, percent
//   share:  value(year) / denominator(year) * 100 op threshold
//   change: same as growth, phrased "change vs base" (intensity targets)
struct Target {
  enum class Kind { level, growth, cagr, share, change };
  enum class Op { at_least, at_most };
  std::string id;
  std::string text;  // the plan's words
  std::string source;
  std::string programme;
  Series series;
  std::optional<Series> denominator;  // share targets
  Kind kind = Kind::level;
  Op op = Op::at_least;
  double threshold = 0;
  std::string unit;
  int year = 0;
  int base_year = 0;  // 0 = default
  // Non-empty: the model cannot evaluate this target yet; `icsim run` lists it as
  // "not evaluated: needs <needs>".
  std::string needs;
};

// A reported figure for a backtest: compared with the projection's median and 90 % band.
struct Actual {
  std::string id;  // optional: the figure's id (e.g. its row in an observed-figures file)
  Series series;
  int year = 0;
  double value = 0;
  std::string unit;
  std::string source;
};

// A probability's interval (Wilson score interval, experiment::wilson_interval).
struct Interval {
  double low = 0, high = 0;
};

struct TargetOutcome {
  const Target* target = nullptr;
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
  std::vector<std::pair<const Target*, std::string>> not_evaluated;
};

// Backtest: a reported figure next to the projection's median and 90 % band.
struct ActualComparison {
  const Actual* actual = nullptr;
  double median = 0, p05 = 0, p95 = 0;
  double error_percent = 0;  // (median - actual) / actual * 100
};

}  // namespace icsim::results
