// Google Benchmark for the coupled firm model (docs/model.md §3 steps 4-10): the whole firm-model
// year and the whole projection with the firm model, on populations synthesised from the bundled
// Ningbo data (scenarios/ningbo/baseline.toml with its [firms] section:
// scenarios/data/ningbo/districts.csv and firms.csv; switched on with those files if the baseline
// has none). The population is scaled by the number of below-scale firms
// (synthesis.below_scale_mean_output; the default 0.08 gives about 60,000 firms); the 10^4
// population also needs fewer 规上 firms and a larger 规上 output share, because the below-scale
// firms' mean output must stay under the 0.2 亿 threshold. The counter `firms` is the synthesised
// count.
//
//   FirmModelYear/firms:N/threads:T   one replication of abm::FirmModel over the scenario's nine
//                                     years (2022-2030): begin_year (land market, programme
//                                     projects, arrivals, land grants, completions, capacity),
//                                     produce (allocation + accounts), end_year (亩均 evaluation,
//                                     rectification, exits, expansions, digital renovation,
//                                     statistics). T = OpenMP threads inside the firm update.
//                                     Sector outputs: the base year's grown 5.5 % a year, capped at
//                                     the firms' capacity; a 双百-like and a 增资扩产-like set of
//                                     programme projects. The constructor (copy of the base
//                                     population, base-year accounts) is not timed.
//                                     items/s = firm-years per second (active firms at the end
//                                     of each year, summed over the years; the passes also go
//                                     over exited firms still in the arrays: counter firms_2030
//                                     vs active_2030).
//   FirmModelConstruct/firms:N        the constructor alone (per replication).
//   Synthesis/firms:N                 FirmModelBase::build (synthesis, capacity calibration): once
//                                     per run, serial.
//   Replications/firms:N/threads:T    R replications of FirmModelYear's run (R = 16, 8, 4 at 10^4,
//                                     10^5, 10^6) in an OpenMP loop over replications on T
//                                     threads, constructor included: the firm model's scaling.
//   Project/firms:N/threads:T         experiment::project with the same R, replications in
//                                     parallel on T threads (as `icsim run -t T`); includes
//                                     Synthesis (serial) and the input-output core. items/s =
//                                     firm-years per second of the whole loop.
//   Memory/firms:N                    one iteration; counters: bytes_per_firm (the population's
//                                     arrays, FirmPopulation::bytes_per_firm()), state_bytes_per_
//                                     firm_start / _end (heap held by one FirmModel, measured with
//                                     mallinfo2, per firm in its arrays, after construction and
//                                     after nine years), base_bytes_per_firm (the shared base),
//                                     array_capacity_ratio (allocated / used slots of the
//                                     population's arrays after nine years).
// Wall-clock time (UseRealTime): the work runs on OpenMP threads.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "icsim/abm/districts.hpp"
#include "icsim/abm/firm_model.hpp"
#include "icsim/experiment/projection.hpp"
#include "icsim/scenario/load.hpp"

namespace {

using namespace icsim;

const std::string kRoot = ICSIM_SOURCE_DIR;

// Synthesis settings per nominal size (about 10^4, 10^5, 10^6 firms).
void scale_population(abm::SynthesisSpec& s, long firms) {
  if (firms <= 20000) {
    // Below-scale output must shrink for 10^4: 5,000 规上 firms with 97 % of the output, the
    // rest in below-scale firms of mean 0.16 亿 (about 4,700).
    s.above_scale_firms = 5000;
    s.above_scale_output_share = 0.97;
    s.below_scale_mean_output = 0.16;
  } else if (firms <= 200000) {
    s.below_scale_mean_output = 0.0451;
  } else {
    s.below_scale_mean_output = 0.00417;
  }
}

// The Ningbo baseline with the firm model on (its [firms] section, or the bundled Ningbo files
// if it has none), scaled to about `firms` firms.
scenario::LoadedScenario ningbo(long firms, int replications) {
  auto L = scenario::load_scenario(kRoot + "/scenarios/ningbo/baseline.toml");
  L.scenario.replications = replications;
  auto& f = L.scenario.firms;
  if (!f.enabled) {  // a baseline without [firms]: switch it on as the tests do
    f.enabled = true;
    f.districts = kRoot + "/scenarios/data/ningbo/districts.csv";
    f.calibration = kRoot + "/scenarios/data/ningbo/firms.csv";
    abm::apply_firm_calibration(f.calibration, f.parameters.synthesis);
    L.districts = abm::load_districts(f.districts, L.table);
  }
  scale_population(f.parameters.synthesis, firms);
  f.parameters.synthesis.industrial_sectors = L.scenario.region.industrial_sectors;
  f.parameters.accounts.above_scale_threshold = f.parameters.synthesis.above_scale_threshold;
  f.parameters.output_per_investment = L.scenario.investment.output_per_investment;
  return L;
}

struct Setup {
  scenario::LoadedScenario loaded;
  std::shared_ptr<const abm::FirmModelBase> base;
  std::vector<double> x0;  // base-year output per table sector
  std::vector<abm::ProjectSpec> projects;
};

const Setup& setup(long firms) {
  static std::map<long, std::unique_ptr<Setup>> cache;
  auto& slot = cache[firms];
  if (slot) return *slot;
  slot = std::make_unique<Setup>();
  Setup& s = *slot;
  s.loaded = ningbo(firms, 1);
  const auto& sc = s.loaded.scenario;
  s.base =
      abm::FirmModelBase::build(s.loaded.table, s.loaded.districts, sc.firms.parameters, sc.seed);
  const Eigen::VectorXd x = s.loaded.table.total_output();
  s.x0.assign(x.data(), x.data() + x.size());
  // Programme projects like the baseline's: 112 new plants of 5.09 亿 (双百) and 775 expansions
  // of 0.72 亿 (增资扩产), spread over the industrial sectors by output.
  std::vector<double> mix(s.x0.size(), 0.0);
  double total = 0;
  for (auto k : s.base->industrial) total += s.x0[k];
  for (auto k : s.base->industrial) mix[k] = s.x0[k] / total;
  std::uint32_t id = 0;
  for (int j = 0; j < 112; ++j)
    s.projects.push_back({id++, mix, 570.0 / 112, 2022 + j % 3, 3, 2, true, true});
  for (int j = 0; j < 775; ++j)
    s.projects.push_back({id++, mix, 557.0 / 775, 2022 + j % 3, 2, 1, false, true});
  return s;
}

constexpr int kFirstYear = 2022, kLastYear = 2030;

// Runs years 2022..2030 of `m`; returns the firm-years (active firms at the end of each year,
// summed over the years: the same count as Project's).
std::int64_t run_years(abm::FirmModel& m, const Setup& s) {
  const std::size_t n = s.x0.size();
  std::vector<double> x(n), other(n, 0.0);
  std::int64_t firm_years = 0;
  for (int year = kFirstYear; year <= kLastYear; ++year) {
    const int t = year - s.loaded.scenario.base_year;
    const double price = std::pow(1.015, t), growth = std::pow(1.055, t);
    m.begin_year(year, price);
    const auto cap = m.capacity();
    for (std::size_t k = 0; k < n; ++k) x[k] = std::min(s.x0[k] * growth, cap[k]);
    m.produce(x);
    m.end_year(year, price, other);
    firm_years += static_cast<std::int64_t>(
        m.statistics().region[static_cast<std::size_t>(abm::Stat::firms)]);
  }
  return firm_years;
}

double active_firms(const abm::FirmPopulation& f) {
  double a = 0;
  for (std::size_t i = 0; i < f.size(); ++i) a += (f.flags[i] & abm::kActive) ? 1 : 0;
  return a;
}

void FirmModelYear(benchmark::State& state) {
  const Setup& s = setup(state.range(0));
  const int saved = omp_get_max_threads();
  omp_set_num_threads(static_cast<int>(state.range(1)));
  std::int64_t firm_years = 0;
  std::uint64_t replication = 0;
  double end_firms = 0, end_active = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto m = std::make_unique<abm::FirmModel>(s.base, replication++, s.loaded.scenario.base_year);
    m->add_projects(s.projects);
    state.ResumeTiming();
    firm_years += run_years(*m, s);
    state.PauseTiming();
    end_firms = static_cast<double>(m->firms().size());
    end_active = active_firms(m->firms());
    m.reset();
    state.ResumeTiming();
  }
  omp_set_num_threads(saved);
  state.SetItemsProcessed(firm_years);
  state.counters["firms"] = static_cast<double>(s.base->population.size());
  state.counters["firms_2030"] = end_firms;
  state.counters["active_2030"] = end_active;
}

void FirmModelConstruct(benchmark::State& state) {
  const Setup& s = setup(state.range(0));
  std::uint64_t replication = 0;
  for (auto _ : state) {
    abm::FirmModel m(s.base, replication++, s.loaded.scenario.base_year);
    benchmark::DoNotOptimize(m.firms().size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(s.base->population.size()));
  state.counters["firms"] = static_cast<double>(s.base->population.size());
}

void Synthesis(benchmark::State& state) {
  const Setup& s = setup(state.range(0));
  const auto& sc = s.loaded.scenario;
  for (auto _ : state) {
    auto b =
        abm::FirmModelBase::build(s.loaded.table, s.loaded.districts, sc.firms.parameters, sc.seed);
    benchmark::DoNotOptimize(b->population.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(s.base->population.size()));
  state.counters["firms"] = static_cast<double>(s.base->population.size());
}

int replications_for(long firms) { return firms <= 20000 ? 16 : firms <= 200000 ? 8 : 4; }

// R replications of the firm model alone (the shared base built once, no input-output core), in
// an OpenMP loop over replications like project()'s: the scaling of the firm model's part.
void Replications(benchmark::State& state) {
  const Setup& s = setup(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const int R = replications_for(state.range(0));
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  std::int64_t firm_years = 0;
  for (auto _ : state) {
    std::int64_t sum = 0;
#pragma omp parallel for schedule(dynamic) num_threads(threads) reduction(+ : sum)
    for (int r = 0; r < R; ++r) {
      abm::FirmModel m(s.base, static_cast<std::uint64_t>(r), s.loaded.scenario.base_year);
      m.add_projects(s.projects);
      sum += run_years(m, s);
    }
    firm_years += sum;
  }
  omp_set_num_threads(saved);
  state.SetItemsProcessed(firm_years);
  state.counters["firms"] = static_cast<double>(s.base->population.size());
  state.counters["replications"] = R;
}

void Project(benchmark::State& state) {
  const long firms = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  scenario::LoadedScenario L = setup(firms).loaded;  // a copy
  L.scenario.replications = replications_for(firms);
  // As `icsim run --threads T` (configure_threads): T is also the default team size, so with
  // T = 1 the firm update's own parallel regions run on one thread too.
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  std::int64_t firm_years = 0;
  for (auto _ : state) {
    const experiment::Projection p = experiment::project(L, {.threads = threads, .progress = {}});
    // Firm-years: active firms of every replication and projected year.
    const std::size_t Y = p.years.size(), S = abm::kStatCount;
    for (int r = 0; r < p.replications; ++r)
      for (std::size_t t = 1; t < Y; ++t)
        firm_years += static_cast<std::int64_t>(
            p.region_statistics[(static_cast<std::size_t>(r) * Y + t) * S +
                                static_cast<std::size_t>(abm::Stat::firms)]);
  }
  omp_set_num_threads(saved);
  state.SetItemsProcessed(firm_years);
  state.counters["firms"] = static_cast<double>(setup(firms).base->population.size());
  state.counters["replications"] = L.scenario.replications;
}

std::size_t heap_in_use() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

void Memory(benchmark::State& state) {
  const Setup& s = setup(state.range(0));
  const double n0 = static_cast<double>(s.base->population.size());
  double start = 0, end = 0, n1 = 0, capacity_ratio = 0;
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  for (auto _ : state) {
    malloc_trim(0);
    const std::size_t before = heap_in_use();
    auto m = std::make_unique<abm::FirmModel>(s.base, 0, s.loaded.scenario.base_year);
    m->add_projects(s.projects);
    start = static_cast<double>(heap_in_use() - before) / n0;
    run_years(*m, s);
    n1 = static_cast<double>(m->firms().size());
    capacity_ratio = static_cast<double>(m->firms().id.capacity()) / n1;
    end = static_cast<double>(heap_in_use() - before) / n1;
  }
  omp_set_num_threads(saved);
  // The shared base: its population and sector index (read-only, once per run).
  const double base_bytes =
      static_cast<double>(abm::FirmPopulation::bytes_per_firm()) + 2.0 * sizeof(std::uint32_t);
  state.counters["firms"] = n0;
  state.counters["firms_2030"] = n1;
  state.counters["bytes_per_firm"] = static_cast<double>(abm::FirmPopulation::bytes_per_firm());
  state.counters["state_bytes_per_firm_start"] = start;
  state.counters["state_bytes_per_firm_end"] = end;
  state.counters["base_bytes_per_firm"] = base_bytes;
  // Allocated / used slots of the population's arrays after nine years (2: a push_back on a full
  // vector doubled it).
  state.counters["array_capacity_ratio"] = capacity_ratio;
}

}  // namespace

BENCHMARK(FirmModelYear)
    ->ArgNames({"firms", "threads"})
    ->ArgsProduct({{10000, 100000, 1000000}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(FirmModelConstruct)
    ->ArgNames({"firms"})
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(Synthesis)
    ->ArgNames({"firms"})
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(Replications)
    ->ArgNames({"firms", "threads"})
    ->ArgsProduct({{10000, 100000, 1000000}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(Project)
    ->ArgNames({"firms", "threads"})
    ->ArgsProduct({{10000, 100000, 1000000}, {1, 2}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(Memory)->ArgNames({"firms"})->Arg(10000)->Arg(100000)->Arg(1000000)->Iterations(1)->Unit(
    benchmark::kMillisecond);
