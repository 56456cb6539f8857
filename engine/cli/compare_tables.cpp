// `icsim compare`: the tables by year — region aggregates with paired differences, clusters and
// districts — and the file helpers they share with compare_command.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "cli/compare_run.hpp"
#include "cli/compare_stats.hpp"
#include "cli/text_table.hpp"
#include "icsim/common/error.hpp"
#include "icsim/experiment/targets.hpp"

namespace icsim::cli::compare {

bool paired(const Run& a, const Run& b) {
  return a.seed && b.seed && *a.seed == *b.seed && a.replications == b.replications &&
         !a.replications.empty();
}

std::vector<double> numbers(const Run& run, const std::string& name, std::size_t size) {
  std::vector<double> v = run.file.numbers(name);
  if (v.size() < size)
    throw InputError(run.file.path() + ": /" + name + " holds " + std::to_string(v.size()) +
                     " values, expected " + std::to_string(size));
  return v;
}

std::vector<std::string> strings(const Run& run, const std::string& name, std::size_t size) {
  std::vector<std::string> v = run.file.strings(name);
  if (v.size() != size)
    throw InputError(run.file.path() + ": /" + name + " holds " + std::to_string(v.size()) +
                     " values, expected " + std::to_string(size));
  return v;
}

std::vector<double> Cube::sample(std::size_t year, std::size_t x) const {
  std::vector<double> out(replications);
  for (std::size_t r = 0; r < replications; ++r) out[r] = values[(r * years + year) * n + x];
  return out;
}

Cube read_cube(const Run& run, const std::string& variable) {
  const auto shape = run.file.shape(variable);
  if (shape.size() < 3 || shape.size() > 5 || shape[0] <= run.point)
    throw InputError(run.file.path() + ": /" + variable +
                     " is not a (point, replication, year, ...) array");
  Cube c;
  c.replications = shape[1];
  c.years = shape[2];
  c.n = 1;
  for (std::size_t k = 3; k < shape.size(); ++k) c.n *= shape[k];
  c.values = run.file.numbers_slice(variable, run.point);
  if (c.values.size() != c.replications * c.years * c.n)
    throw InputError(run.file.path() + ": /" + variable + " does not match its shape");
  return c;
}

std::vector<int> years_of(const Run& run, const std::string& group) {
  std::vector<int> out;
  for (double y : run.file.numbers(group + "/year")) out.push_back(static_cast<int>(y));
  return out;
}

std::size_t year_index(const Run& run, const std::string& group, int year) {
  const auto years = years_of(run, group);
  for (std::size_t i = 0; i < years.size(); ++i)
    if (years[i] == year) return i;
  throw InputError(run.file.path() + ": /" + group + " has no year " + std::to_string(year));
}

std::string units_of(const Run& run, const std::string& variable) {
  return run.file.has_attribute(variable, "units") ? run.file.text_attribute(variable, "units")
                                                   : std::string();
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

std::string signed_fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.*f", decimals, v);
  return buf;
}

std::string change_percent(double a, double b) {
  if (!std::isfinite(a) || !std::isfinite(b) || a == 0) return "-";
  return signed_fixed((b / a - 1) * 100, 1);
}

namespace {

// The unit a reader expects, and the factor from the file's unit to it (亿元 per mu reads better
// as 万元 per mu).
std::pair<std::string, double> display_unit(const std::string& unit) {
  if (unit == "CNY 100 million per mu") return {"万元/亩", 1e4};
  return {short_unit(unit), 1.0};
}

std::string signed_number(double v, const std::string& unit) {
  if (!std::isfinite(v)) return "-";
  const std::string text = amount(v, unit);
  return v >= 0 ? "+" + text : text;
}

// A statistic's code and readable name.
struct Labels {
  std::vector<std::string> codes, names;
};

Labels read_labels(const Run& run, const std::string& group, const std::string& dim) {
  Labels out;
  out.codes = run.file.strings(group + "/" + dim);
  out.names = std::vector<std::string>(out.codes.size());
  if (run.file.has(group + "/" + dim + "_name"))
    out.names = strings(run, group + "/" + dim + "_name", out.codes.size());
  return out;
}

}  // namespace

void print_region(std::ostream& out, const Run& a, const Run& b, const std::vector<int>& years) {
  static const char* kVariables[] = {"gdp",
                                     "industrial_value_added_above_scale",
                                     "industrial_output_above_scale",
                                     "industrial_investment",
                                     "firms_above_scale",
                                     "tax_per_mu_above_scale",
                                     "land_available"};
  const bool pairs = paired(a, b);
  TextTable table({"variable", "year", "unit", "median A", "median B",
                   pairs ? "B - A: median [5%, 95%]" : "B - A (medians)", "change %"},
                  {false, true, false, true, true, true, true});
  std::size_t rows = 0;
  for (const char* name : kVariables) {
    const std::string variable = std::string("region/") + name;
    if (!a.file.has(variable) || !b.file.has(variable)) continue;
    const Cube ca = read_cube(a, variable), cb = read_cube(b, variable);
    const auto [unit, scale] = display_unit(units_of(a, variable));
    for (int year : years) {
      auto sa = ca.sample(year_index(a, "region", year), 0);
      auto sb = cb.sample(year_index(b, "region", year), 0);
      for (auto* s : {&sa, &sb})
        for (double& v : *s) v *= scale;
      const QuantityDifference q = quantity_difference(sa, sb, pairs);
      const std::string difference = pairs ? signed_number(q.median_difference, unit) + " [" +
                                                 signed_number(q.p05, unit) + ", " +
                                                 signed_number(q.p95, unit) + "]"
                                           : signed_number(q.median_b - q.median_a, unit);
      table.add_row({name, std::to_string(year), unit, amount(q.median_a, unit),
                     amount(q.median_b, unit), difference, change_percent(q.median_a, q.median_b)});
      ++rows;
    }
  }
  if (rows == 0) return;
  out << "\n"
      << paragraph(std::string("Region, by year: medians over replications and ") +
                   (pairs ? "the paired differences B - A (replication r of B minus replication "
                            "r of A: the runs share random numbers), their median and 5-95 % "
                            "range:"
                          : "the difference of the medians (not paired: the runs differ in seed "
                            "or replications):"))
      << "\n";
  table.print(out);
}

// Position of `district` in the run's /district_clusters (InputError if it has none, or not that
// district).
std::size_t district_position(const Run& run, const std::string& district) {
  if (!run.file.has("district_clusters/output"))
    throw InputError(
        "--district " + district + ": " + run.file.path() +
        " has no /district_clusters group (it needs the firm model and clusters, and is left "
        "out with [output] district_clusters = false or --no-district-clusters)");
  const auto codes = run.file.strings("district_clusters/district");
  const auto it = std::find(codes.begin(), codes.end(), district);
  if (it == codes.end())
    throw InputError("--district " + district + ": not a district of " + run.file.path() + " (" +
                     join(codes) + ")");
  return static_cast<std::size_t>(it - codes.begin());
}

void print_clusters(std::ostream& out, const Run& a, const Run& b, const std::vector<int>& years,
                    const std::vector<std::string>& requested_systems,
                    const std::string& district) {
  for (const Run* r : {&a, &b})
    if (!r->file.has("clusters/output")) {
      if (!requested_systems.empty())
        throw InputError(r->file.path() + ": no /clusters group (the scenario has no clusters)");
      out << "\nClusters: " << r->label << " (" << r->file.path()
          << ") has no /clusters group (its scenario has no cluster concordances).\n";
      return;
    }
  const Labels la = read_labels(a, "clusters", "cluster");
  const Labels lb = read_labels(b, "clusters", "cluster");
  const auto sys_a = strings(a, "clusters/system", la.codes.size());
  const auto sys_b = strings(b, "clusters/system", lb.codes.size());
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
  const std::string variable = district.empty() ? "clusters/output" : "district_clusters/output";
  const Cube ca = read_cube(a, variable), cb = read_cube(b, variable);
  // Offsets of the district's clusters in (district, cluster) arrays (0 for /clusters).
  const std::size_t da = district.empty() ? 0 : district_position(a, district) * la.codes.size();
  const std::size_t db = district.empty() ? 0 : district_position(b, district) * lb.codes.size();
  if (ca.n < da + la.codes.size() || cb.n < db + lb.codes.size() ||
      (district.empty() && (ca.n != la.codes.size() || cb.n != lb.codes.size())))
    throw InputError("/" + variable + " does not match the cluster coordinate");
  std::map<std::string, std::size_t> index_b;
  for (std::size_t i = 0; i < lb.codes.size(); ++i) index_b[lb.codes[i]] = i;
  const std::string unit = short_unit(units_of(a, "clusters/output"));
  for (int year : years) {
    const std::size_t ya = year_index(a, "clusters", year), yb = year_index(b, "clusters", year);
    TextTable table({"cluster", "name", "median A", "median B", "change %"},
                    {false, false, true, true, true});
    std::size_t rows = 0;
    for (const auto& system : systems)
      for (std::size_t i = 0; i < la.codes.size(); ++i) {
        if (sys_a[i] != system) continue;
        auto it = index_b.find(la.codes[i]);
        if (it == index_b.end()) continue;
        ++rows;
        const double ma = experiment::quantile(ca.sample(ya, da + i), 0.5);
        const double mb = experiment::quantile(cb.sample(yb, db + it->second), 0.5);
        table.add_row(
            {la.codes[i], la.names[i], amount(ma, unit), amount(mb, unit), change_percent(ma, mb)});
      }
    out << "\n"
        << paragraph("Clusters: median output" +
                     (district.empty() ? std::string()
                                       : " of the firms in " + district + " (district_clusters)") +
                     " in " + std::to_string(year) + (unit.empty() ? "" : " (" + unit + ")") +
                     ", system" + (systems.size() == 1 ? " " : "s ") + join(systems) + ":")
        << "\n";
    if (rows == 0)
      out << "  no cluster of these systems is in both runs\n";
    else
      table.print(out);
  }
}

void print_districts(std::ostream& out, const Run& a, const Run& b, const std::vector<int>& years) {
  if (!a.firm_model || !b.firm_model || !a.file.has("districts") || !b.file.has("districts")) {
    std::vector<std::string> without;
    for (const Run* r : {&a, &b})
      if (!r->firm_model || !r->file.has("districts")) without.push_back(r->label);
    out << "\nDistricts: not compared, " << join(without)
        << (without.size() == 1 ? " was" : " were")
        << " run without the firm model (no /districts; [firms] enabled = true).\n";
    return;
  }
  const Labels la = read_labels(a, "districts", "district");
  const Labels lb = read_labels(b, "districts", "district");
  std::map<std::string, std::size_t> index_b;
  for (std::size_t i = 0; i < lb.codes.size(); ++i) index_b[lb.codes[i]] = i;
  struct Statistic {
    const char* name;
    const char* title;
  };
  for (int year : years) {
    const std::size_t ya = year_index(a, "districts", year);
    const std::size_t yb = year_index(b, "districts", year);
    for (const Statistic s : {Statistic{"firms_above_scale", "规上 firms"},
                              Statistic{"output_above_scale", "output of 规上 firms"},
                              Statistic{"tax_per_mu_above_scale", "规上 亩均税收"}}) {
      const std::string variable = std::string("districts/") + s.name;
      const Cube ca = read_cube(a, variable), cb = read_cube(b, variable);
      const auto [unit, scale] = display_unit(units_of(a, variable));
      TextTable table({"district", "name", "median A", "median B", "change %"},
                      {false, false, true, true, true});
      for (std::size_t i = 0; i < la.codes.size() && i < ca.n; ++i) {
        auto it = index_b.find(la.codes[i]);
        if (it == index_b.end() || it->second >= cb.n) continue;
        const double ma = experiment::quantile(ca.sample(ya, i), 0.5) * scale;
        const double mb = experiment::quantile(cb.sample(yb, it->second), 0.5) * scale;
        table.add_row(
            {la.codes[i], la.names[i], amount(ma, unit), amount(mb, unit), change_percent(ma, mb)});
      }
      out << "\nDistricts: " << s.title << " (" << s.name << "), median in " << year
          << (unit.empty() ? "" : " (" + unit + ")") << ":\n";
      table.print(out);
    }
  }
}

}  // namespace icsim::cli::compare
