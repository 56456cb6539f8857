// `icsim run SCENARIO`: validate the scenario, project it over its Monte Carlo replications,
// judge every stated target, write the result file and print a verdict table.
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <tuple>
#include <utility>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "cli/text_table.hpp"
#include "icsim/common/error.hpp"
#include "icsim/common/threads.hpp"
#include "icsim/experiment/projection.hpp"
#include "icsim/experiment/targets.hpp"
#include "icsim/output/run_result.hpp"
#include "icsim/scenario/load.hpp"

namespace po = boost::program_options;

namespace icsim::cli {
namespace {

const char* kExamples = R"(Examples:
  icsim run scenarios/ningbo/baseline.toml
  icsim run scenarios/ningbo/baseline.toml -o baseline.h5 --replications 2000 --threads 2
  icsim run scenarios/ningbo/programme_delayed.toml -o delayed.h5
  icsim run scenarios/ningbo/baseline.toml --set growth.final_demand.exports=0.0 \
            --set programme.shuangbai.investment=1140 -o what_if.h5
  icsim run scenarios/ningbo/backtest_2017.toml       (projection vs reported 2018-2021 figures)
  icsim run scenarios/ningbo/baseline.toml --shard 2/4 -o shard_2.h5   (then: icsim merge)
  sbatch --array=1-4 --wrap 'icsim run baseline.toml --shard auto -o shard_$SLURM_ARRAY_TASK_ID.h5'
)";

// Shard i (1-based) of n: "I/N", or "auto" for the Slurm array task (SLURM_ARRAY_TASK_ID minus
// SLURM_ARRAY_TASK_MIN plus 1, of SLURM_ARRAY_TASK_COUNT).
std::pair<int, int> parse_shard(const std::string& text) {
  auto to_int = [](const std::string& v, const std::string& what) {
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
  };
  int i = 0, n = 0;
  if (text == "auto") {
    const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
    const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
    if (id == nullptr || count == nullptr)
      throw InputError(
          "--shard auto: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are not both set (run "
          "it in a Slurm array job, or give --shard I/N)");
    const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
    i = to_int(id, "SLURM_ARRAY_TASK_ID") - (min ? to_int(min, "SLURM_ARRAY_TASK_MIN") : 1) + 1;
    n = to_int(count, "SLURM_ARRAY_TASK_COUNT");
  } else {
    const auto slash = text.find('/');
    if (slash == std::string::npos)
      throw InputError("--shard: expected I/N (e.g. 2/4) or auto, got '" + text + "'");
    i = to_int(text.substr(0, slash), "I");
    n = to_int(text.substr(slash + 1), "N");
  }
  if (n < 1 || i < 1 || i > n)
    throw InputError("--shard " + text + ": the shard must be 1 to N with N >= 1 (got " +
                     std::to_string(i) + " of " + std::to_string(n) + ")");
  return {i, n};
}

std::string target_label(const scenario::Target& t) {
  std::string text = t.text.empty() ? t.series.metric : t.text;
  return t.id + " " + truncate_display(text, 26);
}

void print_summary(std::ostream& out, const scenario::LoadedScenario& loaded,
                   const experiment::TargetReport& report,
                   const std::vector<experiment::ActualComparison>& actuals) {
  const auto& s = loaded.scenario;
  if (report.evaluated.empty() && report.not_evaluated.empty())
    out << "\nThe scenario states no targets ([[target]] entries; docs/scenario-reference.md).\n";
  if (!report.evaluated.empty()) {
    out << "\nTargets (" << report.evaluated.size() << " evaluated; median value with its 90 % "
        << "band; probability with its 95 % Wilson interval):\n";
    TextTable table({"target", "source", "threshold", "year", "median value [5%, 95%]",
                     "P(reached) [95% CI]", "first year"},
                    {false, false, true, true, true, true, true});
    for (const auto& o : report.evaluated) {
      const auto& t = *o.target;
      std::string threshold = std::string(t.op == scenario::Target::Op::at_least ? ">= " : "<= ") +
                              number(t.threshold) + " " + short_unit(t.unit);
      std::string value =
          number(o.value_median) + " [" + number(o.value_p05) + ", " + number(o.value_p95) + "]";
      std::string prob = fixed(o.probability, 2) + " [" + fixed(o.interval.low, 2) + ", " +
                         fixed(o.interval.high, 2) + "]";
      std::string first = o.first_year_median ? fixed(*o.first_year_median, 0) : "never";
      table.add_row({target_label(t), truncate_display(t.source, 16), threshold,
                     std::to_string(t.year), value, prob, first});
    }
    table.print(out);
  }
  if (!report.not_evaluated.empty()) {
    out << "\nNot evaluated (" << report.not_evaluated.size() << "):\n";
    for (const auto& [t, reason] : report.not_evaluated)
      out << "  " << target_label(*t) << "  [" << truncate_display(t->source, 16)
          << "]  not evaluated: " << reason << "\n";
  }
  if (!actuals.empty()) {
    out << "\nBacktest: projection against reported figures (" << s.base_year << " base):\n";
    TextTable table({"figure", "year", "reported", "projected median [5%, 95%]", "error %"},
                    {false, true, true, true, true});
    for (const auto& c : actuals) {
      std::string metric = c.actual->series.metric;
      for (const auto& sel : c.actual->series.select) metric += " " + sel;
      table.add_row({truncate_display(metric, 48), std::to_string(c.actual->year),
                     number(c.actual->value),
                     number(c.median) + " [" + number(c.p05) + ", " + number(c.p95) + "]",
                     fixed(c.error_percent, 1)});
    }
    table.print(out);
  }
}

}  // namespace

int run_command(int argc, char** argv) {
  std::string scenario_path, out_path;
  long replications = 0;
  long long seed = -1;
  int threads = 0;
  std::vector<std::string> sets;
  std::string shard_text;
  bool quiet = false, progress_always = false;

  po::options_description visible(
      "Usage: icsim run SCENARIO.toml [options]\n\n"
      "Projects a scenario over its Monte Carlo replications, judges every target it states\n"
      "(probability with a 95 % Wilson interval, median value, first year reached) and prints\n"
      "a summary. The scenario is validated first; nothing is written if it is invalid.\n\n"
      "Options");
  visible.add_options()("help,h", "this help")(
      "out,o", po::value(&out_path),
      "write the HDF5 result file (docs/results.md); written atomically")(
      "replications,n", po::value(&replications),
      "number of replications (same as --set scenario.replications=N)")(
      "seed", po::value(&seed), "random seed (same as --set scenario.seed=S)")(
      "threads,t", po::value(&threads),
      "threads (default: all cores; results do not depend on it)")(
      "set", po::value(&sets)->composing(),
      "override a scenario key, e.g. --set investment.growth=0.08 (repeatable; "
      "docs/scenario-reference.md)")("progress", po::bool_switch(&progress_always),
                                     "show progress even when stderr is not a terminal")(
      "quiet,q", po::bool_switch(&quiet), "print nothing but errors")(
      "shard", po::value(&shard_text),
      "I/N: run only slice I (1-based) of N contiguous, balanced blocks of replications, each "
      "with the numbers it has in a full run; 'auto' takes I and N from a Slurm array job "
      "(SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 of SLURM_ARRAY_TASK_COUNT; only when "
      "asked). Join the shard files with 'icsim merge'");
  po::options_description hidden;
  hidden.add_options()("scenario", po::value(&scenario_path));
  po::variables_map vm;
  if (parse_command_line(argc, argv, visible, hidden, "scenario", 1, "run", kExamples, vm))
    return 0;
  if (scenario_path.empty()) throw InputError("no scenario file given (see 'icsim run --help')");

  std::vector<scenario::Override> overrides;
  for (const auto& s : sets) overrides.push_back(scenario::parse_override(s));
  if (vm.count("replications"))
    overrides.push_back({"scenario.replications", std::to_string(replications)});
  if (vm.count("seed")) overrides.push_back({"scenario.seed", std::to_string(seed)});

  const auto started = std::chrono::steady_clock::now();
  const scenario::LoadedScenario loaded = scenario::load_scenario(scenario_path, overrides);
  const auto& s = loaded.scenario;
  const int used_threads = configure_threads(threads);

  // Opened before the work so that an unwritable path fails in a second, not after the run.
  std::unique_ptr<output::ResultFile> file;
  if (!out_path.empty()) file = std::make_unique<output::ResultFile>(out_path);

  experiment::RunOptions options;
  int shard = 0, shard_count = 0;
  if (!shard_text.empty()) {
    std::tie(shard, shard_count) = parse_shard(shard_text);
    if (shard_count > s.replications)
      throw InputError("--shard " + shard_text + ": " + std::to_string(shard_count) +
                       " shards for " + std::to_string(s.replications) +
                       " replications (at most one shard per replication)");
    const int base = s.replications / shard_count, extra = s.replications % shard_count;
    options.first_replication = (shard - 1) * base + std::min(shard - 1, extra);
    options.replication_count = base + (shard - 1 < extra ? 1 : 0);
  }
  const int held = shard > 0 ? options.replication_count : s.replications;

  if (!quiet) {
    std::cout << "Scenario '" << s.name << "': " << s.region.name << " " << s.base_year << "-"
              << s.horizon << ", " << s.replications << " replications, seed " << s.seed << ", "
              << used_threads << " thread" << (used_threads == 1 ? "" : "s") << "\n";
    if (shard > 0)
      std::cout << "Shard " << shard << "/" << shard_count << ": replications "
                << options.first_replication << "-"
                << options.first_replication + options.replication_count - 1 << " ("
                << options.replication_count
                << "); probabilities and medians below are over this shard only\n";
  }

  Progress progress("replications", quiet             ? Progress::Mode::never
                                    : progress_always ? Progress::Mode::always
                                                      : Progress::Mode::automatic);
  options.threads = used_threads;
  options.progress = [&](int done, int total) { progress.update(done, total); };
  const experiment::Projection projection = experiment::project(loaded, options);
  progress.finish();

  const experiment::TargetReport report = experiment::evaluate_targets(s.targets, projection);
  const auto actuals = experiment::compare_actuals(s.actuals, projection);

  if (file) {
    output::RunOutputs run{&loaded, &projection, &report, &actuals, used_threads};
    run.shard = shard;
    run.shard_count = shard_count;
    output::write_run(*file, run);
    file->commit();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!quiet) {
    print_summary(std::cout, loaded, report, actuals);
    std::cout << "\n"
              << held << " replications in " << human_duration(seconds) << "; "
              << (file ? "results in " + out_path : std::string("no result file (use -o FILE)"))
              << "\n";
  }
  return 0;
}

}  // namespace icsim::cli
