// Firm efficiency drift (DriftRules in decisions.hpp): each active firm's productivity takes a
// mean-one log-normal step every year, keyed by (year, firm id), so that firms drift below (and
// above) the 亩均 rectification line year after year.
#include <cmath>

#include "firm_model_state.hpp"

namespace icsim::abm {

void drift_productivity(FirmModel::State& s, int year) {
  const double sd = s.p.drift.productivity_sd;
  if (!(sd > 0)) return;
  FirmPopulation& f = s.firms;
  // z = (u1 + u2 + u3 + u4 - 2) * sqrt(3): mean 0, variance 1, the four uniforms of one Philox
  // block (Irwin–Hall: close to normal, bounded at ±3.46; one block instead of a logarithm and a
  // cosine per firm). The step exp(sd z) is rescaled by its exact mean, E[exp(a U)] =
  // (exp(a) - 1) / a for U uniform on (0, 1) with a = sd sqrt(3), so that productivity keeps its
  // mean in levels.
  const double a = sd * std::sqrt(3.0);
  const double mean_one = std::pow((std::exp(a) - 1) / a, 4) * std::exp(-2 * a);
  const double scale = 1.0 / mean_one;
  constexpr double kUnit = 1.0 / 4294967296.0;
  const auto step = static_cast<std::uint32_t>(year);
  const std::uint64_t seed = s.seed, replication = s.replication;
  const std::uint8_t* flags = f.flags.data();
  const std::uint32_t* id = f.id.data();
  float* productivity = f.productivity.data();
  for (std::size_t i = 0, n = f.size(); i < n; ++i) {
    if (!(flags[i] & kActive)) continue;
    const auto b = detail::keyed_block(seed, replication, draws::drift.purpose, step, id[i],
                                       draws::drift.slot);
    const double u = (static_cast<double>(b.v[0]) + b.v[1] + b.v[2] + b.v[3] + 2.0) * kUnit;
    productivity[i] = static_cast<float>(productivity[i] * scale * std::exp(a * (u - 2.0)));
  }
}

}  // namespace icsim::abm
