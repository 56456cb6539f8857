// `icsim explain RESULT.h5 [TARGET ...]`: why each verdict is what it is (docs/explain.md): the
// target's series year by year with the share of replications past the threshold, the firm and
// land model's constraints in the years up to the target's year (binding ones marked), and the
// flags of verdicts that do not come from the model's uncertainty. The analysis is
// experiment/explain.hpp; this file reads, selects and prints.
#include <algorithm>
#include <boost/program_options.hpp>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/explain.hpp"
#include "cli/options.hpp"
#include "cli/result_run.hpp"
#include "cli/text_table.hpp"
#include "icsim/common/error.hpp"
#include "icsim/experiment/sensitivity_evidence.hpp"

namespace po = boost::program_options;

namespace icsim::cli {
namespace {

const char* const kExplainExamples =
    "Examples:\n"
    "  icsim run scenarios/ningbo/baseline.toml -o baseline.h5\n"
    "  icsim explain baseline.h5 T17             (one target)\n"
    "  icsim explain baseline.h5                 (every evaluated target)\n"
    "  icsim explain sweep.h5 T17 --point 4      (a point of a sweep)\n"
    "  icsim sensitivity scenarios/ningbo/baseline.toml --parameters "
    "scenarios/ningbo/sensitivity.toml -o morris.h5\n"
    "  icsim explain baseline.h5 T17 --sensitivity morris.h5   (with its dominant parameters)\n";

std::string share_text(double share) { return fixed(100.0 * share, 0) + " %"; }

std::string unit_of(const experiment::Constraint& c, const std::string& money_unit) {
  return c.unit == "money" ? short_unit(money_unit) : c.unit;
}

void print_constraint(std::ostream& out, const experiment::Constraint& c,
                      const std::string& money_unit) {
  const std::string u = unit_of(c, money_unit);
  out << "  " << c.name << (c.binding ? " (BINDS)" : "") << ": " << c.reading << "\n";
  TextTable t({"year", "value (median)", "limit (median)", "binds in"}, {true, true, true, true});
  for (const auto& y : c.years)
    t.add_row({std::to_string(y.year), amount(y.value, u), amount(y.limit, u),
               c.name == "land" || c.name == "capacity" ? share_text(y.share) : "-"});
  std::ostringstream table;
  t.print(table);
  std::istringstream lines(table.str());
  for (std::string line; std::getline(lines, line);) out << "    " << line << "\n";
}

std::string effects_text(const experiment::SensitivityEvidence& e,
                         const std::vector<experiment::ParameterEffect>& effects) {
  if (effects.empty()) return "no parameter moves it";
  constexpr std::size_t kShown = 3;
  const bool morris = e.method == "morris";
  std::string out;
  for (std::size_t k = 0; k < std::min(kShown, effects.size()); ++k) {
    const auto& x = effects[k];
    out += (k ? "; " : "") + e.parameters[x.parameter] + " (" + (morris ? "mu* " : "ST ") +
           fixed(x.importance, 3);
    if (morris) out += x.mean_effect > 0 ? ", raises it" : x.mean_effect < 0 ? ", lowers it" : "";
    out += ")";
  }
  if (effects.size() > kShown) out += "; " + std::to_string(effects.size() - kShown) + " more";
  return out;
}

void print_dominant(std::ostream& out, const experiment::SensitivityEvidence& e,
                    const std::string& id) {
  const auto it = e.targets.find(id);
  if (it == e.targets.end()) {
    out << "  dominant parameters: the target is not in the sensitivity analysis " << e.path
        << "\n";
    return;
  }
  out << "  dominant parameters (" << e.method << ", " << e.path << "; over the whole range):\n"
      << "    probability:  " << effects_text(e, it->second.probability) << "\n"
      << "    median value: " << effects_text(e, it->second.value) << "\n";
}

}  // namespace

void print_levers_without_effect(std::ostream& out, const experiment::SensitivityEvidence& e) {
  out << "LEVERS without effect in the sensitivity analysis " << e.path << " (" << e.method << ", "
      << e.parameters.size() << " parameters): ";
  if (e.without_effect.empty()) {
    out << "none; every parameter moves some output\n";
    return;
  }
  out << e.without_effect.size() << " move no target and no chosen series over their range\n";
  for (const auto i : e.without_effect)
    out << "  FLAG lever_without_effect: " << parameter_text(e, i) << "\n";
}

void print_explanation(std::ostream& out, experiment::Explanation e, const std::string& money_unit,
                       const experiment::SensitivityEvidence* evidence) {
  const auto& t = e.target;
  if (evidence != nullptr)
    if (auto flag = experiment::lever_flag(*evidence, t.id)) e.flags.push_back(*flag);
  const std::string unit = short_unit(t.unit);
  out << t.id << " " << t.text << "\n";
  out << "  " << t.kind << " target: " << (t.metric.empty() ? "-" : t.metric) << " in " << t.year
      << " " << t.op << " " << with_unit(t.threshold, t.unit)
      << "; P(reached) = " << fixed(e.probability, 2) << " over " << t.reached.size()
      << " replications\n";
  if (e.flags.empty()) {
    out << "  flags: none\n";
  } else {
    for (const auto& f : e.flags) out << "  FLAG " << f.code << ": " << f.message << "\n";
  }
  if (evidence != nullptr) print_dominant(out, *evidence, t.id);
  out << "  the series"
      << (t.kind == "level" ? "" : " behind it (its level, not the " + t.kind + ")")
      << ", median and 90 % band" << (e.share_past.empty() ? "" : ", share past the threshold")
      << ":\n";
  std::vector<std::string> header{"year", "median", "5 %", "95 %"};
  if (!e.share_past.empty()) header.push_back("past threshold");
  TextTable s(header, std::vector<bool>(header.size(), true));
  const std::string series_unit = t.kind == "level" ? unit : std::string();
  for (std::size_t i = 0; i < e.series.size(); ++i) {
    const auto& y = e.series[i];
    std::vector<std::string> row{std::to_string(y.year), amount(y.median, series_unit),
                                 amount(y.p05, series_unit), amount(y.p95, series_unit)};
    if (!e.share_past.empty()) row.push_back(share_text(e.share_past[i]));
    s.add_row(row);
  }
  std::ostringstream table;
  s.print(table);
  std::istringstream lines(table.str());
  for (std::string line; std::getline(lines, line);) out << "    " << line << "\n";
  if (e.constraints.empty()) {
    out << "  constraints: none recorded (the run has no firm model and no years to the target)\n";
  } else {
    out << "  constraints in the years that matter (" << e.scope << "):\n";
    for (const auto& c : e.constraints) print_constraint(out, c, money_unit);
  }
}

int explain_command(int argc, char** argv) {
  std::vector<std::string> args;
  std::size_t point = 0;
  std::string sensitivity;
  po::options_description desc(
      "Usage: icsim explain RESULT.h5 [TARGET ...] [options]\n\n"
      "Why each verdict is what it is: the target's series year by year, the constraints that\n"
      "bind in the years up to the target's year, and flags for verdicts decided by the inputs\n"
      "rather than the model's uncertainty (docs/explain.md). Without TARGET: every evaluated\n"
      "target.\n\nOptions");
  // clang-format off
  desc.add_options()
    ("help,h", "this help")
    ("point", po::value(&point)->value_name("N"), "the sweep point when RESULT is a sweep")
    ("sensitivity", po::value(&sensitivity)->value_name("FILE.h5"), "a result of 'icsim sensitivity': each target's dominant parameters, flags for targets no parameter moves and for levers without effect");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("args", po::value(&args)->composing());
  po::variables_map vm;
  if (parse_command_line(argc, argv, desc, hidden, "args", -1, "explain", kExplainExamples, vm))
    return 0;
  if (args.empty()) throw InputError("expected a result file (see 'icsim explain --help')");
  const std::string path = args[0];
  const std::vector<std::string> wanted(args.begin() + 1, args.end());
  const ResultRun run = open_result_run(
      path, vm.count("point") ? std::optional<std::size_t>(point) : std::nullopt, true);
  std::vector<std::string> known;
  for (const auto& v : run.verdicts) known.push_back(v.id);
  for (const auto& id : wanted)
    if (std::find(known.begin(), known.end(), id) == known.end())
      throw InputError(path + ": no evaluated target '" + id + "' (evaluated: " +
                       (known.empty() ? std::string("none") : [&] {
                         std::string s;
                         for (const auto& k : known) s += (s.empty() ? "" : ", ") + k;
                         return s;
                       }()) +
                       ")");
  std::optional<experiment::SensitivityEvidence> evidence;
  if (!sensitivity.empty()) evidence = experiment::read_sensitivity_evidence(sensitivity);
  std::ostringstream out;
  bool first = true;
  for (const auto& v : run.verdicts) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), v.id) == wanted.end()) continue;
    if (!first) out << "\n";
    first = false;
    print_explanation(out, experiment::explain(run.projection, v), run.money_unit,
                      evidence ? &*evidence : nullptr);
  }
  if (first) out << path << ": the run has no evaluated targets.\n";
  if (evidence) {
    out << "\n";
    print_levers_without_effect(out, *evidence);
  }
  std::cout << out.str();
  return 0;
}

}  // namespace icsim::cli
