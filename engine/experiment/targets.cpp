// Target evaluation (targets.hpp, docs/model.md §4). The target's quantity in year y from base year
// b:
//   level  s(y);   growth, change  (s(y) / s(b) - 1) * 100;
//   cagr   ((s(y) / s(b))^(1 / (y - b)) - 1) * 100;   share  s(y) / d(y) * 100.
// Default b: y - 1 for growth and change, the projection's base year for cagr. The first year
// reached applies the same definition at every projected year y: with a default b it moves
// along (y vs y - 1); an explicit b stays fixed and only years after it count.
#include "icsim/experiment/targets.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "icsim/common/error.hpp"

namespace icsim::experiment {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using scenario::Target;

bool holds(const Target& target, double value) {
  if (std::isnan(value)) return false;
  return target.op == Target::Op::at_least ? value >= target.threshold : value <= target.threshold;
}

std::string year_range(const Projection& p) {
  return std::to_string(p.years.front()) + "-" + std::to_string(p.years.back());
}

bool in_projection(const Projection& p, int year) {
  return std::find(p.years.begin(), p.years.end(), year) != p.years.end();
}

// The target's quantity at year index t against base index b (b unused for level and share).
double quantity(const Target& target, const std::vector<double>& s, const std::vector<double>* d,
                const Projection& p, std::size_t t, std::size_t b) {
  switch (target.kind) {
    case Target::Kind::level:
      return s[t];
    case Target::Kind::growth:
    case Target::Kind::change:
      return (s[t] / s[b] - 1) * 100;
    case Target::Kind::cagr:
      return (std::pow(s[t] / s[b], 1.0 / (p.years[t] - p.years[b])) - 1) * 100;
    case Target::Kind::share:
      return s[t] / (*d)[t] * 100;
  }
  return kNaN;
}

bool uses_base(const Target& t) {
  return t.kind == Target::Kind::growth || t.kind == Target::Kind::change ||
         t.kind == Target::Kind::cagr;
}

}  // namespace

Interval wilson_interval(long successes, long trials, double z) {
  if (trials <= 0) return {0.0, 1.0};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double denominator = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denominator;
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
  Interval out{std::max(0.0, centre - half), std::min(1.0, centre + half)};
  if (successes <= 0) out.low = 0;
  if (successes >= trials) out.high = 1;
  return out;
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return kNaN;
  for (double v : values)
    if (std::isnan(v)) return kNaN;
  std::sort(values.begin(), values.end());
  const double h = (static_cast<double>(values.size()) - 1) * std::clamp(q, 0.0, 1.0);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= values.size()) return values.back();
  return values[lo] + (h - static_cast<double>(lo)) * (values[lo + 1] - values[lo]);
}

TargetReport evaluate_targets(const std::vector<Target>& targets, const Projection& projection) {
  TargetReport report;
  const Projection& p = projection;
  for (const auto& target : targets) {
    if (!target.needs.empty()) {
      report.not_evaluated.push_back({&target, "needs " + target.needs});
      continue;
    }
    if (p.years.empty() || !in_projection(p, target.year)) {
      report.not_evaluated.push_back(
          {&target, "year " + std::to_string(target.year) + " is outside the projection years " +
                        (p.years.empty() ? std::string("(none)") : year_range(p))});
      continue;
    }
    int base = target.base_year;
    if (uses_base(target) && base == 0)
      base = target.kind == Target::Kind::cagr ? p.years.front() : target.year - 1;
    if (uses_base(target)) {
      if (!in_projection(p, base)) {
        report.not_evaluated.push_back({&target, "base year " + std::to_string(base) +
                                                     " is outside the projection years " +
                                                     year_range(p)});
        continue;
      }
      if (base >= target.year) {
        report.not_evaluated.push_back({&target, "base year " + std::to_string(base) +
                                                     " is not before the target year " +
                                                     std::to_string(target.year)});
        continue;
      }
    }
    if (target.kind == Target::Kind::share && !target.denominator) {
      report.not_evaluated.push_back({&target, "a share target needs a denominator series"});
      continue;
    }

    TargetOutcome outcome;
    outcome.target = &target;
    const std::size_t ty = p.year_index(target.year);
    const bool explicit_base = target.base_year != 0;
    const std::size_t by = uses_base(target) ? p.year_index(base) : 0;
    const auto R = static_cast<std::size_t>(p.replications);
    outcome.reached.assign(R, 0);
    outcome.value.assign(R, kNaN);
    outcome.first_year.assign(R, 0);
    long successes = 0;
    std::vector<double> first_years;
    for (int r = 0; r < p.replications; ++r) {
      const auto ri = static_cast<std::size_t>(r);
      const std::vector<double> s = p.series(target.series, r);
      std::vector<double> d;
      if (target.denominator) d = p.series(*target.denominator, r);
      const std::vector<double>* dp = target.denominator ? &d : nullptr;
      outcome.value[ri] = quantity(target, s, dp, p, ty, by);
      outcome.reached[ri] = holds(target, outcome.value[ri]) ? 1 : 0;
      successes += outcome.reached[ri];
      for (std::size_t t = 1; t < p.years.size(); ++t) {
        std::size_t b = by;
        if (uses_base(target)) {
          if (!explicit_base && target.kind != Target::Kind::cagr) b = t - 1;
          if (t <= b) continue;
        }
        if (holds(target, quantity(target, s, dp, p, t, b))) {
          outcome.first_year[ri] = p.years[t];
          first_years.push_back(p.years[t]);
          break;
        }
      }
    }
    outcome.probability = R > 0 ? static_cast<double>(successes) / static_cast<double>(R) : kNaN;
    outcome.interval = wilson_interval(successes, static_cast<long>(R));
    outcome.value_median = quantile(outcome.value, 0.5);
    outcome.value_p05 = quantile(outcome.value, 0.05);
    outcome.value_p95 = quantile(outcome.value, 0.95);
    if (!first_years.empty()) outcome.first_year_median = quantile(first_years, 0.5);
    report.evaluated.push_back(std::move(outcome));
  }
  return report;
}

std::vector<ActualComparison> compare_actuals(const std::vector<scenario::Actual>& actuals,
                                              const Projection& projection) {
  std::vector<ActualComparison> out;
  for (const auto& actual : actuals) {
    ActualComparison c;
    c.actual = &actual;
    c.median = c.p05 = c.p95 = c.error_percent = kNaN;
    if (in_projection(projection, actual.year)) {
      const std::size_t t = projection.year_index(actual.year);
      std::vector<double> values;
      for (int r = 0; r < projection.replications; ++r)
        values.push_back(projection.series(actual.series, r)[t]);
      c.median = quantile(values, 0.5);
      c.p05 = quantile(values, 0.05);
      c.p95 = quantile(values, 0.95);
      c.error_percent = (c.median - actual.value) / actual.value * 100;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace icsim::experiment
