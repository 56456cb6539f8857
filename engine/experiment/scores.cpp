// Forecast scores (include/icsim/experiment/scores.hpp).
#include "icsim/experiment/scores.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace icsim::experiment {

double quantile_sorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) throw std::invalid_argument("quantile_sorted: no members");
  if (!(p >= 0.0 && p <= 1.0)) throw std::invalid_argument("quantile_sorted: p outside [0, 1]");
  const double pos = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}

Band central_band(const std::vector<double>& sorted, double coverage) {
  if (!(coverage > 0.0 && coverage <= 1.0))
    throw std::invalid_argument("central_band: coverage outside (0, 1]");
  return {quantile_sorted(sorted, (1.0 - coverage) / 2.0),
          quantile_sorted(sorted, (1.0 + coverage) / 2.0)};
}

double crps_ensemble(std::vector<double> members, double y) {
  if (members.empty()) throw std::invalid_argument("crps_ensemble: no members");
  std::sort(members.begin(), members.end());
  const auto n = static_cast<double>(members.size());
  double to_obs = 0.0, spread = 0.0;
  for (std::size_t i = 0; i < members.size(); ++i) {
    to_obs += std::abs(members[i] - y);
    spread += (2.0 * static_cast<double>(i) - n + 1.0) * members[i];
  }
  // mean|X - y| - 0.5 * (2/n^2) * spread
  return to_obs / n - spread / (n * n);
}

double brier_score(double probability, bool outcome) {
  const double d = probability - (outcome ? 1.0 : 0.0);
  return d * d;
}

double clip_probability(double probability, long replications) {
  if (replications < 1) throw std::invalid_argument("clip_probability: no replications");
  const double eps = 1.0 / (2.0 * static_cast<double>(replications));
  return std::clamp(probability, eps, 1.0 - eps);
}

double log_score(double probability, bool outcome, long replications) {
  const double p = clip_probability(probability, replications);
  return outcome ? -std::log(p) : -std::log(1.0 - p);
}

double brier_skill(double brier, double reference) {
  if (reference == 0.0) return std::numeric_limits<double>::quiet_NaN();
  return 1.0 - brier / reference;
}

}  // namespace icsim::experiment
