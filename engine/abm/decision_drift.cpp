// Firm efficiency drift (DriftRules in decisions.hpp): each active firm's productivity takes a
// mean-one log-normal step every year, keyed by (year, firm id), so that firms drift below (and
// above) the 亩均 rectification line year after year.
#include <cmath>
#include <numbers>

#include "firm_model_state.hpp"

namespace icsim::abm {

void drift_productivity(FirmModel::State& s, int year) {
  const double sd = s.p.drift.productivity_sd;
  if (!(sd > 0)) return;
  FirmPopulation& f = s.firms;
  const double shift = -0.5 * sd * sd;
  const auto step = static_cast<std::uint32_t>(year);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!(f.flags[i] & kActive)) continue;
    const UniformPair u = keyed_uniform_pair(s.seed, s.replication, draws::drift, step, f.id[i]);
    const double z =
        std::sqrt(-2.0 * std::log(u.first)) * std::cos(2 * std::numbers::pi * u.second);
    f.productivity[i] = static_cast<float>(f.productivity[i] * std::exp(shift + sd * z));
  }
}

}  // namespace icsim::abm
