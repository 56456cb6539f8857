// Statistics of `icsim compare` (compare_stats.hpp).
#include "cli/compare_stats.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "icsim/experiment/targets.hpp"

namespace icsim::cli {

ProportionDifference proportion_difference(const std::vector<double>& a,
                                           const std::vector<double>& b, bool paired) {
  if (paired && a.size() != b.size())
    throw std::invalid_argument("proportion_difference: paired samples of different sizes");
  ProportionDifference d;
  d.n_a = static_cast<long>(a.size());
  d.n_b = static_cast<long>(b.size());
  long reached_a = 0, reached_b = 0;
  for (double v : a) reached_a += v != 0;
  for (double v : b) reached_b += v != 0;
  if (d.n_a == 0 || d.n_b == 0) {
    d.p_a = d.p_b = d.difference = d.low = d.high = std::numeric_limits<double>::quiet_NaN();
    return d;
  }
  d.p_a = static_cast<double>(reached_a) / static_cast<double>(d.n_a);
  d.p_b = static_cast<double>(reached_b) / static_cast<double>(d.n_b);
  d.difference = d.p_b - d.p_a;
  if (paired) {
    for (std::size_t r = 0; r < a.size(); ++r) {
      const bool in_a = a[r] != 0, in_b = b[r] != 0;
      if (in_a && in_b)
        ++d.both;
      else if (in_a)
        ++d.only_a;
      else if (in_b)
        ++d.only_b;
      else
        ++d.neither;
    }
    const double e = static_cast<double>(d.both), f = static_cast<double>(d.only_b),
                 g = static_cast<double>(d.only_a), h = static_cast<double>(d.neither);
    const double denominator = (e + f) * (g + h) * (e + g) * (f + h);
    d.phi = denominator > 0 ? (e * h - f * g) / std::sqrt(denominator) : 0.0;
  }
  const auto wa = experiment::wilson_interval(reached_a, d.n_a);
  const auto wb = experiment::wilson_interval(reached_b, d.n_b);
  const double down_b = d.p_b - wb.low, up_b = wb.high - d.p_b;
  const double down_a = d.p_a - wa.low, up_a = wa.high - d.p_a;
  d.low = d.difference - std::sqrt(down_b * down_b - 2 * d.phi * down_b * up_a + up_a * up_a);
  d.high = d.difference + std::sqrt(up_b * up_b - 2 * d.phi * up_b * down_a + down_a * down_a);
  return d;
}

QuantityDifference quantity_difference(const std::vector<double>& a, const std::vector<double>& b,
                                       bool paired) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  QuantityDifference q;
  q.median_a = a.empty() ? kNaN : experiment::quantile(a, 0.5);
  q.median_b = b.empty() ? kNaN : experiment::quantile(b, 0.5);
  if (!paired || a.size() != b.size() || a.empty()) {
    q.median_difference = q.p05 = q.p95 = kNaN;
    return q;
  }
  std::vector<double> differences(a.size());
  for (std::size_t r = 0; r < a.size(); ++r) differences[r] = b[r] - a[r];
  q.median_difference = experiment::quantile(differences, 0.5);
  q.p05 = experiment::quantile(differences, 0.05);
  q.p95 = experiment::quantile(differences, 0.95);
  return q;
}

}  // namespace icsim::cli
