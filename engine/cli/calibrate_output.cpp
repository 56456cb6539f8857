// What `icsim calibrate` writes (cli/calibrate_output.hpp).
#include "cli/calibrate_output.hpp"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <sstream>

#include "cli/text_table.hpp"
#include "icsim/output/run_result.hpp"
#include "icsim/scenario/keys.hpp"
#include "icsim/scenario/sweep.hpp"

namespace icsim::cli {
namespace {

namespace fs = std::filesystem;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string percent(double share) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << (share >= 0 ? "+" : "") << share * 100 << " %";
  return s.str();
}

// The scenario the fragment builds on: the one the parameters are for, else the file the
// calibration file extends; "" when neither.
std::string parent_of(const scenario::CalibrationPlan& plan) {
  return plan.parameters_for.empty() ? plan.extends : plan.parameters_for;
}

}  // namespace

std::string fragment_text(const CalibrationOutputs& o, const std::string& fragment_path) {
  const auto& plan = *o.plan;
  const auto& result = *o.result;
  const auto& best = result.points[result.best];
  std::ostringstream t;
  t << "# Calibrated parameters, written by:\n#   " << o.command << "\n"
    << "# Method of simulated moments (docs/calibrate.md): loss "
    << scenario::number_text(best.loss) << " at the best of " << result.points.size()
    << " points evaluated (" << plan.global_method << " " << plan.global_evaluations << ", "
    << plan.local_method << " " << plan.local_evaluations << "), " << plan.replications
    << " replications per point, seed " << plan.seed << "; the scenario's own values gave "
    << scenario::number_text(o.reference_loss) << ".\n# Moments dated " << o.rule->last_year
    << " or earlier (the base year of " << fs::path(o.rule->scenario).filename().string() << "):\n";
  for (std::size_t k = 0; k < o.moments->size(); ++k) {
    const auto& m = (*o.moments)[k];
    t << "#   " << m.figure.id << " " << m.figure.metric << " " << m.figure.year << ": observed "
      << scenario::number_text(m.figure.value) << ", simulated median "
      << scenario::number_text(result.fits[k].median) << " " << m.figure.unit << "\n";
  }
  const std::string parent = parent_of(plan);
  if (!parent.empty()) {
    const fs::path folder = fs::absolute(fragment_path).parent_path();
    t << "\nextends = " << quoted(fs::path(parent).lexically_relative(folder).generic_string())
      << "\n";
  }
  t << "\n";
  // Plain keys first (dotted keys at the top level), then entries of arrays of tables, which
  // extends merges by name (programmes) or id (targets).
  std::ostringstream arrays;
  for (std::size_t j = 0; j < plan.parameters.size(); ++j) {
    const auto& r = plan.parameters[j];
    const std::string value = scenario::parameter_value_text(r, best.values[j]);
    const scenario::KeyInfo* key = scenario::addressed_key(r.key);
    const std::string path = key ? std::string(key->path) : "";
    const auto brackets = path.find("[]");
    if (brackets == std::string::npos) {
      t << scenario::setting_line(o.parent_toml, r.key, value) << "\n";
      continue;
    }
    // "programme.NAME.rest" -> [[programme]] name = "NAME", rest = value
    const std::string array = path.substr(0, brackets);
    const std::string rest = r.key.substr(array.size() + 1);
    const auto dot = rest.find('.');
    const std::string entry = rest.substr(0, dot);
    const std::string field = array == "target" || array == "actual" ? "id" : "name";
    arrays << "\n[[" << array << "]]\n"
           << field << " = " << quoted(entry) << "\n"
           << rest.substr(dot + 1) << " = " << value << "\n";
  }
  t << arrays.str();
  return t.str();
}

void write_calibration(output::ResultFile& file, const CalibrationOutputs& o,
                       const std::string& fragment) {
  const auto& plan = *o.plan;
  const auto& result = *o.result;
  const auto& moments = *o.moments;
  output::write_provenance(
      file, {o.scenario_name, plan.seed, plan.replications, o.threads, 1, o.money_unit});
  file.set_attribute("base_year", std::int64_t{o.base_year});
  file.set_attribute("scenario_file", o.scenario_file);
  file.write_text("fragment", fragment, "the calibrated parameters as a scenario fragment (TOML)");

  output::Group g = file.group("calibration");
  const auto& best = result.points[result.best];
  g.set_attribute("loss_definition",
                  std::string("sum over moments of weight * ((median - observed) / observed)^2"));
  g.set_attribute("best_point", static_cast<std::int64_t>(result.best));
  g.set_attribute("best_loss", best.loss);
  g.set_attribute("reference_loss", o.reference_loss);
  g.set_attribute("global_method", plan.global_method);
  g.set_attribute("global_evaluations", std::int64_t{plan.global_evaluations});
  g.set_attribute("local_method", plan.local_method);
  g.set_attribute("local_evaluations", std::int64_t{plan.local_evaluations});
  g.set_attribute("replications", std::int64_t{plan.replications});
  g.set_attribute("seed", static_cast<std::int64_t>(plan.seed));
  g.set_attribute("last_moment_year", std::int64_t{o.rule->last_year});
  g.set_attribute("date_rule_scenario", o.rule->scenario);
  g.set_attribute("command", o.command);

  const std::size_t n = result.points.size();
  std::vector<std::int64_t> points(n);
  std::vector<double> loss(n), values;
  std::vector<std::int8_t> stage(n);
  for (std::size_t i = 0; i < n; ++i) {
    points[i] = static_cast<std::int64_t>(i);
    loss[i] = result.points[i].loss;
    stage[i] = static_cast<std::int8_t>(result.points[i].stage);
    values.insert(values.end(), result.points[i].values.begin(), result.points[i].values.end());
  }
  std::vector<std::string> keys, sources;
  std::vector<double> low, high, best_values = best.values;
  for (const auto& r : plan.parameters) {
    keys.push_back(r.key);
    sources.push_back(r.source);
    low.push_back(r.low);
    high.push_back(r.high);
  }
  g.add_dimension("point", points, "evaluated point, in evaluation order");
  g.add_dimension("parameter", keys, "scenario key calibrated");
  g.write("loss", {"point"}, loss, {"1", "loss of the point", {}});
  g.write("stage", {"point"}, stage, {"1", "0: global stage, 1: local stage", {}});
  g.write("value", {"point", "parameter"}, values, {"", "parameter value at the point", {}});
  g.write("low", {"parameter"}, low, {"", "low end of the range", {}});
  g.write("high", {"parameter"}, high, {"", "high end of the range", {}});
  g.write("best_value", {"parameter"}, best_values, {"", "value at the best point", {}});
  g.write_strings("parameter_source", "parameter", sources, {"", "where the range comes from", {}});

  std::vector<std::string> ids, metrics, scopes, units, msources;
  std::vector<std::int64_t> years;
  std::vector<std::int8_t> within;
  std::vector<double> observed, weight, tolerance, median, p05, p95, deviation, r_median, r_p05,
      r_p95, r_deviation;
  for (std::size_t k = 0; k < moments.size(); ++k) {
    const auto& m = moments[k];
    const auto& f = result.fits[k];
    const auto& r = (*o.reference)[k];
    ids.push_back(m.figure.id);
    metrics.push_back(m.figure.metric);
    scopes.push_back(m.figure.scope);
    units.push_back(m.figure.unit);
    msources.push_back(m.source);
    years.push_back(m.figure.year);
    observed.push_back(m.figure.value);
    weight.push_back(m.weight);
    tolerance.push_back(m.tolerance > 0 ? m.tolerance : kNaN);
    median.push_back(f.median);
    p05.push_back(f.p05);
    p95.push_back(f.p95);
    deviation.push_back(f.deviation);
    within.push_back(f.within ? 1 : 0);
    r_median.push_back(r.median);
    r_p05.push_back(r.p05);
    r_p95.push_back(r.p95);
    r_deviation.push_back(r.deviation);
  }
  g.add_dimension("moment", ids, "moment (id of its observed row, or moment_K)");
  g.write_strings("metric", "moment", metrics, {"", "series the moment measures", {}});
  g.write_strings("scope", "moment", scopes, {"", "area the figure covers", {}});
  g.write_strings("unit", "moment", units, {"", "unit of observed and simulated values", {}});
  g.write_strings("source", "moment", msources, {"", "where the observed value comes from", {}});
  g.write("year", {"moment"}, years, {"year", "year of the moment", {}});
  g.write("observed", {"moment"}, observed, {"see unit", "observed value", {}});
  g.write("weight", {"moment"}, weight, {"1", "weight in the loss", {}});
  g.write("tolerance", {"moment"}, tolerance, {"1", "relative tolerance (NaN: none)", {}});
  g.write("median", {"moment"}, median, {"see unit", "simulated median at the best point", {}});
  g.write("p05", {"moment"}, p05, {"see unit", "5 % quantile at the best point", {}});
  g.write("p95", {"moment"}, p95, {"see unit", "95 % quantile at the best point", {}});
  g.write("deviation", {"moment"}, deviation,
          {"1", "(median - observed) / observed at the best point", {}});
  g.write("within", {"moment"}, within, {"1", "1: |deviation| <= tolerance", {}});
  g.write("reference_median", {"moment"}, r_median,
          {"see unit", "simulated median with the scenario's own values", {}});
  g.write("reference_p05", {"moment"}, r_p05, {"see unit", "5 % quantile, own values", {}});
  g.write("reference_p95", {"moment"}, r_p95, {"see unit", "95 % quantile, own values", {}});
  g.write("reference_deviation", {"moment"}, r_deviation,
          {"1", "(median - observed) / observed with the scenario's own values", {}});
}

void print_fit_table(std::ostream& out, const CalibrationOutputs& o) {
  const auto& moments = *o.moments;
  const auto& result = *o.result;
  TextTable table({"moment", "year", "observed", "before", "median", "90 % band", "deviation",
                   "tolerance", "within"},
                  {false, true, true, true, true, true, true, true, false});
  for (std::size_t k = 0; k < moments.size(); ++k) {
    const auto& m = moments[k];
    const auto& f = result.fits[k];
    const std::string& u = m.figure.unit;
    table.add_row({m.figure.id + " " + m.figure.metric, std::to_string(m.figure.year),
                   with_unit(m.figure.value, u), amount((*o.reference)[k].median, u),
                   amount(f.median, u), amount(f.p05, u) + " - " + amount(f.p95, u),
                   percent(f.deviation), m.tolerance > 0 ? percent(m.tolerance).substr(1) : "-",
                   m.tolerance > 0 ? (f.within ? "yes" : "no") : "-"});
  }
  table.print(out);
  const auto& best = result.points[result.best];
  out << "\nLoss " << scenario::number_text(best.loss) << " at point " << result.best << " of "
      << result.points.size()
      << " (the scenario's own values: " << scenario::number_text(o.reference_loss)
      << "). Calibrated values:\n";
  TextTable values({"parameter", "low", "high", "before", "calibrated"},
                   {false, true, true, true, true});
  for (std::size_t j = 0; j < o.plan->parameters.size(); ++j) {
    const auto& r = o.plan->parameters[j];
    values.add_row({r.key, scenario::number_text(r.low), scenario::number_text(r.high),
                    j < o.reference_values.size() ? o.reference_values[j] : "-",
                    scenario::parameter_value_text(r, best.values[j])});
  }
  values.print(out);
}

}  // namespace icsim::cli
