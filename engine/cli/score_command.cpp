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
#include "cli/score_tables.hpp"
#include "cli/text_table.hpp"
#include "icsim/common/error.hpp"
#include "icsim/experiment/validation.hpp"
#include "icsim/io/atomic_file.hpp"
#include "icsim/io/csv.hpp"
#include "icsim/output/result_file.hpp"
#include "icsim/output/result_reader.hpp"
#include "icsim/output/run_result.hpp"
#include "icsim/output/validation_result.hpp"

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

std::string csv_or_empty(double v, bool present) {
  return present && std::isfinite(v) ? io::csv_number(v) : std::string();
}

void write_csv(io::StagedFile& out, const std::vector<FigureScore>& figures) {
  out << "id,metric,scope,year,observed,unit,status,comparable,reason,sample,median,p05,p25,p75,"
         "p95,error_percent,in_band_50,in_band_90,crps,crps_relative,pit\n";
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
        << csv_or_empty(f.crps_relative, c) << ',' << csv_or_empty(f.pit, c) << '\n';
  }
}

void write_h5(const std::string& path, const std::string& result_path, const ResultRun& run,
              const results::Validation& v) {
  output::ResultFile file(path);
  output::write_provenance(
      file, {run.scenario_name, run.seed, run.projection.replications, 1, 1, run.money_unit});
  file.set_attribute("base_year", std::int64_t{run.base_year});
  file.set_attribute("source_result", result_path);
  file.set_attribute("observed_file", v.observed_from);
  output::write_validation(file, v);
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
  results::Validation validation;
  validation.observed_from = observed_path;
  validation.base_year = run.base_year;
  validation.replications = run.projection.replications;
  validation.figures = figures;
  validation.targets = targets;
  validation.summary = experiment::summarise(figures, targets);
  const ScoreSummary& summary = validation.summary;

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
      write_h5(outputs.external(h5_out), result_path, run, validation);
    } catch (const InputError& e) {
      throw InputError("-o " + h5_out + ": " + e.what());
    }
  }
  outputs.commit();
  std::cout << report.str();
  return 0;
}

}  // namespace icsim::cli
