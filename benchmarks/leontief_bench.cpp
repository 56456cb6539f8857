// Google Benchmark for the Leontief core (benchmarks/README.md): for n = 42, 153, 1000, 4000
//   Factor          LeontiefSystem(A): I - A, LU (LAPACK getrf), reciprocal-condition estimate
//   SolveOne        x = L f for one demand vector
//   Multipliers     all Type I multipliers: E L for the k indicator rows (solve_transposed;
//                   k = 10 synthetic, the table's standard indicators otherwise)
//   Shocks          X = L F for 1,000 demand shocks (one solve with an n x 1000 right-hand side)
//   Combined        Factor + Multipliers + Shocks from A, the task compare_numpy.py times
//   CombinedViaInverse  the same results through the explicit inverse (pymrio's way: L = inv,
//                   E L, L F), with the same BLAS, as an in-process reference
//   ComputeMultipliers  icsim::io::compute_multipliers(table, system, false) on the shipped
//                   tables (n = 42, 153 only): standard_indicators + the transposed solve
// n = 42 and 153 run on the shipped tables when they exist (see leontief_problems.hpp), the
// rest on the reproducible synthetic generator. Wall-clock time (UseRealTime): BLAS runs on
// OPENBLAS_NUM_THREADS threads, which a per-thread CPU clock would not see.
#include <Eigen/Dense>
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>

#include "icsim/io/leontief.hpp"
#include "icsim/io/multipliers.hpp"
#include "leontief_problems.hpp"

namespace {

using icsim::bench::Problem;
using icsim::io::LeontiefSystem;

const Problem& problem(Eigen::Index n) {
  static std::map<Eigen::Index, std::unique_ptr<Problem>> cache;
  auto& entry = cache[n];
  if (!entry) entry = std::make_unique<Problem>(icsim::bench::benchmark_problem(n));
  return *entry;
}

const LeontiefSystem& factored(Eigen::Index n) {
  static std::map<Eigen::Index, std::unique_ptr<LeontiefSystem>> cache;
  auto& entry = cache[n];
  if (!entry) entry = std::make_unique<LeontiefSystem>(problem(n).A);
  return *entry;
}

// Floating-point operations of the dense kernels, for the flop/s counter.
double lu_flops(double n) { return 2.0 / 3.0 * n * n * n; }
double solve_flops(double n, double rhs) { return 2.0 * n * n * rhs; }

void set_counters(benchmark::State& state, const Problem& p, double flops) {
  state.SetLabel(p.source);
  state.counters["flop/s"] = benchmark::Counter(
      flops, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::OneK::kIs1000);
}

void Factor(benchmark::State& state, Eigen::Index n) {
  const Problem& p = problem(n);
  for (auto _ : state) {
    LeontiefSystem system(p.A);
    benchmark::DoNotOptimize(&system);
  }
  set_counters(state, p, lu_flops(static_cast<double>(n)));
}

void SolveOne(benchmark::State& state, Eigen::Index n) {
  const Problem& p = problem(n);
  const LeontiefSystem& system = factored(n);
  const Eigen::MatrixXd f = p.F.col(0);
  for (auto _ : state) {
    Eigen::MatrixXd x = system.solve(f);
    benchmark::DoNotOptimize(x.data());
  }
  set_counters(state, p, solve_flops(static_cast<double>(n), 1.0));
}

void Multipliers(benchmark::State& state, Eigen::Index n) {
  const Problem& p = problem(n);
  const LeontiefSystem& system = factored(n);
  for (auto _ : state) {
    Eigen::MatrixXd m = system.solve_transposed(p.E);
    benchmark::DoNotOptimize(m.data());
  }
  set_counters(state, p, solve_flops(static_cast<double>(n), static_cast<double>(p.E.rows())));
}

void Shocks(benchmark::State& state, Eigen::Index n) {
  const Problem& p = problem(n);
  const LeontiefSystem& system = factored(n);
  for (auto _ : state) {
    Eigen::MatrixXd x = system.solve(p.F);
    benchmark::DoNotOptimize(x.data());
  }
  set_counters(state, p, solve_flops(static_cast<double>(n), static_cast<double>(p.F.cols())));
}

void Combined(benchmark::State& state, Eigen::Index n) {
  const Problem& p = problem(n);
  for (auto _ : state) {
    LeontiefSystem system(p.A);
    Eigen::MatrixXd m = system.solve_transposed(p.E);
    Eigen::MatrixXd x = system.solve(p.F);
    benchmark::DoNotOptimize(m.data());
    benchmark::DoNotOptimize(x.data());
  }
  const auto dn = static_cast<double>(n);
  set_counters(state, p,
               lu_flops(dn) + solve_flops(dn, static_cast<double>(p.E.rows() + p.F.cols())));
}

void CombinedViaInverse(benchmark::State& state, Eigen::Index n) {
  const Problem& p = problem(n);
  for (auto _ : state) {
    LeontiefSystem system(p.A);
    Eigen::MatrixXd L = system.inverse();
    Eigen::MatrixXd m = p.E * L;
    Eigen::MatrixXd x = L * p.F;
    benchmark::DoNotOptimize(m.data());
    benchmark::DoNotOptimize(x.data());
  }
  // Same useful work as Combined: the counter shows how much of the machine the detour wastes.
  const auto dn = static_cast<double>(n);
  set_counters(state, p,
               lu_flops(dn) + solve_flops(dn, static_cast<double>(p.E.rows() + p.F.cols())));
}

void ComputeMultipliers(benchmark::State& state, Eigen::Index n) {
  const Problem& p = problem(n);
  if (!p.table) {
    state.SkipWithError("no shipped table for this size: the problem is synthetic");
    return;
  }
  const LeontiefSystem& system = factored(n);
  for (auto _ : state) {
    icsim::io::Multipliers m = icsim::io::compute_multipliers(*p.table, system, false);
    benchmark::DoNotOptimize(m.type1.data());
  }
  set_counters(state, p, solve_flops(static_cast<double>(n), static_cast<double>(p.E.rows())));
}

using BenchFn = void (*)(benchmark::State&, Eigen::Index);

// Per-size registration so that n = 4000 runs a fixed, small number of iterations instead of
// Google Benchmark's default 0.5 s minimum (a few seconds per task there).
const bool registered = [] {
  const std::pair<const char*, BenchFn> tasks[] = {{"Factor", Factor},
                                                   {"SolveOne", SolveOne},
                                                   {"Multipliers", Multipliers},
                                                   {"Shocks", Shocks},
                                                   {"Combined", Combined},
                                                   {"CombinedViaInverse", CombinedViaInverse},
                                                   {"ComputeMultipliers", ComputeMultipliers}};
  for (const Eigen::Index n : {42, 153, 1000, 4000}) {
    for (const auto& [name, fn] : tasks) {
      if (fn == ComputeMultipliers && !(n == 42 || n == 153)) continue;
      const std::string full = std::string(name) + "/" + std::to_string(n);
      auto* b = benchmark::RegisterBenchmark(full.c_str(), fn, n)->UseRealTime();
      if (n >= 4000)
        b->Unit(benchmark::kMillisecond)->Iterations(3);
      else if (n >= 1000)
        b->Unit(benchmark::kMillisecond)->MinTime(0.5);
      else
        b->Unit(benchmark::kMicrosecond)->MinTime(0.2);
    }
  }
  return true;
}();

}  // namespace
