// Google Benchmark for the 亩均 evaluation (abm/mujun.hpp): evaluate() ranks every evaluated
// firm within its district and assigns classes A-D; rectify() upgrades or exits the firms below
// the rectification line. Synthetic population of N firms in 10 districts, a third above scale,
// log-normal sizes. items/s = firms per second.
#include <benchmark/benchmark.h>

#include <random>

#include "icsim/abm/firms.hpp"
#include "icsim/abm/mujun.hpp"

namespace {

using namespace icsim::abm;

FirmPopulation population(std::size_t n) {
  FirmPopulation f;
  f.resize(n);
  std::mt19937_64 gen(n);
  std::lognormal_distribution<double> size(-3.0, 1.5);
  for (std::size_t i = 0; i < n; ++i) {
    f.flags[i] = (i % 3 == 0) ? static_cast<std::uint8_t>(kActive | kAboveScale) : kActive;
    f.output[i] = size(gen);
    f.capacity[i] = f.output[i];
    f.tax_rate[i] = 0.03f + 0.00001f * static_cast<float>(i % 4000);
    f.value_added_rate[i] = 0.2f + 0.00001f * static_cast<float>(i % 3000);
    f.labour_per_output[i] = 40.0f;
    f.energy_per_output[i] = 500.0f + static_cast<float>(i % 1000);
    f.land[i] = 1.0 + static_cast<double>(i % 50);
    f.district[i] = static_cast<std::uint16_t>(i % 10);
  }
  return f;
}

void Evaluate(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  FirmPopulation f = population(n);
  const MujunRules rules;
  for (auto _ : state) benchmark::DoNotOptimize(evaluate(f, rules));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void Rectify(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const FirmPopulation base = population(n);
  const MujunRules rules;
  for (auto _ : state) {
    state.PauseTiming();
    FirmPopulation f = base;
    evaluate(f, rules);
    state.ResumeTiming();
    benchmark::DoNotOptimize(rectify(f, rules, 1, 0, 2025, 10));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

}  // namespace

BENCHMARK(Evaluate)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(Rectify)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
