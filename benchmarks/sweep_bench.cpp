// Google Benchmark for a sweep run in-process through experiment::run_ensemble (the runner of
// `icsim sweep` and `icsim run`, include/icsim/experiment/ensemble.hpp), on the default Ningbo
// scenario (scenarios/ningbo/baseline.toml, firm model on as shipped, about 60,000 firms).
// The sweep is a list of 4 points over programme.shuangbai.investment (570, 855, 1140, 1425),
// written to a temporary scenario file that extends the baseline; every iteration writes the
// result file (and, with parts, one file per block) into a temporary folder that is removed at
// the end.
//
//   Sweep/reps:R/threads:T/block:B    4 points x R replications on T OpenMP threads (as
//                                     `icsim sweep -t T`). B = 0: no parts (each point is one
//                                     unit, written to the result file when it is done, the
//                                     default of one process); B > 0: resumable parts (as
//                                     `--resumable --block B`): each block of B replications of a
//                                     point is one project() call written to its own part file,
//                                     and the result file is assembled from the parts at the end.
//   LoadSweep                         loading the 4-point sweep (base scenario, plan, every point
//                                     with its data), serial, before any replication.
//   SweepIO/reps:R/threads:T/block:B  the same with firms.enabled = false (the input-output
//                                     projection alone, about 0.3 ms a replication), so that the
//                                     file costs per block and per point are most of the time.
//
// Counters: points_per_s and replications_per_s (replications of all points), wall-clock
// (UseRealTime); units = work units per iteration. One iteration of Sweep at R = 40 takes about
// 20 s on one thread of the 2-core development machine, so each row runs one iteration unless
// --benchmark_min_time asks for more.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "icsim/common/threads.hpp"
#include "icsim/experiment/ensemble.hpp"
#include "icsim/scenario/load.hpp"
#include "icsim/scenario/sweep.hpp"

#ifndef ICSIM_SOURCE_DIR
#define ICSIM_SOURCE_DIR "."
#endif

namespace {

using namespace icsim;
namespace fs = std::filesystem;

constexpr int kPoints = 4;

// The temporary folder (scenario file, outputs), removed at exit.
struct TempDir {
  fs::path path;
  TempDir() {
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path = fs::temp_directory_path() / ("icsim_sweep_bench_" + std::to_string(stamp));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

TempDir& temp() {
  static TempDir dir;
  return dir;
}

const std::string& sweep_file() {
  static const std::string path = [] {
    const fs::path p = temp().path / "sweep.toml";
    std::ofstream out(p);
    out << "extends = \"" << ICSIM_SOURCE_DIR << "/scenarios/ningbo/baseline.toml\"\n"
        << "[scenario]\nname = \"sweep-bench\"\n"
        << "[sweep]\nmethod = \"list\"\nkeys = [\"programme.shuangbai.investment\"]\n"
        << "points = [[570], [855], [1140], [1425]]\n";
    return p.string();
  }();
  return path;
}

struct Loaded {
  scenario::LoadedScenario base;
  std::optional<scenario::SweepPlan> plan;
  std::optional<experiment::SweepPoints> points;
  experiment::EnsembleSpec spec;
};

// The sweep at R replications, with the firm model on (as shipped) or off; cached.
const Loaded& loaded(int replications, bool firms) {
  static std::vector<std::pair<std::pair<int, bool>, std::unique_ptr<Loaded>>> cache;
  for (const auto& [key, value] : cache)
    if (key == std::make_pair(replications, firms)) return *value;
  auto L = std::make_unique<Loaded>();
  std::vector<scenario::Override> overrides{
      {"scenario.replications", std::to_string(replications)}};
  if (!firms) overrides.push_back({"firms.enabled", "false"});
  L->base = scenario::load_scenario(sweep_file(), overrides);
  L->plan = scenario::read_sweep_plan(sweep_file(), overrides, L->base.scenario.seed);
  L->spec.base = &L->base;
  L->spec.plan = L->plan;
  L->points.emplace(sweep_file(), overrides, *L->spec.plan);
  L->spec.points = &*L->points;
  cache.emplace_back(std::make_pair(replications, firms), std::move(L));
  return *cache.back().second;
}

void run(benchmark::State& state, bool firms) {
  const int replications = static_cast<int>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const int block = static_cast<int>(state.range(2));
  const Loaded& L = loaded(replications, firms);
  const int saved = omp_get_max_threads();
  // As `icsim sweep -t T` (configure_threads): the default team size and BLAS threads.
  configure_threads(threads);
  const std::string out =
      (temp().path / ("out_" + std::to_string(threads) + "_" + std::to_string(block) + ".h5"))
          .string();
  experiment::EnsembleOptions options;
  options.threads = threads;
  if (block > 0) {
    options.parts_dir = out + ".parts";
    options.block = block;
  }
  long units = 0;
  for (auto _ : state) {
    const experiment::EnsembleResult r = experiment::run_ensemble(L.spec, options, out);
    units = r.units;
    benchmark::DoNotOptimize(r.targets.data());
  }
  std::error_code ec;
  fs::remove(out, ec);
  fs::remove_all(out + ".parts", ec);
  configure_threads(saved);
  const double iterations = static_cast<double>(state.iterations());
  state.counters["points_per_s"] =
      benchmark::Counter(kPoints * iterations, benchmark::Counter::kIsRate);
  state.counters["replications_per_s"] =
      benchmark::Counter(double(kPoints) * replications * iterations, benchmark::Counter::kIsRate);
  state.counters["units"] = static_cast<double>(units);
  state.SetLabel(std::to_string(kPoints) + " points x " + std::to_string(replications) +
                 (firms ? " replications, firm model" : " replications, no firm model") +
                 (block > 0 ? ", parts of " + std::to_string(block) : ", no parts"));
}

// Loading the sweep: the base scenario, the [sweep] plan, the check of its smallest and largest
// values, and every point with its overrides (table, concordances, districts, firm calibration),
// one at a time as the work does.
void LoadSweep(benchmark::State& state) {
  const std::vector<scenario::Override> overrides{{"scenario.replications", "40"}};
  for (auto _ : state) {
    const auto base = scenario::load_scenario(sweep_file(), overrides);
    const auto plan = scenario::read_sweep_plan(sweep_file(), overrides, base.scenario.seed);
    const experiment::SweepPoints points(sweep_file(), overrides, *plan);
    points.check();
    for (std::size_t i = 0; i < points.size(); ++i) benchmark::DoNotOptimize(points.at(i).get());
  }
  state.counters["points"] = kPoints;
}

void Sweep(benchmark::State& state) { run(state, true); }
void SweepIO(benchmark::State& state) { run(state, false); }

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// Replications per point: ICSIM_SWEEP_BENCH_REPS (default 40) and ICSIM_SWEEP_BENCH_IO_REPS
// (default 200) for the input-output-only rows.
const int kReps = env_int("ICSIM_SWEEP_BENCH_REPS", 40);
const int kIoReps = env_int("ICSIM_SWEEP_BENCH_IO_REPS", 200);

}  // namespace

BENCHMARK(LoadSweep)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(Sweep)
    ->ArgNames({"reps", "threads", "block"})
    ->ArgsProduct({{kReps}, {1, 2}, {0, 10, 50}})
    ->UseRealTime()
    ->Unit(benchmark::kSecond);
BENCHMARK(SweepIO)
    ->ArgNames({"reps", "threads", "block"})
    ->ArgsProduct({{kIoReps}, {1, 2}, {0, 10, 50}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
