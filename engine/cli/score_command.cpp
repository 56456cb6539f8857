// `icsim score RESULT.h5 --against OBSERVED.csv`: forecast scores of a run against published
// figures (docs/score.md): for every figure that measures a series of the run, the median, its
// error, whether the figure lies in the 50 % and 90 % bands, and the CRPS; for every level target
// the figures settle, the Brier and log scores of its probability; band coverage, mean relative
// CRPS and the Brier skill against the climatological reference. Matching and scores are
// experiment/validation.hpp and experiment/scores.hpp; this file reads, prints and writes.
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/result_run.hpp"
#include "cli/text_table.hpp"
#include "icsim/common/error.hpp"
#include "icsim/experiment/validation.hpp"
#include "icsim/io/atomic_file.hpp"
#include "icsim/io/csv.hpp"
#include "icsim/output/result_file.hpp"
#include "icsim/output/result_reader.hpp"
#include "icsim/output/run_result.hpp"

namespace po = boost::program_options;

namespace icsim::cli {
namespace {

using experiment::FigureScore;
using experiment::ScoreSummary;
using experiment::TargetScore;

const char* const kScoreExamples =
    "Examples:\n"
    "  icsim run scenarios/ningbo/backtest_2017.toml -n 200 -o backtest.h5\n"
    "  icsim score backtest.h5 --against scenarios/data/ningbo/observed.csv\n"
    "  icsim score backtest.h5 --against scenarios/data/ningbo/observed.csv --csv scores.csv "
    "-o scores.h5\n";

std::string yes_no(bool b) { return b ? "yes" : "no"; }
std::string sample_text(bool in_sample) { return in_sample ? "in" : "out"; }
std::string share(int count, int of) {
  if (of == 0) return "-";
  return std::to_string(count) + "/" + std::to_string(of) + " (" + fixed(100.0 * count / of, 0) +
         " %)";
}

void print_figures(std::ostream& out, const std::vector<FigureScore>& figures) {
  TextTable t({"figure", "year", "sample", "observed", "median", "90 % band", "error", "in 50 %",
               "in 90 %", "CRPS", "CRPS/|obs|"},
              {false, true, false, true, true, true, true, false, false, true, true});
  for (const auto& f : figures) {
    if (!f.comparable) continue;
    const std::string& u = f.figure.unit;
    t.add_row({f.figure.id, std::to_string(f.figure.year), sample_text(f.in_sample),
               with_unit(f.figure.value, u), with_unit(f.median, u),
               amount(f.p05, u) + " - " + amount(f.p95, u), fixed(f.error_percent, 1) + " %",
               yes_no(f.in_band_50), yes_no(f.in_band_90), with_unit(f.crps, u),
               fixed(f.crps_relative, 3)});
  }
  t.print(out);
}

void print_targets(std::ostream& out, const std::vector<TargetScore>& targets) {
  TextTable t({"target", "year", "threshold", "observed", "reached", "P", "Brier", "log score"},
              {false, true, true, true, false, true, true, true});
  for (const auto& s : targets)
    t.add_row({s.target, std::to_string(s.year), s.op + " " + with_unit(s.threshold, s.unit),
               with_unit(s.observed, s.unit), yes_no(s.reached), fixed(s.probability, 3),
               fixed(s.brier, 3), fixed(s.log_score, 3)});
  t.print(out);
}

void print_not_comparable(std::ostream& out, const std::vector<FigureScore>& figures) {
  TextTable t({"figure", "metric", "year", "why not comparable"});
  for (const auto& f : figures)
    if (!f.comparable)
      t.add_row({f.figure.id, f.figure.metric, std::to_string(f.figure.year), f.reason});
  t.print(out);
}

void print_summary(std::ostream& out, const ScoreSummary& s) {
  TextTable t({"", "figures", "in 50 % band", "in 90 % band", "mean CRPS/|obs|"},
              {false, true, true, true, true});
  for (const auto& [name, c] :
       {std::pair{"out of sample", s.out_of_sample}, std::pair{"in sample", s.in_sample}})
    t.add_row({name, std::to_string(c.figures), share(c.in_band_50, c.figures),
               share(c.in_band_90, c.figures), fixed(c.mean_crps_relative, 3)});
  t.print(out);
  if (s.targets == 0) {
    out << "No plan target's outcome is known from the figures.\n";
    return;
  }
  out << "Targets with a known outcome: " << s.targets << ", reached " << s.reached
      << ". Brier score " << fixed(s.brier, 3)
      << ", climatological reference (P = " << fixed(static_cast<double>(s.reached) / s.targets, 3)
      << " for every target) " << fixed(s.brier_reference, 3) << ", Brier skill score "
      << fixed(s.brier_skill, 3) << "; mean log score " << fixed(s.log_score, 3) << " nats.\n";
}

std::string csv_or_empty(double v, bool present) {
  return present && std::isfinite(v) ? io::csv_number(v) : std::string();
}

void write_csv(io::StagedFile& out, const std::vector<FigureScore>& figures) {
  out << "id,metric,scope,year,observed,unit,status,comparable,reason,sample,median,p05,p25,p75,"
         "p95,error_percent,in_band_50,in_band_90,crps,crps_relative\n";
  for (const auto& f : figures) {
    const bool c = f.comparable;
    out << io::csv_escape(f.figure.id) << ',' << io::csv_escape(f.figure.metric) << ','
        << io::csv_escape(f.figure.scope) << ',' << f.figure.year << ','
        << io::csv_number(f.figure.value) << ',' << io::csv_escape(f.figure.unit) << ','
        << io::csv_escape(f.figure.status) << ',' << (c ? "1" : "0") << ','
        << io::csv_escape(f.reason) << ',' << (f.in_sample ? "in" : "out") << ','
        << csv_or_empty(f.median, c) << ',' << csv_or_empty(f.p05, c) << ','
        << csv_or_empty(f.p25, c) << ',' << csv_or_empty(f.p75, c) << ',' << csv_or_empty(f.p95, c)
        << ',' << csv_or_empty(f.error_percent, c) << ',' << (c ? (f.in_band_50 ? "1" : "0") : "")
        << ',' << (c ? (f.in_band_90 ? "1" : "0") : "") << ',' << csv_or_empty(f.crps, c) << ','
        << csv_or_empty(f.crps_relative, c) << '\n';
  }
}

void write_h5(const std::string& path, const std::string& result_path,
              const std::string& observed_path, const ResultRun& run,
              const std::vector<FigureScore>& figures, const std::vector<TargetScore>& targets,
              const ScoreSummary& s) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  output::ResultFile file(path);
  output::write_provenance(
      file, {run.scenario_name, run.seed, run.projection.replications, 1, 1, run.money_unit});
  file.set_attribute("base_year", std::int64_t{run.base_year});
  file.set_attribute("source_result", result_path);
  file.set_attribute("observed_file", observed_path);
  output::Group g = file.group("validation");
  g.set_attribute("observed_file", observed_path);
  g.set_attribute("base_year", std::int64_t{run.base_year});
  g.set_attribute("replications", std::int64_t{run.projection.replications});
  g.set_attribute("quantiles", std::string("linear interpolation between order statistics"));
  g.set_attribute("log_score_clip", 1.0 / (2.0 * run.projection.replications));
  const std::pair<const char*, const experiment::Coverage*> parts[] = {
      {"out_of_sample", &s.out_of_sample}, {"in_sample", &s.in_sample}};
  for (const auto& [name, c] : parts) {
    const std::string n(name);
    g.set_attribute(n + "_figures", std::int64_t{c->figures});
    g.set_attribute(n + "_in_band_50", std::int64_t{c->in_band_50});
    g.set_attribute(n + "_in_band_90", std::int64_t{c->in_band_90});
    g.set_attribute(n + "_coverage_50", c->figures ? double(c->in_band_50) / c->figures : kNaN);
    g.set_attribute(n + "_coverage_90", c->figures ? double(c->in_band_90) / c->figures : kNaN);
    g.set_attribute(n + "_mean_crps_relative", c->mean_crps_relative);
  }
  g.set_attribute("targets_scored", std::int64_t{s.targets});
  g.set_attribute("targets_reached", std::int64_t{s.reached});
  g.set_attribute("brier", s.brier);
  g.set_attribute("brier_reference", s.brier_reference);
  g.set_attribute("brier_skill", s.brier_skill);
  g.set_attribute("log_score", s.log_score);

  if (!figures.empty()) {
    std::vector<std::string> ids, metrics, scopes, units, statuses, reasons;
    std::vector<std::int64_t> years;
    std::vector<std::int8_t> comparable, in_sample, in50, in90;
    std::map<std::string, std::vector<double>> num;
    for (const auto& f : figures) {
      ids.push_back(f.figure.id);
      metrics.push_back(f.figure.metric);
      scopes.push_back(f.figure.scope);
      units.push_back(f.figure.unit);
      statuses.push_back(f.figure.status);
      reasons.push_back(f.reason);
      years.push_back(f.figure.year);
      comparable.push_back(f.comparable ? 1 : 0);
      in_sample.push_back(f.in_sample ? 1 : 0);
      in50.push_back(f.comparable && f.in_band_50 ? 1 : 0);
      in90.push_back(f.comparable && f.in_band_90 ? 1 : 0);
      const auto put = [&](const char* k, double v) { num[k].push_back(f.comparable ? v : kNaN); };
      num["observed"].push_back(f.figure.value);
      put("median", f.median);
      put("p05", f.p05);
      put("p25", f.p25);
      put("p75", f.p75);
      put("p95", f.p95);
      put("error_percent", f.error_percent);
      put("crps", f.crps);
      put("crps_relative", f.crps_relative);
    }
    g.add_dimension("figure", ids, "observed figure (id in the observed file)");
    g.write_strings("metric", "figure", metrics, {"", "series the figure measures", {}});
    g.write_strings("scope", "figure", scopes, {"", "area the figure covers", {}});
    g.write_strings("unit", "figure", units, {"", "unit of the figure and its scores", {}});
    g.write_strings("status", "figure", statuses, {"", "verified, derived or unverified", {}});
    g.write_strings("reason", "figure", reasons,
                    {"", "why not comparable (empty: comparable)", {}});
    g.write("year", {"figure"}, years, {"year", "year of the figure", {}});
    g.write("comparable", {"figure"}, comparable, {"1", "1: the figure measures a series", {}});
    g.write("in_sample", {"figure"}, in_sample, {"1", "1: year <= base year", {}});
    g.write("in_band_50", {"figure"}, in50, {"1", "1: inside the central 50 % band", {}});
    g.write("in_band_90", {"figure"}, in90, {"1", "1: inside the central 90 % band", {}});
    const std::pair<const char*, const char*> described[] = {
        {"observed", "observed value"},
        {"median", "ensemble median"},
        {"p05", "5 % quantile"},
        {"p25", "25 % quantile"},
        {"p75", "75 % quantile"},
        {"p95", "95 % quantile"},
        {"error_percent", "(median - observed) / observed * 100"},
        {"crps", "continuous ranked probability score (the figure's unit)"},
        {"crps_relative", "CRPS / |observed|"}};
    for (const auto& [name, text] : described) {
      const std::string n(name);
      const bool unitless = n == "error_percent" || n == "crps_relative";
      g.write(n, {"figure"}, num[n],
              {unitless ? (n == "error_percent" ? "percent" : "1") : "see unit", text, {}});
    }
  }
  if (!targets.empty()) {
    std::vector<std::string> ids, figs, ops, units;
    std::vector<std::int64_t> years;
    std::vector<std::int8_t> reached, in_sample;
    std::vector<double> thresholds, observed, probability, brier, logs;
    for (const auto& t : targets) {
      ids.push_back(t.target);
      figs.push_back(t.figure);
      ops.push_back(t.op);
      units.push_back(t.unit);
      years.push_back(t.year);
      reached.push_back(t.reached ? 1 : 0);
      in_sample.push_back(t.in_sample ? 1 : 0);
      thresholds.push_back(t.threshold);
      observed.push_back(t.observed);
      probability.push_back(t.probability);
      brier.push_back(t.brier);
      logs.push_back(t.log_score);
    }
    g.add_dimension("scored_target", ids, "target whose outcome an observed figure settles");
    g.write_strings("target_figure", "scored_target", figs, {"", "the figure that settles it", {}});
    g.write_strings("target_operator", "scored_target", ops, {"", ">= or <=", {}});
    g.write_strings("target_unit", "scored_target", units, {"", "unit of threshold", {}});
    g.write("target_year", {"scored_target"}, years, {"year", "target year", {}});
    g.write("target_threshold", {"scored_target"}, thresholds,
            {"see target_unit", "threshold", {}});
    g.write("target_observed", {"scored_target"}, observed, {"see target_unit", "observed", {}});
    g.write("target_reached", {"scored_target"}, reached,
            {"1", "1: the outcome met the target", {}});
    g.write("target_in_sample", {"scored_target"}, in_sample, {"1", "1: year <= base year", {}});
    g.write("target_probability", {"scored_target"}, probability, {"1", "the run's P", {}});
    g.write("target_brier", {"scored_target"}, brier, {"1", "(P - outcome)^2", {}});
    g.write("target_log_score", {"scored_target"}, logs,
            {"nat", "-ln P (reached) or -ln(1 - P), P clipped to [1/(2n), 1 - 1/(2n)]", {}});
  }
  file.commit();
}

}  // namespace

int score_command(int argc, char** argv) {
  std::string result_path, observed_path, csv_out, h5_out;
  std::vector<std::string> files;
  std::size_t point = 0;
  bool all = false;
  po::options_description desc(
      "Usage: icsim score RESULT.h5 --against OBSERVED.csv [options]\n\n"
      "Forecast scores of a run against published figures (docs/score.md). For every figure\n"
      "of OBSERVED.csv that measures a series of the run (its metric names the series, its\n"
      "unit is the series' unit): the median of the replications, its error in percent of the\n"
      "figure, whether the figure lies in the central 50 % and 90 % bands, and the CRPS, each\n"
      "marked in or out of sample (year <= the run's base year or after it). For every level\n"
      "target whose outcome a figure settles: reached or not, the target's P, Brier and log\n"
      "scores. Then band coverage, mean relative CRPS and the Brier score against the\n"
      "climatological reference. Figures that measure no series are counted (listed with\n"
      "--all, in --csv and -o with the reason).\n\n"
      "Options");
  // clang-format off
  desc.add_options()
    ("help,h", "this help")
    ("against", po::value(&observed_path)->value_name("OBSERVED.csv"), "published figures: columns id, metric, scope, year, value, unit (status optional), as scenarios/data/ningbo/observed.csv")
    ("csv", po::value(&csv_out)->value_name("OUT.csv"), "one row per observed figure, comparable or not (written atomically)")
    ("out,o", po::value(&h5_out)->value_name("SCORES.h5"), "an HDF5 file with the /validation group (docs/results.md)")
    ("point", po::value(&point)->value_name("N"), "the sweep point to score when RESULT is a sweep")
    ("all", po::bool_switch(&all), "also list the figures that are not comparable, with the reason");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("file", po::value(&files)->composing());
  po::variables_map vm;
  if (parse_command_line(argc, argv, desc, hidden, "file", -1, "score", kScoreExamples, vm))
    return 0;
  if (files.size() != 1)
    throw InputError("expected one result file, got " + std::to_string(files.size()) +
                     " (see 'icsim score --help')");
  if (observed_path.empty())
    throw InputError(
        "no observed figures given: --against OBSERVED.csv (see 'icsim score --help')");
  result_path = files[0];
  const std::vector<std::string> inputs{result_path, observed_path};
  csv_out = io::check_output_file(csv_out, "--csv", inputs);
  h5_out = io::check_output_file(h5_out, "-o", inputs);

  const auto observed = experiment::read_observed(observed_path);
  const ResultRun run = open_result_run(
      result_path, vm.count("point") ? std::optional<std::size_t>(point) : std::nullopt);
  const auto figures = experiment::score_figures(run.projection, run.money_unit, run.region,
                                                 run.base_year, observed);
  const auto targets =
      experiment::score_targets(run.targets, observed, run.base_year, run.projection.replications);
  const ScoreSummary summary = experiment::summarise(figures, targets);

  std::ostringstream report;
  int comparable = 0;
  for (const auto& f : figures) comparable += f.comparable ? 1 : 0;
  report << "Scores of " << result_path << " (" << run.projection.replications
         << " replications, base year " << run.base_year << ") against " << observed_path << ": "
         << figures.size() << " figures, " << comparable << " comparable.\n\n";
  if (comparable > 0) {
    print_figures(report, figures);
    report << "\n";
  }
  if (!targets.empty()) {
    print_targets(report, targets);
    report << "\n";
  }
  print_summary(report, summary);
  const std::size_t others = figures.size() - static_cast<std::size_t>(comparable);
  if (others > 0) {
    if (all) {
      report << "\n";
      print_not_comparable(report, figures);
    } else {
      report << others << " figure" << (others == 1 ? "" : "s")
             << " measure no series of the run (--all lists them with the reason).\n";
    }
  }

  io::OutputSet outputs;
  if (!csv_out.empty()) write_csv(outputs.file(csv_out), figures);
  if (!h5_out.empty()) {
    try {
      write_h5(outputs.external(h5_out), result_path, observed_path, run, figures, targets,
               summary);
    } catch (const InputError& e) {
      throw InputError("-o " + h5_out + ": " + e.what());
    }
  }
  outputs.commit();
  std::cout << report.str();
  return 0;
}

}  // namespace icsim::cli
