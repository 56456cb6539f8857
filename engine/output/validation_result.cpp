// The /validation group (include/icsim/output/validation_result.hpp).
#include "icsim/output/validation_result.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace icsim::output {

void write_validation(ResultFile& file, const results::Validation& v,
                      const std::string& summary_over) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  output::Group g = file.group("validation");
  g.set_attribute("observed_file", v.observed_from);
  g.set_attribute("base_year", std::int64_t{v.base_year});
  g.set_attribute("replications", std::int64_t{v.replications});
  g.set_attribute("quantiles", std::string("linear interpolation between order statistics"));
  g.set_attribute("log_score_clip", 1.0 / (2.0 * static_cast<double>(v.replications)));
  const std::pair<const char*, const results::Coverage*> parts[] = {
      {"out_of_sample", &v.summary.out_of_sample}, {"in_sample", &v.summary.in_sample}};
  for (const auto& [name, c] : parts) {
    const std::string n(name);
    g.set_attribute(n + "_figures", std::int64_t{c->figures});
    g.set_attribute(n + "_in_band_50", std::int64_t{c->in_band_50});
    g.set_attribute(n + "_in_band_90", std::int64_t{c->in_band_90});
    g.set_attribute(n + "_coverage_50", c->figures ? double(c->in_band_50) / c->figures : kNaN);
    g.set_attribute(n + "_coverage_90", c->figures ? double(c->in_band_90) / c->figures : kNaN);
    g.set_attribute(n + "_mean_crps_relative", c->mean_crps_relative);
  }
  g.set_attribute("targets_scored", std::int64_t{v.summary.targets});
  g.set_attribute("targets_reached", std::int64_t{v.summary.reached});
  g.set_attribute("brier", v.summary.brier);
  g.set_attribute("brier_reference", v.summary.brier_reference);
  g.set_attribute("brier_skill", v.summary.brier_skill);
  g.set_attribute("log_score", v.summary.log_score);

  if (!v.figures.empty()) {
    std::vector<std::string> ids, metrics, scopes, units, statuses, reasons;
    std::vector<std::int64_t> years;
    std::vector<std::int8_t> comparable, in_sample, in50, in90;
    std::map<std::string, std::vector<double>> num;
    for (const auto& f : v.figures) {
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
      const auto put = [&](const char* k, double x) { num[k].push_back(f.comparable ? x : kNaN); };
      num["observed"].push_back(f.figure.value);
      put("median", f.median);
      put("p05", f.p05);
      put("p25", f.p25);
      put("p75", f.p75);
      put("p95", f.p95);
      put("error_percent", f.error_percent);
      put("crps", f.crps);
      put("crps_relative", f.crps_relative);
      put("pit", f.pit);
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
        {"crps_relative", "CRPS / |observed|"},
        {"pit", "share of replications below the observed value, ties counted half"}};
    for (const auto& [name, text] : described) {
      const std::string n(name);
      const bool unitless = n == "error_percent" || n == "crps_relative" || n == "pit";
      g.write(n, {"figure"}, num[n],
              {unitless ? (n == "error_percent" ? "percent" : "1") : "see unit", text, {}});
    }
  }
  if (!v.targets.empty()) {
    std::vector<std::string> ids, figs, ops, units;
    std::vector<std::int64_t> years;
    std::vector<std::int8_t> reached, in_sample;
    std::vector<double> thresholds, observed, probability, brier, logs;
    for (const auto& t : v.targets) {
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
  if (!summary_over.empty()) g.set_attribute("summary_over", summary_over);
}

}  // namespace icsim::output
