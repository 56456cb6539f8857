// `icsim run SCENARIO`: validate the scenario, project it over its Monte Carlo replications,
// judge every stated target, write the result file and print a verdict table.
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <tuple>
#include <utility>

#include "cli/commands.hpp"
#include "cli/ensemble_cli.hpp"
#include "cli/options.hpp"
#include "cli/progress.hpp"
#include "cli/score_tables.hpp"
#include "cli/text_table.hpp"
#include "icsim/common/error.hpp"
#include "icsim/common/threads.hpp"
#include "icsim/experiment/explain.hpp"
#include "icsim/experiment/projection.hpp"
#include "icsim/experiment/sensitivity_evidence.hpp"
#include "icsim/experiment/targets.hpp"
#include "icsim/io/atomic_file.hpp"
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
  icsim run scenarios/ningbo/baseline.toml --sensitivity morris.h5   (flags levers without effect)
  icsim run scenarios/ningbo/baseline.toml --shard 2/4 -o shard_2.h5   (then: icsim merge)
  mpirun -n 4 icsim run scenarios/ningbo/baseline.toml -o baseline.h5
  sbatch --array=1-4 --wrap 'icsim run baseline.toml --shard auto -o shard_$SLURM_ARRAY_TASK_ID.h5'
)";

std::string target_label(const scenario::Target& t) {
  return t.id + " " + (t.text.empty() ? t.series.metric : t.text);
}

// The document a target or figure comes from, as the scenario's `source` names it, without a
// quotation or web address: "seed 001 (2022 city plan): 重点推进…" -> "2022 city plan" (the
// bundled scenarios number their source documents "seed NNN (document)"), "甬党发〔2019〕38号;
// 十四五 proposal, daily.cnnb.com.cn/…" -> "甬党发〔2019〕38号; 十四五 proposal".
std::string source_document(const std::string& source) {
  std::string s = source.substr(0, source.find(": "));
  if (s.rfind("seed ", 0) == 0) {
    const auto open = s.find(" (");
    const auto close = s.rfind(')');
    if (open != std::string::npos && close != std::string::npos && close > open + 2)
      return s.substr(open + 2, close - open - 2);
  }
  // Cut before the first web address (a word with '/' and '.'), with its separator.
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find(' ', start);
    if (end == std::string::npos) end = s.size();
    const std::string word = s.substr(start, end - start);
    if (word.find('/') != std::string::npos && word.find('.') != std::string::npos) {
      s.resize(start);
      while (!s.empty() && (s.back() == ' ' || s.back() == ',' || s.back() == ';')) s.pop_back();
      break;
    }
    start = end + 1;
  }
  return s.empty() ? source : s;
}

// "T17 力争年度工业投资增长30% [2022 city plan]"
std::string labelled(const std::string& label, const std::string& source) {
  const std::string document = source_document(source);
  return document.empty() ? label : label + " [" + document + "]";
}

std::string range_text(double median, double p05, double p95, const std::string& unit) {
  return amount(median, unit) + " [" + amount(p05, unit) + ", " + amount(p95, unit) + "]";
}

// The verdicts that do not come from the model's uncertainty (experiment/explain.hpp), one line
// each; `icsim explain` says more.
// With a sensitivity analysis, also the targets no parameter of it moves, and its levers that
// move nothing.
void print_flags(std::ostream& out, const experiment::TargetReport& report,
                 const experiment::SensitivityEvidence* evidence) {
  std::vector<std::string> lines;
  for (const auto& o : report.evaluated) {
    auto flags = experiment::verdict_flags(o.value, o.reached, o.target->threshold);
    if (evidence != nullptr)
      if (auto flag = experiment::lever_flag(*evidence, o.target->id)) flags.push_back(*flag);
    for (const auto& f : flags) lines.push_back(o.target->id + " " + f.code + ": " + f.message);
  }
  if (evidence != nullptr)
    for (const auto i : evidence->without_effect)
      lines.push_back("lever_without_effect: " + experiment::parameter_text(*evidence, i) +
                      " moves no target and no chosen series of the sensitivity analysis " +
                      evidence->path);
  if (lines.empty()) return;
  out << "\nFlags (" << lines.size() << "; 'icsim explain RESULT TARGET' shows the series and "
      << "the constraints behind a verdict):\n";
  for (const auto& line : lines) out << "  " << line << "\n";
}

void print_run_summary(std::ostream& out, const scenario::LoadedScenario& loaded,
                       const experiment::TargetReport& report,
                       const results::Validation& validation,
                       const experiment::SensitivityEvidence* evidence) {
  const auto& s = loaded.scenario;
  if (report.evaluated.empty() && report.not_evaluated.empty())
    out << "\nThe scenario states no targets ([[target]] entries; docs/scenario-reference.md).\n";
  if (!report.evaluated.empty()) {
    out << "\nTargets (" << report.evaluated.size() << " evaluated; median value with its 90 % "
        << "band; probability with its 95 % Wilson interval):\n";
    TextTable table({"target [source document]", "year", "unit", "threshold",
                     "median value [5%, 95%]", "P(reached) [95% CI]", "first year"},
                    {false, true, false, true, true, true, true});
    for (const auto& o : report.evaluated) {
      const auto& t = *o.target;
      std::string threshold = std::string(t.op == scenario::Target::Op::at_least ? ">= " : "<= ") +
                              amount(t.threshold, t.unit);
      std::string prob = fixed(o.probability, 2) + " [" + fixed(o.interval.low, 2) + ", " +
                         fixed(o.interval.high, 2) + "]";
      std::string first = o.first_year_median ? fixed(*o.first_year_median, 0) : "never";
      table.add_row({labelled(target_label(t), t.source), std::to_string(t.year),
                     short_unit(t.unit), threshold,
                     range_text(o.value_median, o.value_p05, o.value_p95, t.unit), prob, first});
    }
    table.print(out);
    print_flags(out, report, evidence);
  }
  if (!report.not_evaluated.empty()) {
    out << "\nNot evaluated (" << report.not_evaluated.size() << "):\n";
    TextTable table({"target [source document]", "not evaluated: what it needs"});
    for (const auto& [t, reason] : report.not_evaluated)
      table.add_row({labelled(target_label(*t), t->source), reason});
    table.print(out);
  }
  if (!validation.empty()) {
    int comparable = 0;
    for (const auto& f : validation.figures) comparable += f.comparable ? 1 : 0;
    out << "\nBacktest: the projection scored against the reported figures ([[actual]]; "
        << s.base_year << " base; docs/score.md):\n";
    if (comparable > 0) print_figures(out, validation.figures, true);
    if (!validation.targets.empty()) {
      out << "\n";
      print_targets(out, validation.targets);
    }
    out << "\n";
    print_summary(out, validation.summary);
    if (comparable < static_cast<int>(validation.figures.size())) {
      out << "\n";
      print_not_comparable(out, validation.figures);
    }
  }
}

}  // namespace

int run_command(int argc, char** argv) {
  EnsembleArguments arguments;
  po::variables_map vm;
  std::string sensitivity;
  po::options_description own("Explanations");
  own.add_options()(
      "sensitivity", po::value(&sensitivity)->value_name("FILE.h5"),
      "a result of 'icsim sensitivity' on this scenario: flags the targets no parameter of it "
      "moves (no_lever_effect) and its levers that move nothing (lever_without_effect)");
  if (!parse_ensemble_command(
          argc, argv, "run",
          "Usage: icsim run SCENARIO.toml [options]\n\n"
          "Projects a scenario over its Monte Carlo replications, judges every target it states\n"
          "(probability with a 95 % Wilson interval, median value, first year reached) and prints\n"
          "a summary. The scenario is validated first; nothing is written if it is invalid. A\n"
          "[sweep] section is ignored here (see 'icsim sweep'). Under mpirun the replications are\n"
          "shared among the ranks and rank 0 writes the same file one process would.\n\n"
          "Options",
          kExamples, arguments, vm, &own))
    return 0;
  std::optional<experiment::SensitivityEvidence> evidence;
  if (!sensitivity.empty()) {
    io::check_output_file(arguments.out_path, "-o", {arguments.scenario_path, sensitivity});
    evidence = experiment::read_sensitivity_evidence(sensitivity);
  }

  const scenario::LoadedScenario loaded =
      scenario::load_scenario(arguments.scenario_path, scenario_overrides(arguments, vm));
  const auto& s = loaded.scenario;
  experiment::EnsembleSpec spec;
  spec.base = &loaded;
  const EnsembleRun run =
      execute(arguments, spec, std::to_string(s.replications) + " replications");
  if (!run.result.root || arguments.quiet) return 0;
  print_run_summary(std::cout, loaded, run.result.targets.front(), run.result.validation,
                    evidence ? &*evidence : nullptr);
  std::cout << "\n"
            << run.result.replications_held << " replications in " << human_duration(run.seconds)
            << "; "
            << (arguments.out_path.empty() ? std::string("no result file (use -o FILE)")
                                           : "results in " + arguments.out_path)
            << "\n";
  return 0;
}

}  // namespace icsim::cli
