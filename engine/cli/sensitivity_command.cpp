// `icsim sensitivity SCENARIO --parameters FILE`: Morris screening or Sobol indices of every
// judged target's probability and median value (and chosen series) over the ranges of the
// parameters file. The design's points run as a list sweep through the ensemble (threads, MPI
// ranks, resumable blocks), every point with the scenario's seed (common random numbers); the
// result file is that sweep's file plus a /sensitivity group (docs/sensitivity.md).
#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <iostream>
#include <numeric>

#include "cli/commands.hpp"
#include "cli/ensemble_cli.hpp"
#include "cli/progress.hpp"
#include "cli/sensitivity_array.hpp"
#include "cli/text_table.hpp"
#include "icsim/common/error.hpp"
#include "icsim/experiment/ensemble.hpp"
#include "icsim/experiment/sensitivity.hpp"
#include "icsim/experiment/targets.hpp"
#include "icsim/io/atomic_file.hpp"
#include "icsim/output/result_file.hpp"
#include "icsim/output/run_result.hpp"
#include "icsim/output/sensitivity_result.hpp"
#include "icsim/scenario/sensitivity_plan.hpp"

namespace po = boost::program_options;

namespace icsim::cli {
namespace {

const char* kExamples = R"EX(Examples:
  icsim sensitivity scenarios/ningbo/baseline.toml --parameters scenarios/ningbo/sensitivity.toml
  icsim sensitivity scenarios/ningbo/baseline.toml --parameters scenarios/ningbo/sobol.toml \
        -o sobol.h5 --resumable                      (a killed run resumes where it stopped)
  mpirun -n 8 icsim sensitivity baseline.toml --parameters sobol.toml -o sobol.h5
  icsim sensitivity baseline.toml --parameters sobol.toml --write-sweep design.toml
  SCENARIO=design.toml OUT=design.h5 SHARDS=32 bash tools/hpc/sweep-array.sbatch
  icsim sensitivity baseline.toml --parameters sobol.toml --from design.h5 -o sobol.h5
  icsim sensitivity baseline.toml --parameters sensitivity.toml --set sensitivity.trajectories=4

The parameters file (docs/sensitivity.md):
  [sensitivity]
  method = "morris"             # or "sobol" (base_size, estimator, bootstrap, confidence_level)
  trajectories = 10             # Morris paths; levels = 4 grid levels
  replications = 40             # per design point (default: the scenario's)
  [[sensitivity.parameter]]
  key = "investment.output_per_investment"
  low = 1.0
  high = 2.0
  source = "judgement around the estimate 1.5 (scenario comment)"
)EX";

using Outputs = DesignOutputs;

// The outputs of a point: each evaluated target's probability and median value, then the
// chosen series' medians. Point 0 names them.
void observe(const scenario::SensitivityPlan& plan, std::size_t points, std::size_t i,
             const experiment::Projection& projection, const experiment::TargetReport& report,
             Outputs& out) {
  if (i == 0) {
    for (const auto& t : report.evaluated) {
      out.names.push_back(t.target->id + " P");
      out.target.push_back(t.target->id);
      out.statistic.push_back("probability");
      out.units.push_back("1");
      out.names.push_back(t.target->id + " median");
      out.target.push_back(t.target->id);
      out.statistic.push_back("median value");
      out.units.push_back(t.target->unit);
    }
    for (const auto& o : plan.outputs) {
      out.names.push_back(o.name);
      out.target.push_back("");
      out.statistic.push_back("series median");
      out.units.push_back("");
    }
    out.values.assign(out.names.size(), std::vector<double>(points, std::nan("")));
  }
  std::size_t k = 0;
  for (const auto& t : report.evaluated) {
    out.values[k++][i] = t.probability;
    out.values[k++][i] = t.value_median;
  }
  for (const auto& o : plan.outputs) {
    std::size_t year = 0;
    std::vector<double> values;
    try {
      year = projection.year_index(o.year);
      for (int r = 0; r < projection.replications; ++r)
        values.push_back(projection.series(o.series, r)[year]);
    } catch (const std::out_of_range&) {
      throw InputError(o.where + ": sensitivity.output year " + std::to_string(o.year) +
                       " is outside the projection (" + std::to_string(projection.years.front()) +
                       "-" + std::to_string(projection.years.back()) + ")");
    } catch (const InputError& e) {
      throw InputError(o.where + ": sensitivity.output: " + e.what());
    }
    out.values[k++][i] = experiment::quantile(values, 0.5);
  }
}

struct Analysis {
  std::vector<double> unit;  // design in the unit cube, (point, parameter)
  experiment::MorrisDesign morris;
  output::SensitivityOutputs file;
};

void analyse(const scenario::SensitivityPlan& plan, const std::vector<double>& scaled,
             std::uint64_t seed, const Outputs& out, Analysis& a) {
  const auto& ranges = plan.parameters;
  auto& f = a.file;
  f.method = plan.method;
  for (const auto& r : ranges) {
    f.parameters.push_back(r.key);
    f.parameter_sources.push_back(r.source);
    f.low.push_back(r.low);
    f.high.push_back(r.high);
  }
  f.outputs = out.names;
  f.output_target = out.target;
  f.output_statistic = out.statistic;
  f.output_units = out.units;
  f.design_unit = a.unit;
  for (const auto& v : out.values) f.output_value.insert(f.output_value.end(), v.begin(), v.end());
  if (plan.method == "morris") {
    for (const auto& v : out.values) {
      const auto m = experiment::morris_indices(a.morris, scaled, ranges, v);
      f.mu_star.insert(f.mu_star.end(), m.mu_star.begin(), m.mu_star.end());
      f.mu.insert(f.mu.end(), m.mu.begin(), m.mu.end());
      f.sigma.insert(f.sigma.end(), m.sigma.begin(), m.sigma.end());
      for (const int e : m.effects) f.effects.push_back(e);
    }
    f.attributes = {{"trajectories", std::int64_t{plan.trajectories}},
                    {"levels", std::int64_t{plan.levels}},
                    {"delta", a.morris.delta}};
  } else {
    experiment::SobolSettings settings;
    settings.estimator = experiment::sobol_estimator(plan.estimator);
    settings.bootstrap = plan.bootstrap;
    settings.confidence_level = plan.confidence_level;
    settings.seed = seed;
    const int D = static_cast<int>(ranges.size());
    for (std::size_t k = 0; k < out.values.size(); ++k) {
      const auto& v = out.values[k];
      if (!std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); }))
        throw ModelError("sensitivity output " + out.names[k] +
                         " is not a finite number at every design point");
      const auto s = experiment::sobol_indices(D, plan.base_size, a.unit, v, settings);
      for (auto [to, from] : {std::pair{&f.first, &s.first},
                              {&f.first_low, &s.first_low},
                              {&f.first_high, &s.first_high},
                              {&f.total, &s.total},
                              {&f.total_low, &s.total_low},
                              {&f.total_high, &s.total_high}})
        to->insert(to->end(), from->begin(), from->end());
      f.constant.push_back(s.constant ? 1 : 0);
    }
    f.attributes = {{"base_size", std::int64_t{plan.base_size}},
                    {"estimator", plan.estimator},
                    {"bootstrap", std::int64_t{plan.bootstrap}},
                    {"confidence_level", plan.confidence_level}};
  }
  f.attributes.emplace_back("design_seed", static_cast<std::int64_t>(seed));
}

// Per output, the parameters ranked by mu* (Morris) or ST (Sobol), the first `top` of them.
void print_ranking(std::ostream& os, const scenario::SensitivityPlan& plan,
                   const output::SensitivityOutputs& f, std::size_t top) {
  const std::size_t D = f.parameters.size();
  const bool morris = plan.method == "morris";
  os << "\nParameters ranked by "
     << (morris ? "Morris mu* (mean |effect| over the range)" : "total Sobol index ST")
     << ", per output (first " << std::min(top, D) << " of " << D << "):\n";
  for (std::size_t o = 0; o < f.outputs.size(); ++o) {
    const double* key = (morris ? f.mu_star.data() : f.total.data()) + o * D;
    const auto& v = f.output_value;
    const std::size_t P = v.size() / f.outputs.size();
    const double lo = *std::min_element(v.begin() + static_cast<long>(o * P),
                                        v.begin() + static_cast<long>((o + 1) * P));
    const double hi = *std::max_element(v.begin() + static_cast<long>(o * P),
                                        v.begin() + static_cast<long>((o + 1) * P));
    os << "\n"
       << f.outputs[o] << " (" << f.output_statistic[o] << ", " << fixed(lo, 3) << " to "
       << fixed(hi, 3) << " over the design)";
    if (lo == hi) {
      os << ": the same at every design point, no parameter moves it\n";
      continue;
    }
    os << "\n";
    std::vector<std::size_t> order(D);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const double x = std::isnan(key[a]) ? -1 : key[a], y = std::isnan(key[b]) ? -1 : key[b];
      return x > y;
    });
    TextTable table(morris ? std::vector<std::string>{"#", "parameter", "mu*", "mu", "sigma"}
                           : std::vector<std::string>{"#", "parameter", "S1", "S1 interval", "ST",
                                                      "ST interval"},
                    morris ? std::vector<bool>{true, false, true, true, true}
                           : std::vector<bool>{true, false, true, true, true, true});
    for (std::size_t k = 0; k < std::min(top, D); ++k) {
      const std::size_t i = order[k], at = o * D + i;
      if (morris)
        table.add_row({std::to_string(k + 1), f.parameters[i], fixed(f.mu_star[at], 4),
                       fixed(f.mu[at], 4), fixed(f.sigma[at], 4)});
      else
        table.add_row({std::to_string(k + 1), f.parameters[i], fixed(f.first[at], 3),
                       "[" + fixed(f.first_low[at], 3) + ", " + fixed(f.first_high[at], 3) + "]",
                       fixed(f.total[at], 3),
                       "[" + fixed(f.total_low[at], 3) + ", " + fixed(f.total_high[at], 3) + "]"});
    }
    table.print(os);
  }
}

}  // namespace

int sensitivity_command(int argc, char** argv) {
  EnsembleArguments arguments;
  po::variables_map vm;
  std::string parameters_path, method, write_sweep, from;
  std::size_t top = 5;
  po::options_description own("Sensitivity");
  own.add_options()("parameters,p", po::value(&parameters_path),
                    "the parameters file: [sensitivity] settings and [[sensitivity.parameter]] "
                    "ranges (docs/sensitivity.md); required")(
      "method", po::value(&method), "morris or sobol (default: the file's method)")(
      "top", po::value(&top), "parameters shown per output in the terminal table (default 5)")(
      "write-sweep", po::value(&write_sweep)->value_name("SWEEP.toml"),
      "write the design as a list sweep to run as a job array (then --from); runs nothing")(
      "from", po::value(&from)->value_name("SWEEP.h5"),
      "compute the indices from the merged result of that sweep instead of running the design");
  if (!parse_ensemble_command(
          argc, argv, "sensitivity",
          "Usage: icsim sensitivity SCENARIO.toml --parameters FILE [options]\n\n"
          "Which parameters move each target's probability and median value: Morris screening\n"
          "(mu*, mu, sigma of elementary effects) or Sobol indices (S1, ST with bootstrap\n"
          "intervals, OpenTURNS) over the ranges of FILE. The design's points run as a sweep\n"
          "with common random numbers; the result file is a sweep file plus a /sensitivity\n"
          "group (docs/sensitivity.md, docs/results.md).\n\n"
          "Options",
          kExamples, arguments, vm, &own))
    return 0;
  if (parameters_path.empty())
    throw InputError("no parameters file given (--parameters FILE; docs/sensitivity.md)");
  if (!arguments.shard_text.empty())
    throw InputError(
        "--shard: a sensitivity analysis needs every replication of every design point in one "
        "process group: spread it over MPI ranks (srun or mpirun, docs/hpc.md), or write its "
        "design as a sweep (--write-sweep), run that as a job array, merge it and analyse the "
        "merged file (--from)");

  // sensitivity.* overrides go to the parameters file, the others to the scenario.
  std::vector<scenario::Override> scenario_sets, plan_sets;
  for (const auto& o : scenario_overrides(arguments, vm))
    (o.key.rfind("sensitivity.", 0) == 0 ? plan_sets : scenario_sets).push_back(o);
  if (!method.empty()) plan_sets.push_back({"sensitivity.method", "\"" + method + "\""});
  scenario::SensitivityPlan plan = scenario::read_sensitivity_plan(parameters_path, plan_sets);
  if (plan.replications > 0)  // before --set and -n, which win
    scenario_sets.insert(scenario_sets.begin(),
                         {"scenario.replications", std::to_string(plan.replications)});
  scenario::check_parameter_ranges(arguments.scenario_path, scenario_sets, plan.parameters);
  const scenario::LoadedScenario base =
      scenario::load_scenario(arguments.scenario_path, scenario_sets);
  const std::uint64_t seed = plan.seed.value_or(base.scenario.seed);

  const int D = static_cast<int>(plan.parameters.size());
  Analysis analysis;
  if (plan.method == "morris") {
    analysis.morris = experiment::morris_design(D, plan.trajectories, plan.levels, seed);
    analysis.unit = analysis.morris.points;
  } else {
    analysis.unit = experiment::sobol_design(D, plan.base_size, seed);
  }
  const std::vector<double> scaled = experiment::scaled_design(analysis.unit, plan.parameters);
  scenario::SweepPlan sweep;
  sweep.method = "list";
  for (const auto& r : plan.parameters) sweep.keys.push_back(r.key);
  const auto Dz = static_cast<std::size_t>(D);
  for (std::size_t p = 0; p < scaled.size() / Dz; ++p) {
    scenario::SweepPoint point;
    point.values.assign(scaled.begin() + static_cast<long>(p * Dz),
                        scaled.begin() + static_cast<long>((p + 1) * Dz));
    point.overrides = scenario::parameter_overrides(plan.parameters, point.values);
    for (const auto& o : point.overrides)
      point.label += (point.label.empty() ? "" : ", ") + o.key + "=" + o.value;
    sweep.points.push_back(std::move(point));
  }
  const std::size_t P = sweep.points.size();
  const int replications = base.scenario.replications;
  if (!write_sweep.empty()) {
    write_sweep = io::check_output_file(write_sweep, "--write-sweep",
                                        {arguments.scenario_path, parameters_path});
    io::OutputSet files;
    std::string command = "icsim";
    for (int i = 0; i < argc; ++i) command += std::string(" ") + argv[i];
    files.file(write_sweep) << design_sweep_text(sweep, arguments.scenario_path, write_sweep,
                                                 base.scenario.seed, replications, command);
    files.commit();
    if (!arguments.quiet)
      std::cout << "Wrote the " << plan.method << " design (" << P << " points) as a list sweep "
                << "to " << write_sweep << "\n";
    return 0;
  }
  if (!from.empty()) {
    io::check_output_file(arguments.out_path, "-o",
                          {arguments.scenario_path, parameters_path, from});
    Outputs read = read_design_outputs(from, plan, sweep, base.scenario.name, base.scenario.seed,
                                       replications);
    if (read.names.empty())
      throw InputError(from +
                       ": no output to analyse: the sweep judges no target and the "
                       "parameters file names no [[sensitivity.output]] series");
    analyse(plan, scaled, seed, read, analysis);
    if (!arguments.out_path.empty()) {
      io::OutputSet files;
      output::ResultFile file(files.external(arguments.out_path));
      output::write_provenance(file, {base.scenario.name, base.scenario.seed, replications, 1, 1,
                                      base.table.meta.money_unit});
      file.set_attribute("base_year", std::int64_t{base.scenario.base_year});
      file.set_attribute("source_sweep", from);
      output::write_sweep(file, sweep);
      output::write_sensitivity(file, analysis.file);
      file.commit();
      files.commit();
    }
    if (arguments.quiet) return 0;
    print_ranking(std::cout, plan, analysis.file, top);
    std::cout << "\n"
              << P << " design points read from " << from << "; "
              << (arguments.out_path.empty() ? std::string("no result file (use -o FILE)")
                                             : "results in " + arguments.out_path)
              << "\n";
    return 0;
  }

  experiment::EnsembleSpec spec;
  spec.base = &base;
  spec.plan = sweep;
  const experiment::SweepPoints points(arguments.scenario_path, scenario_sets, *spec.plan);
  points.check();
  spec.points = &points;
  Outputs outputs;
  spec.observe_point = [&](std::size_t i, const experiment::Projection& projection,
                           const experiment::TargetReport& report) {
    observe(plan, P, i, projection, report, outputs);
  };
  spec.finish = [&](output::ResultFile* file) {
    if (outputs.names.empty())
      throw InputError(arguments.scenario_path +
                       ": no output to analyse: the scenario judges no target and the "
                       "parameters file names no [[sensitivity.output]] series");
    analyse(plan, scaled, seed, outputs, analysis);
    if (file != nullptr) output::write_sensitivity(*file, analysis.file);
  };

  const std::string what = plan.method + " design of " + std::to_string(P) + " points (" +
                           std::to_string(D) + " parameters) x " +
                           std::to_string(base.scenario.replications) + " replications";
  const EnsembleRun run = execute(arguments, spec, what);
  if (!run.result.root || arguments.quiet) return 0;
  print_ranking(std::cout, plan, analysis.file, top);
  std::cout << "\n"
            << P << " design points x " << run.result.replications_held << " replications in "
            << human_duration(run.seconds) << " ("
            << human_duration(run.seconds / static_cast<double>(P)) << " a point); "
            << (arguments.out_path.empty() ? std::string("no result file (use -o FILE)")
                                           : "results in " + arguments.out_path)
            << "\n";
  return 0;
}

}  // namespace icsim::cli
