// `icsim calibrate FILE.toml`: fit scenario parameters to observed moments by the method of
// simulated moments (docs/calibrate.md). The method is include/icsim/experiment/calibration.hpp;
// this file reads the command line, runs the model at each point and writes the outputs.
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <optional>

#include "cli/calibrate_array.hpp"
#include "cli/calibrate_output.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/text_table.hpp"
#include "icsim/abm/population.hpp"
#include "icsim/common/error.hpp"
#include "icsim/common/threads.hpp"
#include "icsim/experiment/calibration.hpp"
#include "icsim/experiment/projection.hpp"
#include "icsim/io/atomic_file.hpp"
#include "icsim/scenario/keys.hpp"
#include "icsim/scenario/sweep.hpp"

namespace po = boost::program_options;

namespace icsim::cli {
namespace {

const char* kExamples = R"(Examples:
  icsim calibrate scenarios/ningbo/calibrate.toml --fragment scenarios/ningbo/calibrated.toml \
        -o calibration.h5
  icsim calibrate calibrate.toml --set calibration.global_evaluations=4 --set \
        calibration.local_evaluations=0 --set calibration.replications=5   (a quick try)

The calibration is the file's [calibration] section (docs/calibrate.md):
  [calibration]
  observed = "../data/ningbo/observed.csv"
  global_evaluations = 16              # Latin hypercube (or global_method = "crs2", "isres")
  local_evaluations = 16               # BOBYQA from the best point (or "neldermead")
  replications = 20
  [[calibration.parameter]]
  key = "firms.land_sigma"
  low = 0.3
  high = 1.5
  [[calibration.moment]]
  observed = "bl_firms_2021"           # a row of the observed file, dated <= the base year
  tolerance = 0.10
)";

struct Arguments {
  std::string path, out, fragment, write_sweep, global_from;
  std::vector<std::string> sets;
  int threads = 0;
  bool quiet = false;
};

std::string command_line(int argc, char** argv) {
  std::string s = "icsim";
  for (int i = 0; i < argc; ++i) s += std::string(" ") + argv[i];
  return s;
}

// The scenario's own value of a parameter, as text: from the resolved file, else (a firm
// synthesis key) from the firm calibration file, else the key's default; "-" when none gives a
// number (an entry of a programme without the key, say).
std::string own_value(const scenario::Scenario& s, const scenario::ParameterRange& r) {
  if (const auto v = scenario::number_at(s.resolved_toml, r.key))
    return scenario::parameter_value_text(r, *v);
  const scenario::KeyInfo* key = scenario::addressed_key(r.key);
  if (key != nullptr && key->synthesis && !s.firms.calibration.empty()) {
    scenario::Scenario loaded = s;
    try {
      abm::apply_firm_calibration(s.firms.calibration, loaded.firms.parameters.synthesis);
      if (const auto* field = std::get_if<scenario::FieldRef<double>>(&key->field))
        return scenario::parameter_value_text(r, (*field)(loaded, 0));
    } catch (const std::exception&) {
      // The run refuses the file with its own message; show the default here.
    }
  }
  if (key != nullptr && !key->default_value.empty()) return std::string(key->default_value);
  return "-";
}

// Runs the scenario with `extra` overrides and measures the moments.
struct PointRunner {
  const Arguments& args;
  std::vector<scenario::Override> base;  // --set, then the calibration's seed and replications
  const std::vector<experiment::MomentSpec>& moments;
  int threads = 1;
  std::string money_unit;

  std::string start_text;  // the resolved calibration file when the calibration started

  std::vector<experiment::MomentFit> operator()(const std::vector<scenario::Override>& extra) {
    // Every point reads the file again: an edit during the calibration is refused, not mixed in.
    std::string now;
    try {
      now = scenario::parse_scenario(args.path, base).resolved_toml;
    } catch (const InputError&) {
    }
    if (start_text.empty()) start_text = now;
    if (now != start_text)
      throw InputError(args.path +
                       ": the calibration file (or a file it extends) changed while "
                       "the calibration ran; nothing was written: run it again");
    auto overrides = base;
    overrides.insert(overrides.end(), extra.begin(), extra.end());
    const scenario::LoadedScenario loaded = scenario::load_scenario(args.path, overrides);
    money_unit = loaded.table.meta.money_unit;
    experiment::RunOptions run;
    run.threads = threads;
    const experiment::Projection p = experiment::project(loaded, run);
    return experiment::fit_moments(p, money_unit, loaded.scenario.region.name,
                                   loaded.scenario.base_year, moments);
  }
};

std::string seconds(double s) { return s < 60 ? fixed(s, 1) + " s" : fixed(s / 60, 1) + " min"; }

}  // namespace

int calibrate_command(int argc, char** argv) {
  Arguments a;
  po::options_description visible(
      "Usage: icsim calibrate FILE.toml [-o CALIBRATION.h5] [--fragment OUT.toml] [options]\n\n"
      "Fits the scenario parameters of FILE's [[calibration.parameter]] ranges to its\n"
      "[[calibration.moment]] figures by the method of simulated moments: the loss is the\n"
      "weighted sum of squared relative deviations of each moment's simulated median from its\n"
      "observed value; every point runs with the same seed (common random numbers). A global\n"
      "stage (Latin hypercube, or NLopt CRS2 / ISRES) and a local one (NLopt BOBYQA or\n"
      "Nelder-Mead) from its best point; re-running gives the same parameters. Moments dated\n"
      "after the base year of the scenario the parameters are for are refused. Prints the fit\n"
      "table (docs/calibrate.md).\n\n"
      "Options");
  // clang-format off
  visible.add_options()
    ("help,h", "this help")
    ("out,o", po::value(&a.out)->value_name("CALIBRATION.h5"), "an HDF5 file with the /calibration group: every point and its loss, each moment's fit (docs/results.md)")
    ("fragment", po::value(&a.fragment)->value_name("OUT.toml"), "the calibrated parameters as a scenario file that extends the scenario they are for")
    ("threads,t", po::value(&a.threads), "threads (default: all cores; results do not depend on it)")
    ("set", po::value(&a.sets)->composing(), "override a scenario or calibration key, as for 'icsim run' (repeatable)")
    ("write-sweep", po::value(&a.write_sweep)->value_name("SWEEP.toml"), "write the Latin hypercube global stage as a list sweep to run as a job array (then --global-from); runs nothing")
    ("global-from", po::value(&a.global_from)->value_name("SWEEP.h5"), "take the global stage's moments from the merged result of that sweep instead of running its points")
    ("quiet,q", po::bool_switch(&a.quiet), "print nothing but the fit table and errors");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("scenario", po::value(&a.path));
  po::variables_map vm;
  if (parse_command_line(argc, argv, visible, hidden, "scenario", 1, "calibrate", kExamples, vm))
    return 0;
  if (a.path.empty()) throw InputError("no calibration file given (see 'icsim calibrate --help')");
  std::vector<std::string> inputs{a.path};
  if (!a.global_from.empty()) inputs.push_back(a.global_from);
  a.out = io::check_output_file(a.out, "-o", inputs);
  a.fragment = io::check_output_file(a.fragment, "--fragment", inputs);
  a.write_sweep = io::check_output_file(a.write_sweep, "--write-sweep", inputs);

  std::vector<scenario::Override> overrides;
  for (const auto& s : a.sets) overrides.push_back(scenario::parse_override(s));
  scenario::Scenario plain = scenario::parse_scenario(a.path, overrides);
  scenario::CalibrationPlan plan =
      scenario::read_calibration_plan(a.path, overrides, plain.seed, plain.replications);
  experiment::DateRule rule{plain.base_year, plain.file};
  if (!plan.parameters_for.empty()) {
    const scenario::Scenario target = scenario::parse_scenario(plan.parameters_for);
    rule = {target.base_year, target.file};
  }
  const std::vector<experiment::MomentSpec> moments = experiment::resolve_moments(plan, rule);
  scenario::check_parameter_ranges(a.path, overrides, plan.parameters);
  std::vector<std::string> reference_values;
  for (const auto& r : plan.parameters) reference_values.push_back(own_value(plain, r));
  if (!a.write_sweep.empty()) {
    io::OutputSet files;
    files.file(a.write_sweep) << global_sweep_text(plan, a.path, a.write_sweep,
                                                   command_line(argc, argv));
    files.commit();
    if (!a.quiet)
      std::cout << "Wrote the global stage (" << global_points(plan).size() << " points) as a "
                << "list sweep to " << a.write_sweep << "\n";
    return 0;
  }
  std::optional<GlobalFromSweep> from_sweep;
  if (!a.global_from.empty()) from_sweep.emplace(a.global_from, plan, plain.name);

  PointRunner runner{a, overrides, moments, 1, "", ""};
  runner.base.push_back({"scenario.seed", std::to_string(plan.seed)});
  runner.base.push_back({"scenario.replications", std::to_string(plan.replications)});
  runner.threads = configure_threads(a.threads);
  if (!a.quiet)
    std::cout << "Calibrating " << plan.parameters.size() << " parameter"
              << (plan.parameters.size() == 1 ? "" : "s") << " of '" << plain.name << "' to "
              << moments.size() << " moment" << (moments.size() == 1 ? "" : "s") << " dated "
              << rule.last_year << " or earlier: " << plan.global_method << " "
              << plan.global_evaluations << " + " << plan.local_method << " "
              << plan.local_evaluations << " evaluations, " << plan.replications
              << " replications each, seed " << plan.seed << ", " << runner.threads << " thread"
              << (runner.threads == 1 ? "" : "s") << "\n"
              << std::flush;

  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  // The scenario's own values first: a moment the run cannot produce is refused here, before
  // the search, and its fit is the table's "before" column.
  const std::vector<experiment::MomentFit> reference = runner({});
  const double reference_loss = experiment::moment_loss(moments, reference);
  if (!a.quiet)
    std::cout << "scenario's own values: loss " << scenario::number_text(reference_loss) << " ("
              << seconds(elapsed()) << ")\n"
              << std::flush;

  experiment::OptimiserSettings settings{plan.global_method, plan.global_evaluations,
                                         plan.local_method, plan.local_evaluations, plan.seed};
  double best = reference_loss;
  bool first = true;
  const experiment::CalibrationResult result = experiment::calibrate(
      plan.parameters, moments, settings,
      [&](const std::vector<double>& values) {
        if (from_sweep)
          if (auto fits = from_sweep->fits(values, moments)) return *fits;
        return runner(scenario::parameter_overrides(plan.parameters, values));
      },
      [&](const experiment::CalibrationPoint& p, std::size_t index) {
        if (first || p.loss < best) best = p.loss;
        first = false;
        if (a.quiet) return;
        std::cout << "point " << index << (p.stage == 0 ? " (global)" : " (local)") << ":";
        for (std::size_t j = 0; j < plan.parameters.size(); ++j)
          std::cout << (j ? ", " : " ") << plan.parameters[j].key << "="
                    << scenario::parameter_value_text(plan.parameters[j], p.values[j]);
        std::cout << "  loss " << scenario::number_text(p.loss) << " (best "
                  << scenario::number_text(best) << "; " << seconds(elapsed()) << ")\n"
                  << std::flush;
      });

  CalibrationOutputs outputs;
  outputs.command = command_line(argc, argv);
  outputs.scenario_file = a.path;
  outputs.scenario_name = plain.name;
  outputs.money_unit = runner.money_unit;
  outputs.base_year = plain.base_year;
  outputs.threads = runner.threads;
  outputs.plan = &plan;
  outputs.rule = &rule;
  outputs.moments = &moments;
  outputs.result = &result;
  outputs.reference = &reference;
  outputs.reference_loss = reference_loss;
  outputs.reference_values = reference_values;
  // The fragment extends the scenario the parameters are for (else FILE's parent): growth specs
  // are written whole from its text.
  const std::string parent = !plan.parameters_for.empty() ? plan.parameters_for : plan.extends;
  outputs.parent_toml =
      parent.empty() ? plain.resolved_toml : scenario::parse_scenario(parent).resolved_toml;

  const std::string fragment = fragment_text(outputs, a.fragment.empty() ? a.path : a.fragment);
  io::OutputSet files;
  if (!a.fragment.empty()) files.file(a.fragment) << fragment;
  if (!a.out.empty()) {
    try {
      output::ResultFile h5(files.external(a.out));
      write_calibration(h5, outputs, fragment);
      h5.commit();
    } catch (const InputError& e) {
      throw InputError("-o " + a.out + ": " + e.what());
    }
  }
  files.commit();

  std::cout << "\nFit at the best point (" << plan.replications
            << " replications; before = the scenario's own values):\n";
  print_fit_table(std::cout, outputs);
  if (!a.quiet)
    std::cout << "\n"
              << result.points.size() << " points in " << seconds(elapsed())
              << (from_sweep ? " (" + std::to_string(from_sweep->used()) + " read from " +
                                   a.global_from + ")"
                             : std::string())
              << "\n";
  return 0;
}

}  // namespace icsim::cli
