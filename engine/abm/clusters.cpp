// Cluster memberships of the firms (include/icsim/abm/clusters.hpp).
#include "icsim/abm/clusters.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace icsim::abm {

ClusterAssignment::ClusterAssignment(const std::vector<io::Concordance>& systems,
                                     std::size_t sectors)
    : systems_(systems.size()), sectors_(sectors) {
  arcs_.resize(systems_ * sectors_);
  std::size_t first = 0;
  for (std::size_t k = 0; k < systems.size(); ++k) {
    const auto& W = systems[k].weights;
    if (static_cast<std::size_t>(W.cols()) != sectors)
      throw std::invalid_argument("cluster memberships: system '" + systems[k].system + "' has " +
                                  std::to_string(W.cols()) + " sectors, the table " +
                                  std::to_string(sectors));
    for (std::size_t s = 0; s < sectors; ++s) {
      double start = 0;
      for (Eigen::Index c = 0; c < W.rows(); ++c) {
        const double w = W(c, static_cast<Eigen::Index>(s));
        if (!(w >= 0 && w <= 1 + 1e-12))
          throw std::invalid_argument("cluster memberships: system '" + systems[k].system +
                                      "': weight outside [0, 1]");
        if (w > 0)
          arcs_[k * sectors + s].push_back(
              {static_cast<std::uint32_t>(first + static_cast<std::size_t>(c)), start, w});
        start += w;
        start -= std::floor(start);  // arcs wrap around the circle
      }
    }
    first += static_cast<std::size_t>(W.rows());
  }
  clusters_ = first;
}

void ClusterAssignment::members(std::size_t k, std::uint16_t sector, double u,
                                std::vector<std::size_t>& out) const {
  for (const Arc& a : arcs_[k * sectors_ + sector]) {
    double x = u - a.start;
    if (x < 0) x += 1;
    if (x < a.width) out.push_back(a.cluster);
  }
}

void ClusterAssignment::draw(std::uint16_t sector, std::uint32_t id, std::uint64_t seed,
                             std::uint64_t replication, std::uint64_t* out) const {
  std::fill(out, out + words(), std::uint64_t{0});
  if (sector >= sectors_) return;
  for (std::size_t k = 0; k < systems_; ++k) {
    const auto& arcs = arcs_[k * sectors_ + sector];
    if (arcs.empty()) continue;
    const double u = keyed_uniform(seed, replication, draws::cluster_membership,
                                   static_cast<std::uint32_t>(k), id);
    for (const Arc& a : arcs) {
      double x = u - a.start;
      if (x < 0) x += 1;
      if (x < a.width) out[a.cluster / 64] |= std::uint64_t{1} << (a.cluster % 64);
    }
  }
}

void ClusterMemberships::append(const ClusterAssignment& a, const FirmPopulation& firms,
                                std::size_t i, std::uint64_t seed, std::uint64_t replication) {
  words = a.words();
  if (words == 0) return;
  if (bits.size() != i * words)
    throw std::logic_error("cluster memberships: firm " + std::to_string(i) +
                           " is not the next firm");
  bits.resize((i + 1) * words);
  a.draw(firms.sector[i], firms.id[i], seed, replication, bits.data() + i * words);
}

ClusterMemberships ClusterMemberships::draw_all(const ClusterAssignment& a,
                                                const FirmPopulation& firms, std::uint64_t seed,
                                                std::uint64_t replication) {
  ClusterMemberships m;
  m.words = a.words();
  m.bits.assign(firms.size() * m.words, 0);
  if (m.words == 0) return m;
  const long long n = static_cast<long long>(firms.size());
#pragma omp parallel for schedule(static)
  for (long long i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    a.draw(firms.sector[k], firms.id[k], seed, replication, m.bits.data() + k * m.words);
  }
  return m;
}

void ClusterDistrictSums::reset(std::size_t district_count, std::size_t cluster_count) {
  districts = district_count;
  clusters = cluster_count;
  for (auto* v : {&output, &value_added, &output_above_scale, &firms, &land})
    v->assign(districts * clusters, 0.0);
}

namespace {

// Calls f(firm, cluster) for every membership of every firm that passes `keep`.
template <class Keep, class F>
void for_each_membership(const FirmPopulation& pop, const ClusterMemberships& m, Keep&& keep,
                         F&& f) {
  if (m.words == 0) return;
  const std::size_t n = std::min(pop.size(), m.bits.size() / m.words);
  for (std::size_t i = 0; i < n; ++i) {
    if (!keep(i)) continue;
    for (std::size_t w = 0; w < m.words; ++w)
      for (std::uint64_t b = m.bits[i * m.words + w]; b != 0; b &= b - 1)
        f(i, w * 64 + static_cast<std::size_t>(__builtin_ctzll(b)));
  }
}

}  // namespace

void ClusterDistrictSums::add_production(const FirmPopulation& f, const ClusterMemberships& m) {
  for_each_membership(
      f, m, [&](std::size_t i) { return (f.flags[i] & kActive) != 0; },
      [&](std::size_t i, std::size_t c) {
        if (c >= clusters || f.district[i] >= districts) return;
        const std::size_t k = f.district[i] * clusters + c;
        const double out = f.output[i];
        output[k] += out;
        value_added[k] += f.value_added_rate[i] * out;
        if (f.flags[i] & kAboveScale) output_above_scale[k] += out;
      });
}

void ClusterDistrictSums::add_stocks(const FirmPopulation& f, const ClusterMemberships& m) {
  for_each_membership(
      f, m, [&](std::size_t i) { return (f.flags[i] & kActive) != 0; },
      [&](std::size_t i, std::size_t c) {
        if (c >= clusters || f.district[i] >= districts) return;
        const std::size_t k = f.district[i] * clusters + c;
        firms[k] += 1;
        land[k] += f.land[i];
      });
}

}  // namespace icsim::abm
