// Cluster memberships of the firms (include/icsim/abm/clusters.hpp).
#include "icsim/abm/clusters.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace icsim::abm {

namespace {

// FNV-1a (32 bits) of a name, folded to 20 bits and kept below 2^20 - 1 (the last step is
// reserved, random.hpp).
std::uint32_t name_step(const std::string& name) {
  std::uint32_t h = 2166136261u;
  for (unsigned char ch : name) h = (h ^ ch) * 16777619u;
  return ((h >> 20) ^ h) % ((1u << 20) - 1);
}

// Each system's step: its name's hash, or the next free one in name order if taken.
std::vector<std::uint32_t> system_steps(const std::vector<io::Concordance>& systems) {
  std::vector<std::size_t> order(systems.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return systems[a].system < systems[b].system;
  });
  std::vector<std::uint32_t> steps(systems.size());
  std::vector<std::uint32_t> taken;
  for (std::size_t k : order) {
    std::uint32_t s = name_step(systems[k].system);
    while (std::find(taken.begin(), taken.end(), s) != taken.end()) s = (s + 1) % ((1u << 20) - 1);
    taken.push_back(s);
    steps[k] = s;
  }
  return steps;
}

}  // namespace

ClusterAssignment::ClusterAssignment(const std::vector<io::Concordance>& systems,
                                     std::size_t sectors)
    : systems_(systems.size()), sectors_(sectors), steps_(system_steps(systems)) {
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
    const double u = keyed_uniform(seed, replication, draws::cluster_membership, steps_[k], id);
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

// For every active firm i >= first with a district in range, per_firm(i) gives a function of
// the cell k = district * clusters + cluster, called for each of the firm's clusters. Per cell
// the firms come in firm order, so every sum is taken in the same order as a plain loop over the
// firms. The firm's values are read once (per_firm), not again for each of its clusters after
// the stores into the sums.
template <class PerFirm>
void for_each_active_cell(const FirmPopulation& pop, const ClusterMemberships& m,
                          std::size_t districts, std::size_t clusters, std::size_t first,
                          PerFirm&& per_firm) {
  const std::size_t W = m.words;
  if (W == 0) return;
  const std::size_t n = std::min(pop.size(), m.bits.size() / W);
  const std::uint64_t* bits = m.bits.data();
  const std::uint8_t* flags = pop.flags.data();
  const std::uint16_t* district = pop.district.data();
  for (std::size_t i = first; i < n; ++i) {
    if (!(flags[i] & kActive) || district[i] >= districts) continue;
    const std::size_t row = district[i] * clusters;
    const auto add = per_firm(i);
    for (std::size_t w = 0; w < W; ++w)
      for (std::uint64_t b = bits[i * W + w]; b != 0; b &= b - 1) {
        const std::size_t c = w * 64 + static_cast<std::size_t>(__builtin_ctzll(b));
        if (c < clusters) add(row + c);
      }
  }
}

// The firms of `cells` that the sums can take from it: all it indexes when it matches the sums'
// shape and the population, none otherwise.
std::size_t usable(const ClusterCellIndex* cells, std::size_t districts, std::size_t clusters,
                   std::size_t firms) {
  if (cells == nullptr || cells->districts != districts || cells->clusters != clusters ||
      cells->indexed > firms || cells->group.size() != cells->indexed ||
      cells->group_offsets.empty())
    return 0;
  return cells->indexed;
}

// Adds each group's sums to its cells: sums[v][k] += acc[g * V + v] for the V sums of every
// group g (in group order) and every cell k of the group.
template <std::size_t V>
void spread(const ClusterCellIndex& c, const double* acc, const std::array<double*, V>& sums) {
  const std::uint32_t* off = c.group_offsets.data();
  const std::uint32_t* cell = c.cells.data();
  for (std::size_t g = 0; g + 1 < c.group_offsets.size(); ++g)
    for (std::uint32_t j = off[g]; j < off[g + 1]; ++j)
      for (std::size_t v = 0; v < V; ++v) sums[v][cell[j]] += acc[g * V + v];
}

// x where `keep`, else +0.0, without a branch. Adding it instead of skipping the addition gives
// the same sum as long as the sum is not -0.0, which a sum started at +0.0 never is.
inline double kept(double x, bool keep) {
  return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) & (std::uint64_t{0} - keep));
}

}  // namespace

ClusterCellIndex ClusterCellIndex::build(const FirmPopulation& f, const ClusterMemberships& m,
                                         std::size_t districts, std::size_t clusters) {
  ClusterCellIndex x;
  x.districts = districts;
  x.clusters = clusters;
  const std::size_t W = m.words;
  x.indexed = W == 0 ? 0 : std::min(f.size(), m.bits.size() / W);
  x.group.assign(x.indexed, kNoGroup);
  x.group_offsets.assign(1, 0);
  // Key: the district and the membership words, as bytes.
  std::unordered_map<std::string, std::uint32_t> ids;
  std::string key;
  for (std::size_t i = 0; i < x.indexed; ++i) {
    if (f.district[i] >= districts) continue;
    const std::uint64_t* bits = m.bits.data() + i * W;
    bool any = false;
    for (std::size_t w = 0; w < W; ++w)
      for (std::uint64_t b = bits[w]; b != 0; b &= b - 1)
        any |= w * 64 + static_cast<std::size_t>(std::countr_zero(b)) < clusters;
    if (!any) continue;
    key.assign(reinterpret_cast<const char*>(&f.district[i]), sizeof(std::uint16_t));
    key.append(reinterpret_cast<const char*>(bits), W * sizeof(std::uint64_t));
    const auto [it, added] = ids.try_emplace(key, static_cast<std::uint32_t>(ids.size()));
    x.group[i] = it->second;
    if (!added) continue;
    const std::size_t row = f.district[i] * clusters;
    for (std::size_t w = 0; w < W; ++w)
      for (std::uint64_t b = bits[w]; b != 0; b &= b - 1) {
        const std::size_t c = w * 64 + static_cast<std::size_t>(std::countr_zero(b));
        if (c < clusters) x.cells.push_back(static_cast<std::uint32_t>(row + c));
      }
    x.group_offsets.push_back(static_cast<std::uint32_t>(x.cells.size()));
  }
  return x;
}

void ClusterDistrictSums::add_production(const FirmPopulation& f, const ClusterMemberships& m,
                                         const ClusterCellIndex* cells) {
  const std::uint8_t* flags = f.flags.data();
  const double* out = f.output.data();
  const float* va_rate = f.value_added_rate.data();
  double* o = output.data();
  double* va = value_added.data();
  double* above = output_above_scale.data();
  const std::size_t first = usable(cells, districts, clusters, f.size());
  if (first > 0) {
    // Per group: output, value added and 规上 output of its active firms, in firm order; an
    // inactive firm adds +0.0 (kept), which leaves a sum started at +0.0 unchanged.
    scratch.assign(3 * cells->groups(), 0.0);
    double* acc = scratch.data();
    const std::uint32_t* group = cells->group.data();
    for (std::size_t i = 0; i < first; ++i) {
      const std::uint32_t g = group[i];
      if (g == ClusterCellIndex::kNoGroup) continue;
      const std::uint8_t fl = flags[i];
      const bool active = (fl & kActive) != 0;
      const double x = out[i];
      double* a = acc + 3 * static_cast<std::size_t>(g);
      a[0] += kept(x, active);
      a[1] += kept(va_rate[i] * x, active);
      a[2] += kept(x, active && (fl & kAboveScale) != 0);
    }
    spread<3>(*cells, acc, {o, va, above});
  }
  for_each_active_cell(f, m, districts, clusters, first, [=](std::size_t i) {
    const double x = out[i], v = va_rate[i] * x;
    const bool is_above = (flags[i] & kAboveScale) != 0;
    return [=](std::size_t k) {
      o[k] += x;
      va[k] += v;
      if (is_above) above[k] += x;
    };
  });
}

void ClusterDistrictSums::add_stocks(const FirmPopulation& f, const ClusterMemberships& m,
                                     const ClusterCellIndex* cells) {
  const std::uint8_t* flags = f.flags.data();
  const double* land_of = f.land.data();
  double* count = firms.data();
  double* mu = land.data();
  const std::size_t first = usable(cells, districts, clusters, f.size());
  if (first > 0) {
    scratch.assign(2 * cells->groups(), 0.0);
    double* acc = scratch.data();
    const std::uint32_t* group = cells->group.data();
    for (std::size_t i = 0; i < first; ++i) {
      const std::uint32_t g = group[i];
      if (g == ClusterCellIndex::kNoGroup) continue;
      const bool active = (flags[i] & kActive) != 0;
      double* a = acc + 2 * static_cast<std::size_t>(g);
      a[0] += kept(1.0, active);
      a[1] += kept(land_of[i], active);
    }
    spread<2>(*cells, acc, {count, mu});
  }
  for_each_active_cell(f, m, districts, clusters, first, [=](std::size_t i) {
    const double l = land_of[i];
    return [=](std::size_t k) {
      count[k] += 1;
      mu[k] += l;
    };
  });
}

}  // namespace icsim::abm
