// Google Benchmark for the yearly firm update of the agent-based model (docs/model.md §3 steps 4-5,
// 10): output allocation by water-filling (abm/allocation.hpp) and the firm accounts and 规上
// statistics (abm/accounts.hpp), fused by update_firms (accounts.hpp), on a synthetic population of
// N firms in 25 sectors of skewed sizes and 10 districts, log-normal capacity and productivity, 4 %
// inactive, demand between 70 % and 105 % of each sector's capacity (a few sectors
// supply-constrained), beta 1.2 (the general std::pow path). Firms are in random sector order (the
// sector index gathers) unless sorted:1, where they are grouped by sector as a synthesised base
// population would be.
//   FirmUpdate/firms:N/threads:T/sorted:S  items/s = firm-years per second; counters
//                                          bytes_per_firm (the population's arrays, measured)
//                                          and bytes_per_firm_total (plus sector index,
//                                          allocation workspace and profit array).
//   Allocation/..., Accounts/...           allocate_output and compute_accounts alone.
// Wall-clock time (UseRealTime): the work runs on OpenMP threads.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <numeric>
#include <random>
#include <tuple>
#include <type_traits>
#include <vector>

#include "icsim/abm/accounts.hpp"
#include "icsim/abm/allocation.hpp"
#include "icsim/abm/firms.hpp"

namespace {

using namespace icsim::abm;

constexpr std::size_t kSectors = 25, kDistricts = 10;
// ICSIM_BENCH_BETA overrides beta (0 and 1 take the fast paths without std::pow).
const double kBeta = [] {
  const char* env = std::getenv("ICSIM_BENCH_BETA");
  return env && *env ? std::atof(env) : 1.2;
}();

struct Problem {
  FirmPopulation firms;
  SectorIndex index;
  std::vector<double> demand;
};

Problem make_problem(std::size_t n, bool sorted) {
  Problem pb;
  std::mt19937_64 rng(20240601 + n);
  // Sector sizes: shares ∝ 1/(s+3) (the largest about 11 % of the firms).
  std::vector<double> w(kSectors);
  for (std::size_t s = 0; s < kSectors; ++s) w[s] = 1.0 / static_cast<double>(s + 3);
  std::discrete_distribution<int> sector(w.begin(), w.end());
  std::uniform_int_distribution<int> district(0, kDistricts - 1);
  std::lognormal_distribution<double> cap(-2.3, 1.4);
  std::lognormal_distribution<float> prod(0.0f, 0.35f);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<std::uint16_t> sectors(n);
  for (auto& s : sectors) s = static_cast<std::uint16_t>(sector(rng));
  if (sorted) std::sort(sectors.begin(), sectors.end());
  FirmPopulation& p = pb.firms;
  p.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    p.sector[i] = sectors[i];
    p.district[i] = static_cast<std::uint16_t>(district(rng));
    p.capacity[i] = cap(rng);
    p.capital[i] = 1.5 * p.capacity[i];
    p.land[i] = 20 * p.capacity[i];
    p.productivity[i] = prod(rng);
    p.value_added_rate[i] = 0.15f + 0.15f * u(rng);
    p.tax_rate[i] = 0.02f + 0.05f * u(rng);
    p.labour_per_output[i] = 20 + 40 * u(rng);
    p.energy_per_output[i] = 50 + 200 * u(rng);
    p.flags[i] = u(rng) < 0.04f ? 0 : kActive;
  }
  pb.index = SectorIndex::build(p, kSectors);
  pb.demand = sector_capacity(p, pb.index);
  for (double& d : pb.demand) d *= 0.7 + 0.35 * u(rng);
  return pb;
}

const Problem& problem(std::size_t n, bool sorted) {
  static std::map<std::pair<std::size_t, bool>, Problem> cache;
  auto it = cache.find({n, sorted});
  if (it == cache.end()) it = cache.emplace(std::pair{n, sorted}, make_problem(n, sorted)).first;
  return it->second;
}

// Bytes per firm of the population's arrays, measured from the vectors themselves.
double layout_bytes_per_firm(const FirmPopulation& p) {
  double bytes = 0;
  const auto add = [&](const auto& v) {
    bytes += static_cast<double>(v.size() * sizeof(typename std::decay_t<decltype(v)>::value_type));
  };
  add(p.id), add(p.sector), add(p.district), add(p.flags), add(p.mujun_class), add(p.years_in_d);
  add(p.capacity), add(p.output), add(p.capital), add(p.productivity), add(p.value_added_rate);
  add(p.tax_rate), add(p.labour_per_output), add(p.energy_per_output), add(p.land);
  add(p.plot_ratio);
  static_assert(sizeof(FirmPopulation) == 16 * sizeof(std::vector<double>), "list every array");
  return bytes / static_cast<double>(p.size());
}

void FirmUpdate(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const bool sorted = state.range(2) != 0;
  Problem pb = problem(n, sorted);  // a copy: the update writes output and flags
  AllocationWorkspace ws;
  AccountsParameters par;
  par.wage_per_person = 0.0001;
  par.depreciation_rate = 0.08;
  std::vector<double> profit(n);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  std::uint32_t max_rounds = 0;
  for (auto _ : state) {
    const FirmUpdateResult u =
        update_firms(pb.firms, pb.demand, kBeta, pb.index, kDistricts, par, {}, profit, &ws);
    benchmark::DoNotOptimize(u.accounts.region.value_added);
    const auto& rounds = u.allocation.rounds;
    max_rounds = std::max(max_rounds, *std::max_element(rounds.begin(), rounds.end()));
  }
  omp_set_num_threads(saved);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(n));
  state.counters["bytes_per_firm"] = layout_bytes_per_firm(pb.firms);
  // Everything the update keeps per firm: the population, the sector index (firms, position),
  // the allocation workspace (weight, capacity, output) and the profit array.
  state.counters["bytes_per_firm_total"] =
      layout_bytes_per_firm(pb.firms) +
      static_cast<double>(sizeof(std::uint32_t) * 2 + sizeof(double) * 4);
  state.counters["max_rounds"] = max_rounds;
}

}  // namespace

BENCHMARK(FirmUpdate)
    ->ArgNames({"firms", "threads", "sorted"})
    ->ArgsProduct({{10000, 100000, 1000000}, {1, 2}, {0}})
    ->Args({1000000, 1, 1})
    ->Args({1000000, 2, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

namespace {

// The two halves alone (same problems), to see where the time goes.
void Allocation(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  Problem pb = problem(n, state.range(2) != 0);
  AllocationWorkspace ws;
  const int saved = omp_get_max_threads();
  omp_set_num_threads(static_cast<int>(state.range(1)));
  for (auto _ : state) {
    const AllocationResult a = allocate_output(pb.firms, pb.demand, kBeta, pb.index, &ws);
    benchmark::DoNotOptimize(a.produced.data());
  }
  omp_set_num_threads(saved);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(n));
}

void Accounts(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  Problem pb = problem(n, state.range(2) != 0);
  AllocationWorkspace ws;
  allocate_output(pb.firms, pb.demand, kBeta, pb.index, &ws);
  AccountsParameters par;
  par.wage_per_person = 0.0001;
  par.depreciation_rate = 0.08;
  std::vector<double> profit(n);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(static_cast<int>(state.range(1)));
  for (auto _ : state) {
    const AccountsResult r = compute_accounts(pb.firms, kSectors, kDistricts, par, {}, profit);
    benchmark::DoNotOptimize(r.region.value_added);
  }
  omp_set_num_threads(saved);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(n));
}

}  // namespace

BENCHMARK(Allocation)
    ->ArgNames({"firms", "threads", "sorted"})
    ->ArgsProduct({{1000000}, {1, 2}, {0, 1}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(Accounts)
    ->ArgNames({"firms", "threads", "sorted"})
    ->ArgsProduct({{1000000}, {1, 2}, {0}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
