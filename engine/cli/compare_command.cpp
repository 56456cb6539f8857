// `icsim compare A.h5 B.h5`: two result files of `icsim run` (or one point of a sweep each)
// side by side: the targets both runs judge (probability with its interval, the difference ΔP
// with its paired interval, median value), the targets judged in one only, region aggregates
// with their paired differences by year, and the median output of the clusters (and, with
// --districts, firm-model statistics by district). Reads the files only. docs/compare.md.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/compare_run.hpp"
#include "cli/compare_stats.hpp"
#include "cli/options.hpp"
#include "cli/text_table.hpp"
#include "icsim/common/error.hpp"
#include "icsim/output/result_reader.hpp"

namespace po = boost::program_options;

namespace icsim::cli {
namespace compare {

Run open_run(const std::string& label, const std::string& path, std::optional<std::size_t> point) {
  Run run{label, output::ResultReader(path), "?", std::nullopt, {}, false, 1, 0, ""};
  const auto& f = run.file;
  if (!f.has("targets"))
    throw InputError(path +
                     ": not an icsim result file (no /targets group; results are written by "
                     "'icsim run SCENARIO.toml -o FILE.h5')");
  if (f.has_attribute("/", "scenario_name")) run.scenario = f.text_attribute("/", "scenario_name");
  if (f.has_attribute("/", "seed")) run.seed = f.integer_attribute("/", "seed");
  if (f.has("targets/replication")) run.replications = f.numbers("targets/replication");
  run.firm_model =
      f.has_attribute("/", "firm_model") && f.integer_attribute("/", "firm_model") == 1;
  if (f.has("targets/point")) run.points = f.shape("targets/point").at(0);
  if (run.points > 1) {
    std::vector<std::string> labels;
    if (f.has("sweep/point_label")) labels = f.strings("sweep/point_label");
    std::string listing;
    for (std::size_t i = 0; i < labels.size() && i < 12; ++i)
      listing += "\n  " + std::to_string(i) + ": " + labels[i];
    if (labels.size() > 12) listing += "\n  ...";
    if (!point)
      throw InputError(path + ": a sweep of " + std::to_string(run.points) +
                       " points; choose one with --point N (0-" + std::to_string(run.points - 1) +
                       ")" + listing);
    if (*point >= run.points)
      throw InputError("--point " + std::to_string(*point) + ": " + path + " has points 0-" +
                       std::to_string(run.points - 1) + listing);
    run.point = *point;
    if (run.point < labels.size()) run.point_label = labels[run.point];
  }
  return run;
}

}  // namespace compare

namespace {

using compare::Run;

const char* kCompareExamples = R"(Examples:
  icsim run scenarios/ningbo/baseline.toml -o baseline.h5
  icsim run scenarios/ningbo/weak_external_demand.toml -o weak.h5
  icsim compare baseline.h5 weak.h5
  icsim compare baseline.h5 weak.h5 --years 2025,2030 --system 361-2023
  icsim compare baseline.h5 weak.h5 --districts      (both runs with the firm model)
  icsim compare baseline.h5 sweep.h5 --point 4       (point 4 of a sweep)

Probabilities are shares of replications reaching a target, with their 95 % Wilson
interval; ΔP = P(B) - P(A) with its 95 % interval, paired replication by replication when
both runs have the same seed and replications (Newcombe's hybrid score interval). Medians
are over replications; change % = (B / A - 1) * 100. docs/compare.md explains the
statistics; docs/results.md the files.
)";

struct TargetRow {
  std::string id, text, op, unit;
  double threshold = 0, year = 0, probability = 0, low = 0, high = 0, median = 0;
  std::vector<double> reached;  // over the replications of the run's point
};

struct Targets {
  std::vector<TargetRow> evaluated;
  std::vector<std::pair<std::string, std::string>> not_evaluated;  // id, text
  const TargetRow* find(const std::string& id) const {
    for (const auto& t : evaluated)
      if (t.id == id) return &t;
    return nullptr;
  }
  bool lists_not_evaluated(const std::string& id) const {
    return std::any_of(not_evaluated.begin(), not_evaluated.end(),
                       [&](const auto& p) { return p.first == id; });
  }
};

// A (point, target) statistic at the run's point.
std::vector<double> at_point(const Run& run, const std::string& name, std::size_t n) {
  std::vector<double> v = run.file.numbers_slice(name, run.point);
  if (v.size() != n)
    throw InputError(run.file.path() + ": /" + name + " holds " + std::to_string(v.size()) +
                     " values a point, expected " + std::to_string(n));
  return v;
}

// /targets: the evaluated targets at the run's point and those listed as not evaluated.
Targets read_targets(const Run& run) {
  Targets out;
  const auto ids = run.file.strings("targets/target");
  const std::size_t n = ids.size();
  const auto text = compare::strings(run, "targets/text", n);
  const auto op = compare::strings(run, "targets/operator", n);
  const auto unit = compare::strings(run, "targets/unit", n);
  const auto threshold = compare::numbers(run, "targets/threshold", n);
  const auto year = compare::numbers(run, "targets/year", n);
  const auto p = at_point(run, "targets/probability", n);
  const auto low = at_point(run, "targets/probability_low", n);
  const auto high = at_point(run, "targets/probability_high", n);
  const auto median = at_point(run, "targets/value_median", n);
  const auto reached = at_point(run, "targets/reached", run.replications.size() * n);
  for (std::size_t i = 0; i < n; ++i) {
    TargetRow row{ids[i], text[i], op[i],     unit[i], threshold[i], year[i], p[i],
                  low[i], high[i], median[i], {}};
    for (std::size_t r = 0; r < run.replications.size(); ++r)
      row.reached.push_back(reached[r * n + i]);
    out.evaluated.push_back(std::move(row));
  }
  if (run.file.has("targets/not_evaluated")) {
    const auto ne = run.file.strings("targets/not_evaluated");
    std::vector<std::string> ne_text(ne.size());
    if (run.file.has("targets/not_evaluated_text"))
      ne_text = compare::strings(run, "targets/not_evaluated_text", ne.size());
    for (std::size_t i = 0; i < ne.size(); ++i) out.not_evaluated.emplace_back(ne[i], ne_text[i]);
  }
  return out;
}

std::string label(const std::string& id, const std::string& text) {
  return text.empty() ? id : id + " " + text;
}

std::string threshold_text(const TargetRow& t) { return t.op + " " + amount(t.threshold, t.unit); }

std::string probability_text(const TargetRow& t) {
  return fixed(t.probability, 2) + " [" + fixed(t.low, 2) + ", " + fixed(t.high, 2) + "]";
}

std::string difference_text(const ProportionDifference& d) {
  return compare::signed_fixed(d.difference, 2) + " [" + compare::signed_fixed(d.low, 2) + ", " +
         compare::signed_fixed(d.high, 2) + "]";
}

// Identifiers as indented lines that fit the output (at most 96 columns).
void print_wrapped(std::ostream& out, const std::vector<std::string>& items) {
  const std::size_t columns = output_columns();
  const std::size_t limit = columns > 0 && columns < 96 ? columns : 96;
  std::string line = " ";
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string item = items[i] + (i + 1 < items.size() ? "," : "");
    if (line.size() > 1 && display_width(line) + 1 + display_width(item) > limit) {
      out << line << "\n";
      line = " ";
    }
    line += " " + item;
  }
  if (line.size() > 1) out << line << "\n";
}

void print_header(std::ostream& out, const Run& a, const Run& b) {
  out << "Comparing two runs (medians over replications; ΔP = P(B) - P(A)):\n";
  TextTable table({"run", "file", "scenario", "replications", "seed", "firm model"},
                  {false, false, false, true, true, false});
  for (const Run* r : {&a, &b}) {
    std::string scenario = r->scenario;
    if (r->points > 1)
      scenario += ", sweep point " + std::to_string(r->point) + " of " + std::to_string(r->points) +
                  ": " + r->point_label;
    table.add_row({r->label, r->file.path(), scenario, std::to_string(r->replications.size()),
                   r->seed ? std::to_string(*r->seed) : "?", r->firm_model ? "yes" : "no"});
  }
  table.print(out);
  out << paragraph(compare::paired(a, b)
                       ? "Paired: same seed and replications, so replication r of A and of B "
                         "share their random numbers and differences are taken replication by "
                         "replication."
                       : "Not paired: the runs differ in seed or replications; ΔP intervals treat "
                         "them as independent samples.")
      << "\n";
}

void print_targets(std::ostream& out, const Run& ra, const Run& rb, const Targets& ta,
                   const Targets& tb, const std::optional<std::vector<int>>& years) {
  const bool pairs = compare::paired(ra, rb);
  TextTable table({"target", "year", "threshold", "unit", "P(A) [95% CI]", "P(B) [95% CI]",
                   "ΔP [95% CI]", "median A", "median B"},
                  {false, true, true, false, true, true, true, true, true});
  std::size_t both = 0;
  for (const auto& a : ta.evaluated) {
    const TargetRow* b = tb.find(a.id);
    if (b == nullptr) continue;
    if (years && std::find(years->begin(), years->end(), static_cast<int>(a.year)) == years->end())
      continue;
    ++both;
    std::string year = fixed(a.year, 0);
    if (b->year != a.year) year += " / " + fixed(b->year, 0);
    std::string threshold = threshold_text(a);
    if (threshold_text(*b) != threshold) threshold += " / " + threshold_text(*b);
    std::string unit = short_unit(a.unit);
    if (b->unit != a.unit) unit += " / " + short_unit(b->unit);
    const auto d = proportion_difference(a.reached, b->reached, pairs);
    table.add_row({label(a.id, a.text), year, threshold, unit, probability_text(a),
                   probability_text(*b), difference_text(d), amount(a.median, a.unit),
                   amount(b->median, b->unit)});
  }
  if (both == 0) {
    out << "\nNo target is evaluated in both runs" << (years ? " in the years chosen" : "")
        << ".\n";
  } else {
    out << "\n"
        << paragraph("Targets evaluated in both runs (" + std::to_string(both) +
                     "; threshold, unit (of threshold and medians) and year of A, then B's "
                     "where they differ; ΔP interval " +
                     (pairs ? "paired" : "of independent samples") + ", Newcombe):")
        << "\n";
    table.print(out);
  }

  // Targets present in one file only, evaluated in one run only, or in neither.
  struct Entry {
    std::string id, text;
    const TargetRow* a = nullptr;
    const TargetRow* b = nullptr;
    bool in_a = false, in_b = false;
  };
  std::vector<Entry> entries;
  std::set<std::string> seen;
  auto add = [&](const std::string& id, const std::string& text) {
    if (!seen.insert(id).second) return;
    Entry e{id, text, ta.find(id), tb.find(id)};
    e.in_a = e.a != nullptr || ta.lists_not_evaluated(id);
    e.in_b = e.b != nullptr || tb.lists_not_evaluated(id);
    entries.push_back(e);
  };
  for (const auto& t : ta.evaluated) add(t.id, t.text);
  for (const auto& [id, text] : ta.not_evaluated) add(id, text);
  for (const auto& t : tb.evaluated) add(t.id, t.text);
  for (const auto& [id, text] : tb.not_evaluated) add(id, text);

  auto state = [](const TargetRow* t, bool present) -> std::string {
    return t != nullptr ? "P " + probability_text(*t) : present ? "not evaluated" : "absent";
  };
  std::vector<const Entry*> only_a, only_b, one_run;
  std::vector<std::string> neither;
  for (const auto& e : entries) {
    if (e.a != nullptr && e.b != nullptr) continue;
    if (!e.in_b)
      only_a.push_back(&e);
    else if (!e.in_a)
      only_b.push_back(&e);
    else if (e.a != nullptr || e.b != nullptr)
      one_run.push_back(&e);
    else
      neither.push_back(e.id);
  }
  auto list = [&](const char* title, const std::vector<const Entry*>& items) {
    if (items.empty()) return;
    out << "\n" << title << " (" << items.size() << "):\n";
    for (const Entry* e : items)
      out << "  " << label(e->id, e->text) << "  A: " << state(e->a, e->in_a)
          << "; B: " << state(e->b, e->in_b) << "\n";
  };
  list("Only in A", only_a);
  list("Only in B", only_b);
  list("Evaluated in one run only", one_run);
  if (!neither.empty()) {
    out << "\nNot evaluated in either run (" << neither.size()
        << "; 'icsim run' says what each needs):\n";
    print_wrapped(out, neither);
  }
}

std::string years_text(const std::vector<int>& years) {
  if (years.empty()) return "none";
  return std::to_string(years.front()) + "-" + std::to_string(years.back());
}

// "2025,2027,2030" (or "all": every year both runs project), each a year of both runs.
std::vector<int> parse_years(const std::string& text, const std::vector<int>& common,
                             const std::string& option, const std::string& ranges) {
  if (text == "all") return common;
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    int year = 0;
    try {
      year = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size())
      throw InputError(option + " " + text + ": expected years separated by commas, e.g. " +
                       "2025,2030, or 'all'; '" + item + "' is not a year");
    if (std::find(common.begin(), common.end(), year) == common.end())
      throw InputError(option + " " + item + " is not a year of both runs (" + ranges + ")");
    if (std::find(out.begin(), out.end(), year) == out.end()) out.push_back(year);
  }
  if (out.empty()) throw InputError(option + ": no year given");
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int compare_command(int argc, char** argv) {
  std::vector<std::string> files, systems;
  std::string years_option;
  int year = 0;
  std::size_t point = 0;
  bool districts = false;
  std::string district;
  po::options_description desc(
      "Usage: icsim compare A.h5 B.h5 [options]\n\n"
      "Two result files of 'icsim run' (or a point of a sweep) side by side: every target\n"
      "both runs evaluate (probability with its 95 % interval in A and in B, the change ΔP\n"
      "with its paired 95 % interval, median values), the targets only one run has or\n"
      "evaluates, region aggregates by year with their paired differences, and the median\n"
      "output of each cluster with the change in percent. The files are only read.\n\n"
      "Options");
  // clang-format off
  desc.add_options()
    ("help,h", "this help")
    ("years", po::value(&years_option)->value_name("Y1,Y2,..|all"), "years shown: the targets of these years, the region table and the cluster (and district) tables in each (default: the years of the targets both runs evaluate for the region table, the last year both runs project for the clusters)")
    ("year", po::value(&year)->value_name("YEAR"), "one year: the same as --years YEAR")
    ("point", po::value(&point)->value_name("N"), "the sweep point to compare when a file is a sweep (icsim sweep): required then")
    ("system", po::value(&systems)->composing()->value_name("SYSTEM"), "only the clusters of this system, e.g. 361-2023 (repeatable; default: every system both runs have)")
    ("districts", po::bool_switch(&districts), "also compare 规上 firms, 规上 output and 亩均 tax by district (both runs with the firm model)")
    ("district", po::value(&district)->value_name("CODE"), "the cluster table of one district: output of the district's firms in each cluster (/district_clusters; both runs with the firm model), e.g. zhenhai");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("file", po::value(&files)->composing());
  po::variables_map vm;
  if (parse_command_line(argc, argv, desc, hidden, "file", -1, "compare", kCompareExamples, vm))
    return 0;
  if (files.size() != 2)
    throw InputError("expected two result files, got " + std::to_string(files.size()) +
                     " (see 'icsim compare --help')");
  if (vm.count("year") && vm.count("years"))
    throw InputError("--year and --years: give one of them");

  const std::optional<std::size_t> chosen_point =
      vm.count("point") ? std::optional<std::size_t>(point) : std::nullopt;
  const Run a = compare::open_run("A", files[0], chosen_point);
  const Run b = compare::open_run("B", files[1], chosen_point);
  if (chosen_point && a.points == 1 && b.points == 1)
    throw InputError("--point " + std::to_string(point) +
                     ": neither file is a sweep (each has a single point)");
  const Targets ta = read_targets(a), tb = read_targets(b);

  const auto ya = compare::years_of(a, "region"), yb = compare::years_of(b, "region");
  std::vector<int> common;
  for (int y : ya)
    if (std::find(yb.begin(), yb.end(), y) != yb.end()) common.push_back(y);
  const std::string ranges =
      a.file.path() + ": " + years_text(ya) + ", " + b.file.path() + ": " + years_text(yb);
  if (common.empty()) throw InputError("the runs share no year (" + ranges + ")");
  std::optional<std::vector<int>> chosen;
  if (vm.count("years")) chosen = parse_years(years_option, common, "--years", ranges);
  if (vm.count("year")) chosen = parse_years(std::to_string(year), common, "--year", ranges);
  std::vector<int> region_years;
  if (chosen) {
    region_years = *chosen;
  } else {  // the years of the targets both runs evaluate
    for (const auto& t : ta.evaluated) {
      const int y = static_cast<int>(t.year);
      if (tb.find(t.id) != nullptr && std::find(common.begin(), common.end(), y) != common.end() &&
          std::find(region_years.begin(), region_years.end(), y) == region_years.end())
        region_years.push_back(y);
    }
    std::sort(region_years.begin(), region_years.end());
    if (region_years.empty()) region_years = {common.back()};
  }
  const std::vector<int> table_years = chosen ? *chosen : std::vector<int>{common.back()};

  // Everything is laid out before anything is printed, so an error prints no partial report.
  std::ostringstream report;
  print_header(report, a, b);
  print_targets(report, a, b, ta, tb, chosen);
  compare::print_region(report, a, b, region_years);
  compare::print_clusters(report, a, b, table_years, systems, district);
  if (districts) compare::print_districts(report, a, b, table_years);
  std::cout << report.str();
  return 0;
}

}  // namespace icsim::cli
