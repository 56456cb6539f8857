// `icsim seek SCENARIO --lever KEY --range LO:HI --target ID...`: the smallest (or largest)
// value of one scenario key for which every given target is reached with probability at least
// p, by bisection with common random numbers (docs/seek.md). The search itself is
// experiment::seek (include/icsim/experiment/seek.hpp); this file evaluates lever values by
// projecting the scenario with the lever overridden, prints the steps and writes the file.
#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "cli/text_table.hpp"
#include "icsim/common/error.hpp"
#include "icsim/common/processes.hpp"
#include "icsim/common/threads.hpp"
#include "icsim/experiment/evaluate.hpp"
#include "icsim/experiment/projection.hpp"
#include "icsim/experiment/seek.hpp"
#include "icsim/experiment/targets.hpp"
#include "icsim/io/atomic_file.hpp"
#include "icsim/output/seek_result.hpp"
#include "icsim/scenario/keys.hpp"
#include "icsim/scenario/load.hpp"

namespace po = boost::program_options;

namespace icsim::cli {
namespace {

const char* kExamples = R"(Examples:
  icsim seek scenarios/ningbo/baseline.toml --lever programme.shuangbai.investment \
            --range 570:3000 --target T17 --set firms.enabled=false -n 200
  icsim seek scenarios/ningbo/baseline.toml --lever growth.final_demand.exports.mean \
            --range 0:0.08 --target N361-2025-va-2030 --target N361-2025-output-2030 \
            --probability 0.9 -n 200 -o seek.h5
  icsim seek scenarios/ningbo/baseline.toml --lever programme.shuangbai.failure_probability \
            --range 0:1 --largest --target T17 --set programme.shuangbai.investment=1500 \
            --set firms.enabled=false       (the largest failure rate still acceptable)
A range starting with a minus sign needs '=': --range=-0.02:0.05.
)";

// The value as it is passed to --set: the shortest text that reads back as the same double
// (so that 'icsim run --set KEY=VALUE' with the printed value reproduces the step exactly),
// always a TOML float unless the lever is an integer key.
std::string lever_text(double v, bool integer) {
  if (integer) return std::to_string(static_cast<long long>(v));
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

// The lever's unit as printed: the key's (a money key in the table's money unit, 亿元), "per
// year" for growth rates, else "" (a pure number).
std::string lever_unit(const std::string& lever, const std::string& money_unit) {
  const scenario::KeyInfo* key = scenario::addressed_key(lever);
  if (key == nullptr) return "";
  const std::string unit(key->unit);
  if (unit == "money") return short_unit(money_unit);
  if (unit.empty() && key->type == scenario::KeyType::growth) return "per year";
  return unit;
}

// The lever's unit in the seek file: the key's, a money key's the table's money unit in full
// ("CNY 100 million"), growth rates "1/year", else "1".
std::string lever_file_unit(const std::string& lever, const std::string& money_unit) {
  const scenario::KeyInfo* key = scenario::addressed_key(lever);
  const std::string unit = key == nullptr ? "" : std::string(key->unit);
  if (unit == "money") return money_unit;
  if (unit.empty())
    return key != nullptr && key->type == scenario::KeyType::growth ? "1/year" : "1";
  return unit;
}

std::string unit_suffix(const std::string& unit) { return unit.empty() ? "" : " " + unit; }

// For display: six significant digits ("24.3", not "24.300000000000001").
std::string significant(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

double parse_number(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(v))
    throw InputError(what + ": '" + text + "' is not a number");
  return v;
}

std::pair<double, double> parse_range(const std::string& text) {
  // The separator is the first ':' after the first character (a minus sign may lead).
  const auto colon = text.find(':', 1);
  if (colon == std::string::npos)
    throw InputError("--range: expected LO:HI (e.g. 570:3000), got '" + text + "'");
  const double lo = parse_number(text.substr(0, colon), "--range LO");
  const double hi = parse_number(text.substr(colon + 1), "--range HI");
  if (!(lo < hi))
    throw InputError("--range " + text + ": LO must be below HI (for the largest value, give " +
                     "the range as LO:HI and add --largest)");
  return {lo, hi};
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string probability_cell(const experiment::TargetProbability& t, double goal) {
  return fixed(t.probability, 3) + " [" + fixed(t.low, 2) + ", " + fixed(t.high, 2) + "]" +
         (t.probability >= goal ? " *" : "  ");
}

// Whether the lever takes whole numbers (the key list says so, e.g. programme.NAME.projects, and
// the range ends are whole), after probing it at both ends with the schema pass: an unknown key,
// a key that is not a number, or an end outside the key's allowed range fails here, before any
// step.
bool probe_lever(const std::string& scenario_path, const std::vector<scenario::Override>& base,
                 const std::string& lever, double low, double high, const std::string& range_text) {
  const scenario::KeyInfo* key = scenario::addressed_key(lever);
  const bool integer =
      key &&
      (key->type == scenario::KeyType::integer || key->type == scenario::KeyType::year ||
       key->type == scenario::KeyType::year_from_base) &&
      std::floor(low) == low && std::floor(high) == high;
  try {
    for (const double v : {low, high}) {
      auto overrides = base;
      overrides.push_back({lever, lever_text(v, integer)});
      scenario::parse_scenario(scenario_path, overrides);
    }
  } catch (const InputError& e) {
    throw InputError("--lever " + lever + " --range " + range_text +
                     ": the lever must be a numeric scenario key that accepts both ends of "
                     "the range; setting it fails:\n" +
                     e.what());
  }
  return integer;
}

// The --target ids (each once, in the order given): each must name a target of the scenario
// that it evaluates.
std::vector<std::string> checked_targets(const scenario::Scenario& plain,
                                         const std::vector<std::string>& target_args) {
  std::vector<std::string> target_ids;
  for (const auto& t : target_args)
    if (std::find(target_ids.begin(), target_ids.end(), t) == target_ids.end())
      target_ids.push_back(t);
  std::vector<std::string> known;
  for (const auto& t : plain.targets) known.push_back(t.id);
  experiment::Projection years_only;  // no replications: only which targets can be judged
  for (int y = plain.base_year; y <= plain.horizon; ++y) years_only.years.push_back(y);
  const experiment::TargetReport report = experiment::evaluate_targets(plain.targets, years_only);
  for (const auto& id : target_ids) {
    if (std::find(known.begin(), known.end(), id) == known.end())
      throw InputError("--target " + id + ": no target with id '" + id +
                       "' in the scenario (ids: " +
                       (known.empty() ? std::string("none") : join(known, ", ")) + ")");
    for (const auto& [t, reason] : report.not_evaluated)
      if (t->id == id)
        throw InputError("--target " + id + ": the target is not evaluated in this scenario (" +
                         reason + ")");
  }
  return target_ids;
}

// The seek file (docs/results.md, "Seek files"); not committed.
void write_seek_file(output::ResultFile& file, const scenario::Scenario& plain, int threads,
                     const std::string& money_unit, const std::string& lever,
                     const std::vector<std::string>& target_text,
                     const experiment::SeekOptions& options, const experiment::SeekResult& result) {
  output::SeekOutputs outputs;
  outputs.provenance = {plain.name, plain.seed, plain.replications, threads, 1, money_unit};
  outputs.scenario_text = plain.resolved_toml;
  outputs.scenario_file = plain.file;
  outputs.base_year = plain.base_year;
  outputs.horizon = plain.horizon;
  outputs.lever = lever;
  outputs.lever_unit = lever_file_unit(lever, money_unit);
  outputs.target_text = target_text;
  outputs.options = &options;
  outputs.result = &result;
  output::write_seek(file, outputs);
}

// The steps and the answer per target as tables, then the answer for all targets and a note on
// any warnings.
void print_search(const experiment::SeekResult& result, const experiment::SeekOptions& options,
                  const std::string& lever, const std::string& unit,
                  const std::vector<std::string>& target_text) {
  const std::string in_unit = unit.empty() ? "" : " (" + unit + ")";
  const std::vector<std::string>& target_ids = options.targets;
  const double goal = options.goal;
  const bool integer = options.integer;
  const bool largest = options.direction == experiment::SeekOptions::Direction::largest;
  std::cout << "\nSteps (P(reached) with its 95 % Wilson interval; * meets P >= " << goal << "):\n";
  std::vector<std::string> header{"step", lever + in_unit};
  std::vector<bool> right{true, true};
  for (const auto& id : target_ids) {
    header.push_back(id);
    right.push_back(true);
  }
  TextTable steps(header, right);
  for (std::size_t i = 0; i < result.steps.size(); ++i) {
    std::vector<std::string> row{std::to_string(i), lever_text(result.steps[i].value, integer)};
    for (const auto& t : result.steps[i].per_target) row.push_back(probability_cell(t, goal));
    steps.add_row(row);
  }
  steps.print(std::cout);

  std::cout << "\nAnswers (the " << experiment::to_string(options.direction) << " " << lever
            << " with P >= " << goal << "; bracket ["
            << (largest ? "meets, misses" : "misses, meets") << "], tolerance "
            << significant(result.tolerance) << unit_suffix(unit) << "):\n";
  TextTable answers(
      {"target", "status", "answer" + in_unit, "bracket" + in_unit, "P at answer [95% CI]"},
      {false, false, true, true, true});
  for (std::size_t k = 0; k < target_ids.size(); ++k) {
    const auto& a = result.answers[k];
    auto show = [&](double v) { return std::isnan(v) ? std::string("-") : lever_text(v, integer); };
    std::string p_at = "-";
    for (const auto& s : result.steps)
      if (!std::isnan(a.answer) && s.value == a.answer)
        p_at = probability_cell(s.per_target[k], goal);
    std::string bracket = "[";
    bracket.append(show(a.bracket_low)).append(", ").append(show(a.bracket_high)).append("]");
    answers.add_row({target_ids[k] + " " + target_text[k],
                     experiment::to_string(a.status, options.direction), show(a.answer), bracket,
                     p_at});
  }
  answers.print(std::cout);
  if (target_ids.size() > 1)
    std::cout << "\nAll targets: "
              << (std::isnan(result.answer_all)
                      ? std::string("no value in the range meets every target")
                      : lever + " = " + lever_text(result.answer_all, integer) + unit_suffix(unit))
              << "\n";
  if (!result.warnings.empty())
    std::cout << "\n"
              << result.warnings.size() << " warning" << (result.warnings.size() == 1 ? "" : "s")
              << " above: where P is not monotone in the lever the answers are the bisection's, "
                 "not a scan of the range; a lever without effect on a target cannot reach it\n";
}

// The command line of `icsim seek`.
struct SeekArguments {
  std::string scenario_path, out_path, lever, range_text;
  std::vector<std::string> target_args, sets;
  double goal = 0.8, tolerance = 0;
  long replications = 0;
  long long seed = -1;
  int threads = 0;
  bool largest = false, quiet = false, progress_always = false;
  bool replications_given = false, seed_given = false;
};

// Reads and checks the command line; false if it only asked for help (already printed).
bool parse_seek_arguments(int argc, char** argv, SeekArguments& a) {
  po::options_description visible(
      "Usage: icsim seek SCENARIO.toml --lever KEY --range LO:HI --target ID [--target ID ...]\n"
      "                  [options]\n\n"
      "Goal seeking: the smallest value of one numeric scenario key (the lever) for which each\n"
      "target is reached with probability >= p (--largest: the largest value, for levers that\n"
      "make a target less likely as they rise). Bisection on LO:HI, assuming the probability\n"
      "is monotone in the lever; every step runs the scenario with the same seed (common random\n"
      "numbers), so two steps differ only by the lever. Cost: steps x replications (about\n"
      "2 + log2(100) = 9 steps per target with the default tolerance; targets share steps).\n"
      "Prints every step and the answer per target with its bracket (docs/seek.md).\n\n"
      "Options");
  visible.add_options()("help,h", "this help")(
      "lever", po::value(&a.lever),
      "the scenario key to vary, as for --set: e.g. programme.shuangbai.investment, "
      "investment.output_per_investment, growth.final_demand.exports.mean, "
      "firms.land_supply_by_district.zhenhai (docs/scenario-reference.md)")(
      "range", po::value(&a.range_text), "LO:HI, the values searched (LO < HI)")(
      "target", po::value(&a.target_args)->composing(),
      "id of a target of the scenario (repeatable; each gets its own answer)")(
      "probability,p", po::value(&a.goal)->default_value(0.8, "0.8"),
      "the goal: P(target reached) >= this")(
      "largest", po::bool_switch(&a.largest),
      "seek the largest value meeting the goal (P falls as the lever rises)")(
      "tolerance", po::value(&a.tolerance),
      "stop when the bracket is at most this wide (default: 1 % of HI - LO; whole numbers "
      "for integer keys)")("out,o", po::value(&a.out_path),
                           "write the HDF5 seek file (docs/results.md, \"Seek files\")")(
      "replications,n", po::value(&a.replications),
      "replications per step (same as --set scenario.replications=N)")(
      "seed", po::value(&a.seed), "random seed of every step (same as --set scenario.seed=S)")(
      "threads,t", po::value(&a.threads),
      "threads (default: all cores; results do not depend on it)")(
      "set", po::value(&a.sets)->composing(),
      "override another scenario key, as for 'icsim run' (repeatable)")(
      "progress", po::bool_switch(&a.progress_always),
      "show replication progress even when stderr is not a terminal")(
      "quiet,q", po::bool_switch(&a.quiet), "print nothing but errors");
  po::options_description hidden;
  hidden.add_options()("scenario", po::value(&a.scenario_path));
  po::variables_map vm;
  if (parse_command_line(argc, argv, visible, hidden, "scenario", 1, "seek", kExamples, vm))
    return false;
  if (a.scenario_path.empty()) throw InputError("no scenario file given (see 'icsim seek --help')");
  // Before any work: -o must be a regular file or absent, not a device or the scenario.
  a.out_path = io::check_output_file(a.out_path, "-o", {a.scenario_path});
  if (a.lever.empty()) throw InputError("--lever KEY is required (see 'icsim seek --help')");
  if (a.range_text.empty()) throw InputError("--range LO:HI is required (see 'icsim seek --help')");
  if (a.target_args.empty())
    throw InputError("at least one --target ID is required (see 'icsim seek --help')");
  if (!(a.goal > 0 && a.goal <= 1))
    throw InputError("--probability: expected a probability in (0, 1], got " + fixed(a.goal, 3));
  if (vm.count("tolerance") && !(a.tolerance > 0 && std::isfinite(a.tolerance)))
    throw InputError("--tolerance: expected a positive number");
  a.replications_given = vm.count("replications") != 0;
  a.seed_given = vm.count("seed") != 0;
  return true;
}

// The overrides of every step, without the lever.
std::vector<scenario::Override> base_overrides(const SeekArguments& a) {
  std::vector<scenario::Override> base;
  for (const auto& s : a.sets) {
    base.push_back(scenario::parse_override(s));
    if (base.back().key == a.lever)
      throw InputError("--set " + s + ": the lever '" + a.lever +
                       "' is set by the search; do not also --set it");
  }
  if (a.replications_given)
    base.push_back({"scenario.replications", std::to_string(a.replications)});
  if (a.seed_given) base.push_back({"scenario.seed", std::to_string(a.seed)});
  if (a.lever == "scenario.seed" || a.lever == "scenario.replications")
    throw InputError("--lever " + a.lever +
                     ": not a lever (the search keeps the seed and the replications fixed)");
  return base;
}

void print_intro(const scenario::Scenario& plain, int used_threads,
                 const experiment::SeekOptions& options, const std::string& lever,
                 const std::string& unit) {
  const bool integer = options.integer;
  std::cout << "Scenario '" << plain.name << "': " << plain.replications
            << " replications per step, seed " << plain.seed << ", " << used_threads << " thread"
            << (used_threads == 1 ? "" : "s") << "\n"
            << "Seeking the " << experiment::to_string(options.direction) << " " << lever
            << (integer ? " (whole numbers)" : "") << " in [" << lever_text(options.low, integer)
            << ", " << lever_text(options.high, integer) << "]" << unit_suffix(unit)
            << " with P >= " << options.goal << " for " << join(options.targets, ", ") << "\n";
}

// What every step shares.
struct StepSetup {
  const SeekArguments& args;
  const std::vector<scenario::Override>& base;
  bool integer;
  const std::vector<std::string>& target_ids;
  int threads;
  std::string unit;  // the lever's, as printed
};

// One step: the scenario projected with the lever at v, its target probabilities printed
// (unless quiet); the money unit of the first step's table is kept for the file.
std::vector<experiment::TargetProbability> run_step(const StepSetup& setup, int step_number,
                                                    double v, std::string& money_unit) {
  const SeekArguments& a = setup.args;
  const bool integer = setup.integer;
  const std::vector<std::string>& target_ids = setup.target_ids;
  const auto step_started = std::chrono::steady_clock::now();
  auto overrides = setup.base;
  overrides.push_back({a.lever, lever_text(v, integer)});
  const scenario::LoadedScenario loaded = scenario::load_scenario(a.scenario_path, overrides);
  if (money_unit.empty()) money_unit = loaded.table.meta.money_unit;
  Progress progress("step " + std::to_string(step_number) + ": replications",
                    a.quiet             ? Progress::Mode::never
                    : a.progress_always ? Progress::Mode::always
                                        : Progress::Mode::automatic);
  experiment::RunOptions run;
  run.threads = setup.threads;
  run.progress = [&](int done, int total) { progress.update(done, total); };
  const experiment::EvaluatedPoint point =
      experiment::evaluate_point(experiment::PreparedScenario(loaded), run, false);
  progress.finish();
  const std::vector<experiment::TargetProbability> out = experiment::target_probabilities(
      point.verdicts.targets, target_ids, "with " + a.lever + " = " + lever_text(v, integer));
  if (!a.quiet) {
    std::cout << "step " << step_number << ": " << a.lever << " = " << lever_text(v, integer)
              << unit_suffix(setup.unit);
    for (std::size_t k = 0; k < target_ids.size(); ++k)
      std::cout << "  " << target_ids[k] << " " << probability_cell(out[k], a.goal);
    std::cout << "  ("
              << human_duration(
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - step_started)
                         .count())
              << ")\n"
              << std::flush;
  }
  return out;
}

}  // namespace

int seek_command(int argc, char** argv) {
  // Its steps depend on each other, so every rank would run the whole search and write the same
  // file: refused rather than wasted.
  if (Processes::world().size() > 1)
    throw InputError(
        "icsim seek runs in one process (its steps follow one another; each step "
        "uses all the threads given): start it without mpirun");
  SeekArguments args;
  if (!parse_seek_arguments(argc, argv, args)) return 0;
  const std::string& lever = args.lever;
  const bool quiet = args.quiet;
  double low = 0, high = 0;
  std::tie(low, high) = parse_range(args.range_text);

  const std::vector<scenario::Override> base = base_overrides(args);

  // The scenario without the lever (schema pass; it must be valid on its own).
  const scenario::Scenario plain = scenario::parse_scenario(args.scenario_path, base);

  const bool integer = probe_lever(args.scenario_path, base, lever, low, high, args.range_text);

  const std::vector<std::string> target_ids = checked_targets(plain, args.target_args);
  std::vector<std::string> target_text;
  for (const auto& id : target_ids)
    for (const auto& t : plain.targets)
      if (t.id == id) target_text.push_back(t.text);

  const auto started = std::chrono::steady_clock::now();
  const int used_threads = configure_threads(args.threads);
  std::unique_ptr<output::ResultFile> file;
  if (!args.out_path.empty()) file = std::make_unique<output::ResultFile>(args.out_path);

  experiment::SeekOptions options;
  options.low = low;
  options.high = high;
  options.goal = args.goal;
  options.direction = args.largest ? experiment::SeekOptions::Direction::largest
                                   : experiment::SeekOptions::Direction::smallest;
  options.tolerance = args.tolerance;
  options.integer = integer;
  options.targets = target_ids;

  // The table's money unit, for the lever's unit (the scenario's data loaded once without it).
  std::string money_unit = scenario::load_scenario(args.scenario_path, base).table.meta.money_unit;
  const std::string unit = lever_unit(lever, money_unit);
  if (!quiet) print_intro(plain, used_threads, options, lever, unit);

  int step_number = 0;
  const StepSetup setup{args, base, integer, target_ids, used_threads, unit};
  auto evaluate = [&](double v) { return run_step(setup, step_number++, v, money_unit); };
  std::size_t warnings_shown = 0;
  auto observe = [&](const experiment::SeekResult& r) {
    for (; warnings_shown < r.warnings.size(); ++warnings_shown)
      if (!quiet) std::cerr << "icsim seek: warning: " << r.warnings[warnings_shown] << "\n";
  };

  const experiment::SeekResult result = experiment::seek(options, evaluate, observe);
  observe(result);

  if (file) {
    write_seek_file(*file, plain, used_threads, money_unit, lever, target_text, options, result);
    file->commit();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (quiet) return 0;

  print_search(result, options, lever, unit, target_text);
  std::cout << "\n"
            << result.steps.size() << " steps x " << plain.replications << " replications in "
            << human_duration(seconds) << "; "
            << (file ? "results in " + args.out_path : std::string("no result file (use -o FILE)"))
            << "\n";
  return 0;
}

}  // namespace icsim::cli
