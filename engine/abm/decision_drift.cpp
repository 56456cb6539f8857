// Firm efficiency drift (DriftRules in decisions.hpp): each active firm's productivity takes a
// mean-one log-normal step every year, keyed by (year, firm id), so that firms drift below (and
// above) the 亩均 rectification line year after year.
#include <Eigen/Core>
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
  // The active firms, their blocks drawn side by side (keyed_blocks) and their steps
  // exponentiated as one array (Eigen's vectorised exp), in chunks that stay in cache.
  constexpr std::size_t kChunk = 2048;
  thread_local std::vector<std::uint32_t> which, ids;
  thread_local std::vector<detail::PhiloxBlock> blocks;
  thread_local Eigen::ArrayXd step_of;
  which.resize(kChunk), ids.resize(kChunk), blocks.resize(kChunk), step_of.resize(kChunk);
  const std::uint8_t* flags = f.flags.data();
  const std::uint32_t* id = f.id.data();
  float* productivity = f.productivity.data();
  const std::size_t n = f.size();
  for (std::size_t i = 0; i < n;) {
    std::size_t m = 0;
    for (; i < n && m < kChunk; ++i) {
      which[m] = static_cast<std::uint32_t>(i);
      ids[m] = id[i];
      m += (flags[i] & kActive) != 0;
    }
    const std::span<const std::uint32_t> chunk(ids.data(), m);
    keyed_blocks(s.seed, s.replication, draws::drift.purpose, static_cast<std::uint32_t>(year),
                 draws::drift.slot, chunk, blocks);
    for (std::size_t j = 0; j < m; ++j) {
      const auto& b = blocks[j];
      const double u = (static_cast<double>(b.v[0]) + b.v[1] + b.v[2] + b.v[3] + 2.0) * kUnit;
      step_of[static_cast<Eigen::Index>(j)] = a * (u - 2.0);
    }
    auto steps = step_of.head(static_cast<Eigen::Index>(m));
    steps = steps.exp();
    for (std::size_t j = 0; j < m; ++j) {
      float& p = productivity[which[j]];
      p = static_cast<float>(p * scale * steps[static_cast<Eigen::Index>(j)]);
    }
  }
}

}  // namespace icsim::abm
