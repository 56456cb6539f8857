// Google Benchmark for the Monte Carlo projection (experiment/projection.hpp): the Zhejiang
// 2017 42-sector table, base 2017, ten projected years (2018-2027), growth drawn per year for
// four final-demand components, prices and industrial investment, a programme of 100 projects
// (delays, failures, ramp-up) in four sectors, and capacity constraints on the 25 industrial
// sectors at 85 % base utilisation (they bind in the later years of many replications).
//   Projection/threads:T   256 replications per iteration on T OpenMP threads; the counter
//                          "per_replication" is wall-clock time per replication.
// The table comes from ICSIM_BENCH_TABLE if set, else ICSIM_SOURCE_DIR/scenarios/data/tables/
// zhejiang_2017_42. Wall-clock time (UseRealTime): the work runs on OpenMP threads.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "icsim/experiment/projection.hpp"
#include "icsim/io/table_format.hpp"

#ifndef ICSIM_SOURCE_DIR
#define ICSIM_SOURCE_DIR "."
#endif

namespace {

using namespace icsim;

constexpr int kReplications = 256;

using Dist = scenario::Distribution;

const scenario::LoadedScenario& loaded() {
  static const scenario::LoadedScenario L = [] {
    scenario::LoadedScenario out;
    const char* env = std::getenv("ICSIM_BENCH_TABLE");
    out.table = io::load_table(env && *env ? std::string(env)
                                           : std::string(ICSIM_SOURCE_DIR) +
                                                 "/scenarios/data/tables/zhejiang_2017_42");
    auto& s = out.scenario;
    s.name = "projection_bench";
    s.base_year = 2017;
    s.horizon = 2027;
    s.seed = 2024;
    s.replications = kReplications;
    for (int code = 2; code <= 26; ++code)
      s.region.industrial_sectors.push_back((code < 10 ? "0" : "") + std::to_string(code));
    s.region.above_scale_output_share = 0.8;
    s.region.above_scale_value_added_share = 0.75;
    s.growth.common.rate = Dist::normal(0, 0.01);
    s.growth.final_demand = {{"household", {Dist::normal(0.06, 0.02), 1.0, true}},
                             {"government", {Dist::normal(0.05, 0.02), 0.5, true}},
                             {"exports", {Dist::normal(0.04, 0.05), 1.5, true}},
                             {"outflows", {Dist::normal(0.05, 0.04), 1.0, true}}};
    s.price_growth.rate = Dist::normal(0.02, 0.01);
    s.capacity.enabled = true;
    s.capacity.utilisation = 0.85;
    s.capacity.trend_growth.rate = Dist::normal(0.03, 0.01);
    s.investment.industrial_base = 1000;
    s.investment.growth.rate = Dist::normal(0.05, 0.05);
    s.investment.other_gfcf_growth.rate = Dist::normal(0.04, 0.02);
    s.investment.output_per_investment = 1.2;
    scenario::Programme p;
    p.name = "programme";
    p.projects = 100;
    p.investment = 3000;
    p.split = {{"12", 0.3}, {"18", 0.3}, {"19", 0.2}, {"20", 0.2}};
    p.start_year = 2019;
    p.construction_years = 3;
    p.ramp_up_years = 2;
    p.delay_probability = 0.3;
    p.max_delay_years = 2;
    p.failure_probability = 0.1;
    s.programmes.push_back(p);
    return out;
  }();
  return L;
}

void Projection(benchmark::State& state) {
  const auto& L = loaded();
  experiment::RunOptions options;
  options.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    experiment::Projection p = experiment::project(L, options);
    benchmark::DoNotOptimize(p.gdp.data());
  }
  state.SetLabel(L.table.meta.name + ", " + std::to_string(kReplications) + " replications");
  state.counters["per_replication"] = benchmark::Counter(
      static_cast<double>(kReplications) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK(Projection)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
