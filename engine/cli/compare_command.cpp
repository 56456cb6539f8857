// `icsim compare A.h5 B.h5`: two result files of `icsim run` side by side: the targets both
// runs judge (probability with its interval, median value), the targets judged in one only, and
// the median output of the clusters (and, with --districts, firm-model statistics by district)
// in one year. Reads the files only; medians are over replications of sweep point 0.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/text_table.hpp"
#include "icsim/common/error.hpp"
#include "icsim/experiment/targets.hpp"
#include "icsim/output/result_reader.hpp"

namespace po = boost::program_options;

namespace icsim::cli {
namespace {

const char* kCompareExamples = R"(Examples:
  icsim run scenarios/ningbo/baseline.toml -o baseline.h5
  icsim run scenarios/ningbo/weak_external_demand.toml -o weak.h5
  icsim compare baseline.h5 weak.h5
  icsim compare baseline.h5 weak.h5 --year 2025 --system 361-2023
  icsim compare baseline.h5 weak.h5 --districts      (both runs with the firm model)

Probabilities are shares of replications reaching a target, with their 95 % Wilson
interval; ΔP = P(B) - P(A). Medians are over replications; change % = (B / A - 1) * 100.
The result layout is described in docs/results.md.
)";

// One run's file with the root attributes the header shows.
struct Run {
  std::string label;  // "A" or "B"
  output::ResultReader file;
  std::string scenario = "?";
  std::string replications = "?", seed = "?";
  bool firm_model = false;
};

Run open_run(const std::string& label, const std::string& path) {
  Run run{label, output::ResultReader(path)};
  const auto& f = run.file;
  if (!f.has("targets"))
    throw InputError(path +
                     ": not an icsim result file (no /targets group; results are written by "
                     "'icsim run SCENARIO.toml -o FILE.h5')");
  if (f.has_attribute("/", "scenario_name")) run.scenario = f.text_attribute("/", "scenario_name");
  if (f.has_attribute("/", "replications"))
    run.replications = std::to_string(f.integer_attribute("/", "replications"));
  if (f.has_attribute("/", "seed")) run.seed = std::to_string(f.integer_attribute("/", "seed"));
  run.firm_model =
      f.has_attribute("/", "firm_model") && f.integer_attribute("/", "firm_model") == 1;
  return run;
}

std::vector<double> numbers(const Run& run, const std::string& name, std::size_t at_least) {
  std::vector<double> v = run.file.numbers(name);
  if (v.size() < at_least)
    throw InputError(run.file.path() + ": /" + name + " holds " + std::to_string(v.size()) +
                     " values, expected " + std::to_string(at_least));
  return v;
}

std::vector<std::string> strings(const Run& run, const std::string& name, std::size_t size) {
  std::vector<std::string> v = run.file.strings(name);
  if (v.size() != size)
    throw InputError(run.file.path() + ": /" + name + " holds " + std::to_string(v.size()) +
                     " values, expected " + std::to_string(size));
  return v;
}

struct TargetRow {
  std::string id, text, op, unit;
  double threshold = 0, year = 0, probability = 0, low = 0, high = 0, median = 0;
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

// /targets: the evaluated targets (point 0 of the (point, target) statistics) and those listed
// as not evaluated.
Targets read_targets(const Run& run) {
  Targets out;
  const auto ids = run.file.strings("targets/target");
  const std::size_t n = ids.size();
  const auto text = strings(run, "targets/text", n);
  const auto op = strings(run, "targets/operator", n);
  const auto unit = strings(run, "targets/unit", n);
  const auto threshold = numbers(run, "targets/threshold", n);
  const auto year = numbers(run, "targets/year", n);
  const auto p = numbers(run, "targets/probability", n);
  const auto low = numbers(run, "targets/probability_low", n);
  const auto high = numbers(run, "targets/probability_high", n);
  const auto median = numbers(run, "targets/value_median", n);
  for (std::size_t i = 0; i < n; ++i)
    out.evaluated.push_back(
        {ids[i], text[i], op[i], unit[i], threshold[i], year[i], p[i], low[i], high[i], median[i]});
  if (run.file.has("targets/not_evaluated")) {
    const auto ne = run.file.strings("targets/not_evaluated");
    std::vector<std::string> ne_text(ne.size());
    if (run.file.has("targets/not_evaluated_text"))
      ne_text = strings(run, "targets/not_evaluated_text", ne.size());
    for (std::size_t i = 0; i < ne.size(); ++i) out.not_evaluated.emplace_back(ne[i], ne_text[i]);
  }
  return out;
}

std::string label(const std::string& id, const std::string& text) {
  return text.empty() ? id : id + " " + truncate_display(text, 26);
}

std::string threshold_text(const TargetRow& t) {
  std::string unit = short_unit(t.unit);
  return t.op + " " + number(t.threshold) + (unit.empty() ? "" : " " + unit);
}

std::string probability_text(const TargetRow& t) {
  return fixed(t.probability, 2) + " [" + fixed(t.low, 2) + ", " + fixed(t.high, 2) + "]";
}

std::string signed_fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.*f", decimals, v);
  return buf;
}

// (B / A - 1) * 100, "-" when A is 0 or either is not finite.
std::string change_percent(double a, double b) {
  if (!std::isfinite(a) || !std::isfinite(b) || a == 0) return "-";
  return signed_fixed((b / a - 1) * 100, 1);
}

// Identifiers as indented lines of at most about 96 columns.
void print_wrapped(std::ostream& out, const std::vector<std::string>& items) {
  std::string line = " ";
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string item = items[i] + (i + 1 < items.size() ? "," : "");
    if (line.size() > 1 && display_width(line) + 1 + display_width(item) > 96) {
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
  for (const Run* r : {&a, &b})
    table.add_row({r->label, r->file.path(), r->scenario, r->replications, r->seed,
                   r->firm_model ? "yes" : "no"});
  table.print(out);
}

void print_targets(std::ostream& out, const Targets& ta, const Targets& tb) {
  TextTable table({"target", "year", "threshold", "P(A) [95% CI]", "P(B) [95% CI]", "ΔP",
                   "median A", "median B"},
                  {false, true, true, true, true, true, true, true});
  std::size_t both = 0;
  for (const auto& a : ta.evaluated) {
    const TargetRow* b = tb.find(a.id);
    if (b == nullptr) continue;
    ++both;
    std::string year = fixed(a.year, 0);
    if (b->year != a.year) year += " / " + fixed(b->year, 0);
    std::string threshold = threshold_text(a);
    if (threshold_text(*b) != threshold) threshold += " / " + threshold_text(*b);
    table.add_row({label(a.id, a.text), year, threshold, probability_text(a), probability_text(*b),
                   signed_fixed(b->probability - a.probability, 2), number(a.median),
                   number(b->median)});
  }
  if (both == 0) {
    out << "\nNo target is evaluated in both runs.\n";
  } else {
    out << "\nTargets evaluated in both runs (" << both
        << "; threshold and year of A, then B's where they differ):\n";
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

// The years of a (point, replication, year, X) group and its X coordinate, names, and medians.
struct ByDimension {
  std::vector<std::string> codes, names;
  std::vector<double> years;
};

ByDimension read_dimension(const Run& run, const std::string& group, const std::string& dim) {
  ByDimension out;
  out.codes = run.file.strings(group + "/" + dim);
  out.names = std::vector<std::string>(out.codes.size());
  if (run.file.has(group + "/" + dim + "_name"))
    out.names = strings(run, group + "/" + dim + "_name", out.codes.size());
  out.years = run.file.numbers(group + "/year");
  return out;
}

// Median over the replications of point 0 of `variable` (point, replication, year, X) in year
// index `y`, for every X.
std::vector<double> medians(const Run& run, const std::string& variable, std::size_t y) {
  const auto shape = run.file.shape(variable);
  if (shape.size() != 4 || shape[0] == 0)
    throw InputError(run.file.path() + ": /" + variable +
                     " is not a (point, replication, year, ...) array");
  const auto values = run.file.numbers(variable);
  const std::size_t reps = shape[1], years = shape[2], n = shape[3];
  if (y >= years)
    throw InputError(run.file.path() + ": /" + variable + " has no year index " +
                     std::to_string(y));
  std::vector<double> out(n);
  std::vector<double> sample(reps);
  for (std::size_t x = 0; x < n; ++x) {
    for (std::size_t r = 0; r < reps; ++r) sample[r] = values[(r * years + y) * n + x];
    out[x] = experiment::quantile(sample, 0.5);
  }
  return out;
}

std::size_t year_index(const Run& run, const std::vector<double>& years, int year,
                       const std::string& group) {
  for (std::size_t i = 0; i < years.size(); ++i)
    if (years[i] == year) return i;
  throw InputError(run.file.path() + ": /" + group + " has no year " + std::to_string(year));
}

std::string years_text(const std::vector<int>& years) {
  if (years.empty()) return "none";
  return std::to_string(years.front()) + "-" + std::to_string(years.back());
}

std::vector<int> region_years(const Run& run) {
  std::vector<int> out;
  for (double y : run.file.numbers("region/year")) out.push_back(static_cast<int>(y));
  return out;
}

int choose_year(const Run& a, const Run& b, std::optional<int> requested) {
  const auto ya = region_years(a), yb = region_years(b);
  std::vector<int> common;
  for (int y : ya)
    if (std::find(yb.begin(), yb.end(), y) != yb.end()) common.push_back(y);
  if (common.empty())
    throw InputError("the runs share no year (" + a.file.path() + ": " + years_text(ya) + ", " +
                     b.file.path() + ": " + years_text(yb) + ")");
  if (!requested) return common.back();
  if (std::find(common.begin(), common.end(), *requested) == common.end())
    throw InputError("--year " + std::to_string(*requested) + " is not a year of both runs (" +
                     a.file.path() + ": " + years_text(ya) + ", " + b.file.path() + ": " +
                     years_text(yb) + ")");
  return *requested;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

std::string units_of(const Run& run, const std::string& variable) {
  return run.file.has_attribute(variable, "units") ? run.file.text_attribute(variable, "units")
                                                   : std::string();
}

void print_clusters(std::ostream& out, const Run& a, const Run& b, int year,
                    const std::vector<std::string>& requested_systems) {
  for (const Run* r : {&a, &b})
    if (!r->file.has("clusters/output")) {
      if (!requested_systems.empty())
        throw InputError(r->file.path() + ": no /clusters group (the scenario has no clusters)");
      out << "\nClusters: " << r->label << " (" << r->file.path()
          << ") has no /clusters group (its scenario has no cluster concordances).\n";
      return;
    }
  const ByDimension da = read_dimension(a, "clusters", "cluster");
  const ByDimension db = read_dimension(b, "clusters", "cluster");
  const auto sys_a = strings(a, "clusters/system", da.codes.size());
  const auto sys_b = strings(b, "clusters/system", db.codes.size());
  std::vector<std::string> common_systems;
  for (const auto& s : sys_a)
    if (std::find(sys_b.begin(), sys_b.end(), s) != sys_b.end() &&
        std::find(common_systems.begin(), common_systems.end(), s) == common_systems.end())
      common_systems.push_back(s);
  std::vector<std::string> systems = common_systems;
  if (!requested_systems.empty()) {
    for (const auto& s : requested_systems)
      if (std::find(common_systems.begin(), common_systems.end(), s) == common_systems.end())
        throw InputError("--system " + s + ": not a cluster system of both runs (systems: " +
                         (common_systems.empty() ? std::string("none") : join(common_systems)) +
                         ")");
    systems = requested_systems;
  }
  const auto ma = medians(a, "clusters/output", year_index(a, da.years, year, "clusters"));
  const auto mb = medians(b, "clusters/output", year_index(b, db.years, year, "clusters"));
  if (ma.size() != da.codes.size() || mb.size() != db.codes.size())
    throw InputError("/clusters/output does not match the cluster coordinate");
  std::map<std::string, std::size_t> index_b;
  for (std::size_t i = 0; i < db.codes.size(); ++i) index_b[db.codes[i]] = i;

  TextTable table({"cluster", "name", "median A", "median B", "change %"},
                  {false, false, true, true, true});
  std::size_t rows = 0;
  for (const auto& system : systems)
    for (std::size_t i = 0; i < da.codes.size(); ++i) {
      if (sys_a[i] != system) continue;
      auto it = index_b.find(da.codes[i]);
      if (it == index_b.end()) continue;
      ++rows;
      table.add_row({da.codes[i], truncate_display(da.names[i], 20), number(ma[i]),
                     number(mb[it->second]), change_percent(ma[i], mb[it->second])});
    }
  const std::string unit = short_unit(units_of(a, "clusters/output"));
  out << "\nClusters: median output in " << year << (unit.empty() ? "" : " (" + unit + ")")
      << ", system" << (systems.size() == 1 ? " " : "s ") << join(systems) << ":\n";
  if (rows == 0)
    out << "  no cluster of these systems is in both runs\n";
  else
    table.print(out);
}

void print_districts(std::ostream& out, const Run& a, const Run& b, int year) {
  if (!a.firm_model || !b.firm_model || !a.file.has("districts") || !b.file.has("districts")) {
    std::vector<std::string> without;
    for (const Run* r : {&a, &b})
      if (!r->firm_model || !r->file.has("districts")) without.push_back(r->label);
    out << "\nDistricts: not compared, " << join(without)
        << (without.size() == 1 ? " was" : " were")
        << " run without the firm model (no /districts; [firms] enabled = true).\n";
    return;
  }
  const ByDimension da = read_dimension(a, "districts", "district");
  const ByDimension db = read_dimension(b, "districts", "district");
  std::map<std::string, std::size_t> index_b;
  for (std::size_t i = 0; i < db.codes.size(); ++i) index_b[db.codes[i]] = i;
  const std::size_t ya = year_index(a, da.years, year, "districts");
  const std::size_t yb = year_index(b, db.years, year, "districts");
  struct Statistic {
    const char* name;
    const char* title;
  };
  for (const Statistic s : {Statistic{"firms_above_scale", "规上 firms"},
                            Statistic{"output_above_scale", "output of 规上 firms"},
                            Statistic{"tax_per_mu_above_scale", "规上 亩均税收"}}) {
    const std::string variable = std::string("districts/") + s.name;
    std::vector<double> ma = medians(a, variable, ya), mb = medians(b, variable, yb);
    std::string unit = units_of(a, variable);
    if (unit == "CNY 100 million per mu") {  // 亿元 per mu reads better as 万元 per mu
      for (auto* m : {&ma, &mb})
        for (double& v : *m) v *= 1e4;
      unit = "万元/亩";
    }
    unit = short_unit(unit);
    TextTable table({"district", "name", "median A", "median B", "change %"},
                    {false, false, true, true, true});
    for (std::size_t i = 0; i < da.codes.size() && i < ma.size(); ++i) {
      auto it = index_b.find(da.codes[i]);
      if (it == index_b.end() || it->second >= mb.size()) continue;
      table.add_row({da.codes[i], truncate_display(da.names[i], 20), number(ma[i]),
                     number(mb[it->second]), change_percent(ma[i], mb[it->second])});
    }
    out << "\nDistricts: " << s.title << " (" << s.name << "), median in " << year
        << (unit.empty() ? "" : " (" + unit + ")") << ":\n";
    table.print(out);
  }
}

}  // namespace

int compare_command(int argc, char** argv) {
  std::vector<std::string> files, systems;
  int year = 0;
  bool districts = false;
  po::options_description desc(
      "Usage: icsim compare A.h5 B.h5 [options]\n\n"
      "Two result files of 'icsim run' side by side: every target both runs evaluate\n"
      "(probability with its 95 % interval in A and in B, the change ΔP, median values),\n"
      "the targets only one run has or evaluates, and the median output of each cluster in\n"
      "one year with the change in percent. The files are only read.\n\nOptions");
  // clang-format off
  desc.add_options()
    ("help,h", "this help")
    ("year", po::value(&year)->value_name("YEAR"), "year of the cluster (and district) tables (default: the last year both runs project)")
    ("system", po::value(&systems)->composing()->value_name("SYSTEM"), "only the clusters of this system, e.g. 361-2023 (repeatable; default: every system both runs have)")
    ("districts", po::bool_switch(&districts), "also compare 规上 firms, 规上 output and 亩均 tax by district (both runs with the firm model)");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("file", po::value(&files)->composing());
  po::variables_map vm;
  if (parse_command_line(argc, argv, desc, hidden, "file", -1, "compare", kCompareExamples, vm))
    return 0;
  if (files.size() != 2)
    throw InputError("expected two result files, got " + std::to_string(files.size()) +
                     " (see 'icsim compare --help')");

  const Run a = open_run("A", files[0]);
  const Run b = open_run("B", files[1]);
  const Targets ta = read_targets(a), tb = read_targets(b);
  const int shown_year =
      choose_year(a, b, vm.count("year") ? std::optional<int>(year) : std::nullopt);

  // Everything is laid out before anything is printed, so an error prints no partial report.
  std::ostringstream report;
  print_header(report, a, b);
  print_targets(report, ta, tb);
  print_clusters(report, a, b, shown_year, systems);
  if (districts) print_districts(report, a, b, shown_year);
  std::cout << report.str();
  return 0;
}

}  // namespace icsim::cli
