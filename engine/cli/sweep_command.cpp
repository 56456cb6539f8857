// `icsim sweep SCENARIO`: run every point of the scenario's [sweep] section with common random
// numbers and write one result file with a `point` dimension and a /sweep group.
#include <boost/program_options.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/ensemble_cli.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "cli/text_table.hpp"
#include "icsim/common/error.hpp"
#include "icsim/experiment/ensemble.hpp"
#include "icsim/scenario/sweep.hpp"

namespace po = boost::program_options;

namespace icsim::cli {
namespace {

const char* kExamples = R"(Examples:
  icsim sweep scenarios/ningbo/sweep_investment_land.toml -o sweep.h5
  icsim sweep scenarios/ningbo/sweep_investment_land.toml -n 200 --set sweep.samples=8 -o s.h5
  icsim sweep sweep.toml --shard 2/4 -o shard_2.h5        (then: icsim merge shard_*.h5 -o all.h5)
  mpirun -n 8 icsim sweep sweep.toml -o sweep.h5           (one file, identical to one process)
  icsim report sweep.h5 -o sweep_report/                   (P against each swept key)

The sweep is the scenario file's [sweep] section (docs/scenario-reference.md, "Sweeps"):
  [sweep]
  method = "grid"                      # or "list", "latin_hypercube" (with samples = N)
  [[sweep.parameter]]
  key = "programme.shuangbai.investment"
  values = [570, 855, 1140]            # or low = .., high = .., steps = N
)";

constexpr std::size_t kShownPoints = 8;

void print_sweep_summary(std::ostream& out, const scenario::SweepPlan& plan,
                         const experiment::EnsembleResult& result) {
  out << "\nSweep: " << plan.points.size() << " point" << (plan.points.size() == 1 ? "" : "s")
      << " (" << plan.method << ")";
  if (plan.method == "latin_hypercube") out << ", design seed " << plan.seed;
  out << "; every point runs the same replications with the same seed\n";
  const std::size_t shown = std::min(kShownPoints, plan.points.size());
  TextTable points({"point", "overrides"}, {true, false});
  for (std::size_t i = 0; i < shown; ++i) points.add_row({std::to_string(i), plan.points[i].label});
  points.print(out);
  if (result.targets.empty() || result.targets.front().evaluated.empty()) {
    out << "\nThe scenario states no targets that can be evaluated.\n";
    return;
  }
  out << "\nP(reached) by point:\n";
  std::vector<std::string> header = {"target"};
  std::vector<bool> right = {false};
  for (std::size_t i = 0; i < shown; ++i) {
    header.push_back(std::to_string(i));
    right.push_back(true);
  }
  TextTable table(header, right);
  const auto& first = result.targets.front().evaluated;
  for (std::size_t k = 0; k < first.size(); ++k) {
    const auto& t = *first[k].target;
    std::vector<std::string> row = {t.id + " " + (t.text.empty() ? t.series.metric : t.text)};
    for (std::size_t i = 0; i < shown; ++i)
      row.push_back(fixed(result.targets[i].evaluated[k].probability, 2));
    table.add_row(row);
  }
  table.print(out);
  if (shown < plan.points.size())
    out << "(points 0-" << shown - 1 << " of " << plan.points.size()
        << " shown; all are in the result file, and 'icsim report' draws P against each key)\n";
}

}  // namespace

int sweep_command(int argc, char** argv) {
  EnsembleArguments arguments;
  po::variables_map vm;
  if (!parse_ensemble_command(
          argc, argv, "sweep",
          "Usage: icsim sweep SCENARIO.toml [options]\n\n"
          "Runs every point of the scenario's [sweep] section (a grid, a list of parameter sets "
          "or\n"
          "a Latin hypercube over scenario keys) with common random numbers: replication r draws\n"
          "the same numbers at every point, so a difference between points comes from the\n"
          "parameters. Writes one result file whose arrays have a `point` dimension, plus a\n"
          "/sweep group naming each point's values (docs/results.md). Under mpirun, points x\n"
          "blocks of replications are shared dynamically among the ranks.\n\n"
          "Options",
          kExamples, arguments, vm))
    return 0;

  const std::vector<scenario::Override> overrides = scenario_overrides(arguments, vm);
  const scenario::LoadedScenario base = scenario::load_scenario(arguments.scenario_path, overrides);
  std::optional<scenario::SweepPlan> plan =
      scenario::read_sweep_plan(arguments.scenario_path, overrides, base.scenario.seed);
  if (!plan)
    throw InputError(arguments.scenario_path +
                     ": has no [sweep] section (docs/scenario-reference.md, \"Sweeps\"); to run "
                     "the scenario once use 'icsim run'");
  experiment::EnsembleSpec spec;
  spec.base = &base;
  spec.plan = plan;
  const experiment::SweepPoints points(arguments.scenario_path, overrides, *spec.plan);
  points.check();
  spec.points = &points;

  const EnsembleRun run = execute(arguments, spec,
                                  std::to_string(plan->points.size()) + " points x " +
                                      std::to_string(base.scenario.replications) + " replications");
  if (!run.result.root || arguments.quiet) return 0;
  print_sweep_summary(std::cout, *plan, run.result);
  std::cout << "\n"
            << plan->points.size() << " points x " << run.result.replications_held
            << " replications in " << human_duration(run.seconds) << " ("
            << human_duration(run.seconds / static_cast<double>(plan->points.size()))
            << " a point); "
            << (arguments.out_path.empty() ? std::string("no result file (use -o FILE)")
                                           : "results in " + arguments.out_path)
            << "\n";
  return 0;
}

}  // namespace icsim::cli
