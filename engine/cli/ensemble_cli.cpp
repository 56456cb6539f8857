// Options and execution shared by `icsim run` and `icsim sweep` (cli/ensemble_cli.hpp).
#include "cli/ensemble_cli.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>
#include <tuple>

#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "icsim/common/error.hpp"
#include "icsim/common/processes.hpp"
#include "icsim/common/threads.hpp"
#include "icsim/io/atomic_file.hpp"

namespace po = boost::program_options;

namespace icsim::cli {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void request_stop(int) {
  g_stop.store(true);
  // A second Ctrl-C ends the process at once.
  std::signal(SIGINT, SIG_DFL);
}

// SIGINT (Ctrl-C) and SIGTERM (scancel, a job's time limit) ask the run to stop after the
// replications in flight: no result file is written, finished parts stay for a resume.
class StopOnSignal {
 public:
  StopOnSignal() {
    g_stop = false;
    previous_int_ = std::signal(SIGINT, request_stop);
    previous_term_ = std::signal(SIGTERM, request_stop);
  }
  ~StopOnSignal() {
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  void (*previous_int_)(int) = SIG_DFL;
  void (*previous_term_)(int) = SIG_DFL;
};

int whole_number(const std::string& v, const std::string& what) {
  std::size_t used = 0;
  int out = 0;
  try {
    out = std::stoi(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v.size())
    throw InputError("--shard: " + what + " '" + v + "' is not a whole number");
  return out;
}

// Threads per process: all cores for one process; under MPI the node's cores shared among the
// node's ranks (OMPI_COMM_WORLD_LOCAL_SIZE), unless OMP_NUM_THREADS or --threads say otherwise.
int default_threads(int requested) {
  if (requested > 0 || std::getenv("OMP_NUM_THREADS") != nullptr) return requested;
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  const int ranks_here = local != nullptr ? std::max(1, std::atoi(local)) : 1;
  if (ranks_here <= 1) return 0;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / ranks_here);
}

}  // namespace

bool parse_ensemble_command(int argc, char** argv, const std::string& command,
                            const std::string& usage, const std::string& examples,
                            EnsembleArguments& a, po::variables_map& vm,
                            const po::options_description* extra) {
  po::options_description visible(usage);
  visible.add_options()("help,h", "this help")(
      "out,o", po::value(&a.out_path),
      "write the HDF5 result file (docs/results.md); written atomically")(
      "replications,n", po::value(&a.replications),
      "number of replications (same as --set scenario.replications=N)")(
      "seed", po::value(&a.seed), "random seed (same as --set scenario.seed=S)")(
      "threads,t", po::value(&a.threads),
      "threads per process (default: all cores, shared among the MPI ranks of a node; results "
      "do not depend on it)")("set", po::value(&a.sets)->composing(),
                              "override a scenario key, e.g. --set investment.growth=0.08 "
                              "(repeatable; docs/scenario-reference.md)")(
      "progress", po::bool_switch(&a.progress_always),
      "show progress even when stderr is not a terminal (a line every 5 s in batch logs)")(
      "quiet,q", po::bool_switch(&a.quiet), "print nothing but errors")(
      "no-district-clusters", po::bool_switch(&a.no_district_clusters),
      "leave the /district_clusters group out of the result file, most of a firm-model file "
      "(same as --set output.district_clusters=false; its targets are still judged)")(
      "shard", po::value(&a.shard_text),
      "I/N: run only slice I (1-based) of N contiguous, balanced blocks of replications (of "
      "every point), each with the numbers it has in a full run; 'auto' takes I and N from a "
      "Slurm array job (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 of "
      "SLURM_ARRAY_TASK_COUNT). Join the shard files with 'icsim merge'. Resumable")(
      "resumable", po::bool_switch(&a.resumable),
      "keep each finished block of replications in OUT.h5.parts/ until the file is written, "
      "so that the same command run again after a crash or kill skips them (always on with "
      "--shard and under MPI)")("block", po::value(&a.block),
                                "replications per block of resumable and MPI runs (default 50; "
                                "under MPI smaller when that leaves fewer than 8 blocks a rank)");
  if (extra != nullptr) visible.add(*extra);
  po::options_description hidden;
  hidden.add_options()("scenario", po::value(&a.scenario_path));
  if (parse_command_line(argc, argv, visible, hidden, "scenario", 1, command, examples, vm))
    return false;
  if (a.scenario_path.empty())
    throw InputError("no scenario file given (see 'icsim " + command + " --help')");
  // Before any work: -o must be a regular file or absent, not a device or the scenario.
  a.out_path = io::check_output_file(a.out_path, "-o", {a.scenario_path});
  return true;
}

std::vector<scenario::Override> scenario_overrides(const EnsembleArguments& a,
                                                   const po::variables_map& vm) {
  std::vector<scenario::Override> overrides;
  for (const auto& s : a.sets) overrides.push_back(scenario::parse_override(s));
  if (vm.count("replications"))
    overrides.push_back({"scenario.replications", std::to_string(a.replications)});
  if (vm.count("seed")) overrides.push_back({"scenario.seed", std::to_string(a.seed)});
  if (a.no_district_clusters) overrides.push_back({"output.district_clusters", "false"});
  return overrides;
}

std::pair<int, int> parse_shard(const std::string& text) {
  int i = 0, n = 0;
  if (text == "auto") {
    const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
    const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
    if (id == nullptr || count == nullptr)
      throw InputError(
          "--shard auto: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are not both set (run "
          "it in a Slurm array job, or give --shard I/N)");
    const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
    i = whole_number(id, "SLURM_ARRAY_TASK_ID") -
        (min ? whole_number(min, "SLURM_ARRAY_TASK_MIN") : 1) + 1;
    n = whole_number(count, "SLURM_ARRAY_TASK_COUNT");
  } else {
    const auto slash = text.find('/');
    if (slash == std::string::npos)
      throw InputError("--shard: expected I/N (e.g. 2/4) or auto, got '" + text + "'");
    i = whole_number(text.substr(0, slash), "I");
    n = whole_number(text.substr(slash + 1), "N");
  }
  if (n < 1 || i < 1 || i > n)
    throw InputError("--shard " + text + ": the shard must be 1 to N with N >= 1 (got " +
                     std::to_string(i) + " of " + std::to_string(n) + ")");
  return {i, n};
}

EnsembleRun execute(const EnsembleArguments& a, const experiment::EnsembleSpec& spec,
                    const std::string& what) {
  const auto started = std::chrono::steady_clock::now();
  const auto& s = spec.base->scenario;
  Processes& world = Processes::world();
  EnsembleRun run;
  run.threads = configure_threads(default_threads(a.threads));

  experiment::EnsembleOptions options;
  options.threads = run.threads;
  options.block = a.block;
  if (a.block < 0)
    throw InputError("--block: expected a number of replications >= 1 (0: automatic), got " +
                     std::to_string(a.block));
  if (!a.shard_text.empty()) {
    std::tie(options.shard, options.shard_count) = parse_shard(a.shard_text);
    if (options.shard_count > s.replications)
      throw InputError("--shard " + a.shard_text + ": " + std::to_string(options.shard_count) +
                       " shards for " + std::to_string(s.replications) +
                       " replications (at most one shard per replication)");
    const int base = s.replications / options.shard_count,
              extra = s.replications % options.shard_count;
    const int k = options.shard - 1;
    options.first_replication = k * base + std::min(k, extra);
    options.replication_count = base + (k < extra ? 1 : 0);
  }
  const bool parts = a.resumable || options.shard > 0 || world.size() > 1;
  if (parts) {
    if (a.out_path.empty())
      throw InputError(
          std::string(world.size() > 1 ? "several MPI ranks" : "--shard and --resumable") +
          " need a result file (-o OUT.h5): finished blocks are kept in "
          "OUT.h5.parts/ until it is written");
    options.parts_dir = a.out_path + ".parts";
  }
  run.parts_dir = options.parts_dir;

  const bool talk = !a.quiet && world.root();
  if (talk) {
    std::cout << "Scenario '" << s.name << "': " << s.region.name << " " << s.base_year << "-"
              << s.horizon << ", " << what << ", seed " << s.seed << ", " << run.threads
              << " thread" << (run.threads == 1 ? "" : "s");
    if (world.size() > 1) std::cout << " x " << world.size() << " MPI ranks";
    std::cout << "\n";
    if (options.shard > 0)
      std::cout << "Shard " << options.shard << "/" << options.shard_count << ": replications "
                << options.first_replication << "-"
                << options.first_replication + options.replication_count - 1 << " ("
                << options.replication_count
                << "); probabilities and medians below are over this shard only\n";
    if (parts && std::filesystem::exists(options.parts_dir))
      std::cout << "Resuming: finished blocks found in " << options.parts_dir << "\n";
    std::cout << std::flush;
  }

  Progress progress("replications", a.quiet || !world.root() ? Progress::Mode::never
                                    : a.progress_always      ? Progress::Mode::always
                                                             : Progress::Mode::automatic);
  options.progress = [&](long done, long total, const std::vector<long>& ranks) {
    std::string detail;
    if (ranks.size() > 1) {
      detail = "(";
      for (std::size_t r = 0; r < ranks.size(); ++r)
        detail += (r ? ", " : "") + std::string("rank ") + std::to_string(r) + ": " +
                  std::to_string(ranks[r]);
      detail += ")";
    }
    progress.update(done, total, detail);
  };
  StopOnSignal stop_on_signal;
  options.stop = &g_stop;
  try {
    run.result = experiment::run_ensemble(spec, options, a.out_path);
  } catch (const Interrupted& e) {
    progress.finish();
    throw Interrupted(std::string(e.what()) + "; no result file written" +
                      (parts ? " (finished blocks kept in " + options.parts_dir +
                                   "/: run the same command again to resume)"
                             : ""));
  }
  progress.finish();
  if (talk && run.result.units_resumed > 0)
    std::cout << "(" << run.result.units_resumed << " of " << run.result.units
              << " blocks were already done in " << options.parts_dir << ")\n";
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return run;
}

}  // namespace icsim::cli
