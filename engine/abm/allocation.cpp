#include "icsim/abm/allocation.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

namespace icsim::abm {

SectorIndex SectorIndex::build(const FirmPopulation& firms, std::size_t sectors) {
  SectorIndex ix;
  ix.rebuild(firms, sectors);
  return ix;
}

void SectorIndex::rebuild(const FirmPopulation& population, std::size_t sectors) {
  SectorIndex& ix = *this;
  const std::size_t n = population.size();
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("SectorIndex: more than 2^32 - 1 firms");
  ix.offsets.assign(sectors + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t s = population.sector[i];
    if (s >= sectors)
      throw std::invalid_argument("SectorIndex: firm " + std::to_string(i) + " has sector " +
                                  std::to_string(s) + ", but there are only " +
                                  std::to_string(sectors) + " sectors");
    ++ix.offsets[s + 1];
  }
  for (std::size_t s = 0; s < sectors; ++s) ix.offsets[s + 1] += ix.offsets[s];
  ix.firms.resize(n);
  ix.position.resize(n);
  // by_size serves as the running slot per sector here; it is set to its meaning below.
  ix.by_size.assign(ix.offsets.begin(), ix.offsets.end() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t slot = ix.by_size[population.sector[i]]++;
    ix.firms[slot] = static_cast<std::uint32_t>(i);
    ix.position[i] = slot;
  }
  std::iota(ix.by_size.begin(), ix.by_size.end(), 0u);
  std::stable_sort(ix.by_size.begin(), ix.by_size.end(), [&](std::uint32_t a, std::uint32_t b) {
    return ix.offsets[a + 1] - ix.offsets[a] > ix.offsets[b + 1] - ix.offsets[b];
  });
}

namespace {

// Σ_{k<m} term(k) as four interleaved partial sums in index order, combined as
// (s0 + s1) + (s2 + s3): a fixed order (no dependence on threads) that avoids one long chain of
// dependent additions.
template <class Term>
double sum4(std::size_t m, Term term) {
  double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  std::size_t k = 0;
  for (; k + 4 <= m; k += 4) {
    a0 += term(k);
    a1 += term(k + 1);
    a2 += term(k + 2);
    a3 += term(k + 3);
  }
  for (; k < m; ++k) a0 += term(k);
  return (a0 + a1) + (a2 + a3);
}

}  // namespace

std::vector<double> sector_capacity(const FirmPopulation& firms, const SectorIndex& index) {
  std::vector<double> cap(index.sectors(), 0.0);
  for (std::size_t s = 0; s < index.sectors(); ++s) {
    const std::span<const std::uint32_t> members = index.of(s);
    // The same order of summation as allocate_output's sector capacity, bit for bit.
    cap[s] = sum4(members.size(), [&](std::size_t k) {
      const std::uint32_t i = members[k];
      return producing(firms.flags[i]) ? firms.capacity[i] : 0.0;
    });
  }
  return cap;
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Firm-order passes (no reductions: any split gives the same result): about 256 chunks, at
// least 1024 firms each.
std::size_t chunk_size(std::size_t n) {
  const std::size_t c = (n + 255) / 256;
  return std::max<std::size_t>(1024, (c + 63) / 64 * 64);
}

struct SectorOutcome {
  double produced = 0, shortfall = 0, capacity = 0, level = 0;
  bool constrained = false;
  std::uint32_t rounds = 0;
};

// One round at level `lambda`: capacity of the capped firms (lambda w >= cap), weight of the
// others and the number capped.
inline void round_sums(const double* w, const double* cap, std::size_t m, double lambda,
                       double& capped, double& uncapped_weight, std::size_t& count) {
  // Branch-free (whether a firm is capped is unpredictable near the level): the comparison
  // becomes an all-ones/zero mask that selects the term, so these are plain sums of the selected
  // terms, in a fixed order of four interleaved partial sums. The four partial sums are the lanes
  // of two vectors of two (GCC's vector extension, one SSE2 register each), each lane doing
  // exactly the additions of its scalar partial sum.
  using V = double __attribute__((vector_size(16)));
  using M = std::int64_t __attribute__((vector_size(16)));
  V c01 = {0, 0}, c23 = {0, 0}, u01 = {0, 0}, u23 = {0, 0};
  M h01 = {0, 0}, h23 = {0, 0};
  const V level = {lambda, lambda};
  std::size_t k = 0;
  for (; k + 4 <= m; k += 4) {
    V w01, w23, k01, k23;
    std::memcpy(&w01, w + k, sizeof w01);
    std::memcpy(&w23, w + k + 2, sizeof w23);
    std::memcpy(&k01, cap + k, sizeof k01);
    std::memcpy(&k23, cap + k + 2, sizeof k23);
    const M hit01 = level * w01 >= k01;  // -1 (all ones) where capped, 0 elsewhere
    const M hit23 = level * w23 >= k23;
    c01 += (V)((M)k01 & hit01);
    c23 += (V)((M)k23 & hit23);
    u01 += (V)((M)w01 & ~hit01);
    u23 += (V)((M)w23 & ~hit23);
    h01 -= hit01;
    h23 -= hit23;
  }
  double c0 = c01[0], u0 = u01[0];
  std::int64_t h0 = h01[0];
  const auto select = [](double x, std::uint64_t mask) {
    return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) & mask);
  };
  for (; k < m; ++k) {
    const std::uint64_t hit = lambda * w[k] >= cap[k];
    const std::uint64_t mask = 0 - hit;
    c0 += select(cap[k], mask);
    u0 += select(w[k], ~mask);
    h0 += static_cast<std::int64_t>(hit);
  }
  capped = (c0 + c01[1]) + (c23[0] + c23[1]);
  uncapped_weight = (u0 + u01[1]) + (u23[0] + u23[1]);
  count = static_cast<std::size_t>(h0 + h01[1] + h23[0] + h23[1]);
}

// Exact λ* from the firms not capped at level `lambda`, given the capped capacity `capped` at
// that level: sort them by t = cap / w and sweep until the level found is below the next t.
double solve_sorted(const double* w, const double* cap, std::size_t m, double d, double lambda,
                    double capped) {
  std::vector<std::pair<double, std::uint32_t>> sorted;
  double wu = 0;
  for (std::size_t k = 0; k < m; ++k)
    if (w[k] > 0 && !(lambda * w[k] >= cap[k])) {
      sorted.emplace_back(cap[k] / w[k], static_cast<std::uint32_t>(k));
      wu += w[k];
    }
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [t, k] : sorted) {
    if (!(wu > 0)) break;
    const double level = (d - capped) / wu;
    if (level < t) return std::max(level, lambda);
    capped += cap[k];
    wu -= w[k];
  }
  return kInf;  // every positive-weight firm is capped
}

inline double output_at_level(double weight, double capacity, double level, bool constrained) {
  if (constrained) return capacity;
  return weight > 0 ? std::min(capacity, level * weight) : 0.0;
}

// The water level of one sector from its slice of the workspace (firms in index order).
SectorOutcome solve_sector(const double* w, const double* cap, double* x, std::size_t m, double d,
                           int max_rounds) {
  SectorOutcome out;
  const double total_cap = sum4(m, [cap](std::size_t k) { return cap[k]; });
  out.capacity = total_cap;
  if (d >= total_cap) {  // supply-constrained: everyone at capacity, the rest leaks to imports
    out.constrained = true;
    out.level = kInf;
    std::copy(cap, cap + m, x);
    out.produced = total_cap;
    out.shortfall = d - total_cap;
    return out;
  }
  double lambda = 0;
  std::size_t count = 0;
  bool solved = false;
  for (int round = 0; round < max_rounds; ++round) {
    double capped, wu;
    std::size_t c;
    round_sums(w, cap, m, lambda, capped, wu, c);
    ++out.rounds;
    if (round > 0 && c == count) {
      solved = true;
      break;
    }
    count = c;
    if (!(wu > 0)) {  // every positive-weight firm capped
      lambda = kInf;
      solved = true;
      break;
    }
    lambda = std::max(lambda, (d - capped) / wu);
  }
  if (!solved) {
    double capped, wu;
    std::size_t c;
    round_sums(w, cap, m, lambda, capped, wu, c);
    lambda = solve_sorted(w, cap, m, d, lambda, capped);
  }
  out.level = lambda;
  for (std::size_t k = 0; k < m; ++k) x[k] = output_at_level(w[k], cap[k], lambda, false);
  const double produced = sum4(m, [x](std::size_t k) { return x[k]; });
  out.produced = produced;
  // Positive only when zero-weight firms hold capacity that the positive-weight ones cannot
  // replace (lambda infinite); otherwise d - produced is rounding and the shortfall is 0.
  out.shortfall = lambda == kInf ? std::max(0.0, d - produced) : 0.0;
  return out;
}

}  // namespace

namespace {

// Fills the workspace (weights, levels, outputs in sector order) and returns the per-sector
// totals; allocate_output then writes firms.output from the workspace.
AllocationResult solve_allocation(const FirmPopulation& firms,
                                  std::span<const double> sector_demand, double beta,
                                  const SectorIndex& index, AllocationWorkspace& ws) {
  const std::size_t S = index.sectors();
  const std::size_t n = firms.size();
  if (sector_demand.size() != S)
    throw std::invalid_argument("allocate_output: " + std::to_string(sector_demand.size()) +
                                " sector demands for " + std::to_string(S) + " sectors");
  if (index.firms.size() != n || index.position.size() != n)
    throw std::invalid_argument("allocate_output: the sector index is out of date (" +
                                std::to_string(index.firms.size()) + " firms indexed, " +
                                std::to_string(n) + " in the population)");
  if (!(beta >= 0) || !std::isfinite(beta))
    throw std::invalid_argument("allocate_output: beta must be finite and >= 0");
  for (std::size_t s = 0; s < S; ++s)
    if (!(sector_demand[s] >= 0) || !std::isfinite(sector_demand[s]))
      throw std::invalid_argument("allocate_output: demand of sector " + std::to_string(s) +
                                  " must be finite and >= 0");

  ws.weight.resize(n);
  ws.capacity.resize(n);
  ws.output.resize(n);
  ws.level.assign(S, 0.0);
  ws.constrained.assign(S, 0);
  double* weight = ws.weight.data();
  double* capw = ws.capacity.data();
  double* xw = ws.output.data();
  const std::uint32_t* position = index.position.data();
  const double* capacity = firms.capacity.data();
  const float* productivity = firms.productivity.data();
  const std::uint8_t* flags = firms.flags.data();

  AllocationResult r;
  r.produced.assign(S, 0.0);
  r.shortfall.assign(S, 0.0);
  r.capacity.assign(S, 0.0);
  r.rounds.assign(S, 0);
  const std::size_t chunk = chunk_size(n);
  const long long chunks = static_cast<long long>((n + chunk - 1) / chunk);
  const long long sectors = static_cast<long long>(S);
  const float beta_f = static_cast<float>(beta);
  const int max_rounds = std::max(1, ws.max_rounds);

#pragma omp parallel if (chunks > 1)
  {
    // Gather in firm order into the sector-ordered workspace: weight and capacity.
#pragma omp for schedule(static)
    for (long long c = 0; c < chunks; ++c) {
      const std::size_t begin = static_cast<std::size_t>(c) * chunk;
      const std::size_t end = std::min(n, begin + chunk);
      for (std::size_t i = begin; i < end; ++i) {
        const double cap = producing(flags[i]) ? capacity[i] : 0.0;
        const float p = productivity[i];
        const double f = competitiveness(p, beta_f);
        const std::uint32_t k = position[i];
        weight[k] = cap > 0 && f > 0 ? cap * f : 0.0;
        capw[k] = cap;
      }
    }
    // Water levels, one sector at a time, largest first.
#pragma omp for schedule(dynamic, 1)
    for (long long j = 0; j < sectors; ++j) {
      const std::uint32_t s = index.by_size[static_cast<std::size_t>(j)];
      const std::size_t o = index.offsets[s], m = index.offsets[s + 1] - o;
      const SectorOutcome out =
          solve_sector(weight + o, capw + o, xw + o, m, sector_demand[s], max_rounds);
      r.produced[s] = out.produced;
      r.shortfall[s] = out.shortfall;
      r.capacity[s] = out.capacity;
      r.rounds[s] = out.rounds;
      ws.level[s] = out.level;
      ws.constrained[s] = out.constrained;
    }
  }
  return r;
}

}  // namespace

AllocationResult allocate_output(FirmPopulation& firms, std::span<const double> sector_demand,
                                 double beta, const SectorIndex& index,
                                 AllocationWorkspace* workspace) {
  AllocationWorkspace local;
  AllocationWorkspace& ws = workspace ? *workspace : local;
  AllocationResult r = solve_allocation(firms, sector_demand, beta, index, ws);
  const std::size_t n = firms.size();
  const double* xw = ws.output.data();
  const std::uint32_t* position = index.position.data();
  double* output = firms.output.data();
  const std::size_t chunk = chunk_size(n);
  const long long chunks = static_cast<long long>((n + chunk - 1) / chunk);
  // Outputs, in firm order.
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (long long c = 0; c < chunks; ++c) {
    const std::size_t begin = static_cast<std::size_t>(c) * chunk;
    const std::size_t end = std::min(n, begin + chunk);
    for (std::size_t i = begin; i < end; ++i) output[i] = xw[position[i]];
  }
  return r;
}

}  // namespace icsim::abm
