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
#include "cli/ensemble_cli.hpp"
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
  mpirun -n 4 icsim run scenarios/ningbo/baseline.toml -o baseline.h5
  sbatch --array=1-4 --wrap 'icsim run baseline.toml --shard auto -o shard_$SLURM_ARRAY_TASK_ID.h5'
)";

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
  EnsembleArguments arguments;
  po::variables_map vm;
  if (!parse_ensemble_command(
          argc, argv, "run",
          "Usage: icsim run SCENARIO.toml [options]\n\n"
          "Projects a scenario over its Monte Carlo replications, judges every target it states\n"
          "(probability with a 95 % Wilson interval, median value, first year reached) and prints\n"
          "a summary. The scenario is validated first; nothing is written if it is invalid. A\n"
          "[sweep] section is ignored here (see 'icsim sweep'). Under mpirun the replications are\n"
          "shared among the ranks and rank 0 writes the same file one process would.\n\n"
          "Options",
          kExamples, arguments, vm))
    return 0;

  const scenario::LoadedScenario loaded =
      scenario::load_scenario(arguments.scenario_path, scenario_overrides(arguments, vm));
  const auto& s = loaded.scenario;
  experiment::EnsembleSpec spec;
  spec.base = &loaded;
  const EnsembleRun run =
      execute(arguments, spec, std::to_string(s.replications) + " replications");
  if (!run.result.root || arguments.quiet) return 0;
  print_summary(std::cout, loaded, run.result.targets.front(), run.result.actuals);
  std::cout << "\n"
            << run.result.replications_held << " replications in " << human_duration(run.seconds)
            << "; "
            << (arguments.out_path.empty() ? std::string("no result file (use -o FILE)")
                                           : "results in " + arguments.out_path)
            << "\n";
  return 0;
}

}  // namespace icsim::cli
