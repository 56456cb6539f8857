// Lays a run's projection and target verdicts out as docs/results.md specifies. Each group repeats
// the dimensions it uses (netCDF-4 scopes dimensions by group), so that every group opens on
// its own with xarray.open_dataset(path, engine="h5netcdf", group=G).
#include "icsim/output/run_result.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "icsim/abm/statistics.hpp"
#include "icsim/common/version.hpp"
#include "icsim/output/validation_result.hpp"
#include "icsim/results/variables.hpp"

namespace icsim::output {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return stamp;
}

std::vector<std::int64_t> to_int64(const std::vector<int>& v) {
  return std::vector<std::int64_t>(v.begin(), v.end());
}

// Days from 1970-01-01 to 1 January of `year` (proleptic Gregorian; days_from_civil).
std::int64_t days_to_new_year(std::int64_t year) {
  const std::int64_t y = year - 1;  // 1 January counts as day 306 of the March-based year y
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + 306;
  return era * 146097 + doe - 719468;
}

// The CF time of each calendar year: its middle, in days since 1970-01-01.
std::vector<double> mid_year_days(const std::vector<int>& years) {
  std::vector<double> out;
  for (int y : years) {
    const double start = static_cast<double>(days_to_new_year(y));
    const double end = static_cast<double>(days_to_new_year(y + 1));
    out.push_back((start + end) / 2);
  }
  return out;
}

// The dimensions shared by the projection groups: point (the sweep's point numbers; one point for
// a plain run), replication, year; and the CF time coordinate over year.
void add_run_dimensions(Group& g, const RunOutputs& run) {
  const auto& p = *run.projection;
  g.add_dimension("point", run.point_numbers, "sweep point (a single point for a run)");
  std::vector<std::int64_t> reps(static_cast<std::size_t>(p.replications));
  for (std::size_t r = 0; r < reps.size(); ++r)
    reps[r] = static_cast<std::int64_t>(p.first_replication) + static_cast<std::int64_t>(r);
  g.add_dimension("replication", reps, "Monte Carlo replication");
  g.add_dimension("year", to_int64(p.years), "calendar year (the first is the base year)", "year");
  g.add_auxiliary_coordinate(
      "time", "year", mid_year_days(p.years),
      {"days since 1970-01-01",
       "middle of the calendar year (values are annual: flows over the year, stocks at its end)",
       {{"standard_name", std::string("time")},
        {"axis", std::string("T")},
        {"calendar", std::string("standard")}}});
}

const char* kReplicationYearNote =
    "money in current prices (base-year prices times region/price_index)";
const char* kFirmModelNote =
    "firm model statistics: money in current prices (base-year prices times "
    "region/price_index); the base year holds the synthesised firm population (flows 0)";

const char* kDistrictClustersNote =
    "sums over the firms of each district that belong to each cluster (firms carry their cluster "
    "memberships, drawn with the concordance weights): industrial sectors only; money in current "
    "prices; clusters of an overlapping system share firms, never add them up";

std::string kind_name(abm::StatInfo::Kind kind) {
  switch (kind) {
    case abm::StatInfo::Kind::count:
      return "count";
    case abm::StatInfo::Kind::money:
      return "money";
    case abm::StatInfo::Kind::land:
      return "land";
    case abm::StatInfo::Kind::ratio:
      return "ratio";
  }
  return "count";
}

// A variable's `units` and `long_name`; a firm statistic also carries `kind` (count, money, land
// or ratio) and, for ratios, the `numerator` and `denominator` variables: a ratio over several
// districts is the ratio of their sums, never a sum of ratios.
VariableInfo variable_info(const results::Variable& v, const std::string& money_unit) {
  VariableInfo info{v.units_in(money_unit), v.long_name, {}};
  if (v.statistic < 0) return info;
  const abm::StatInfo& s = abm::info(static_cast<abm::Stat>(v.statistic));
  info.extra.emplace_back("kind", kind_name(s.kind));
  if (s.kind == abm::StatInfo::Kind::ratio) {
    info.extra.emplace_back("numerator", std::string(abm::info(s.numerator).name));
    info.extra.emplace_back("denominator", std::string(abm::info(s.denominator).name));
  }
  return info;
}

// The group's coordinates and notes (once, for point 0).
void start_group(Group& g, results::Group group, const RunOutputs& run) {
  const auto& p = *run.projection;
  add_run_dimensions(g, run);
  switch (group) {
    case results::Group::sectors:
      g.add_dimension("sector", p.sectors, "sector code of the input-output table");
      g.add_auxiliary_coordinate("sector_name", "sector", p.sector_names, {"", "sector name", {}});
      break;
    case results::Group::clusters:
      g.add_dimension("cluster", p.clusters, "cluster as SYSTEM/CODE");
      g.add_auxiliary_coordinate("system", "cluster", p.cluster_system,
                                 {"", "cluster system (programme)", {}});
      g.add_auxiliary_coordinate("cluster_name", "cluster", p.cluster_names,
                                 {"", "cluster name", {}});
      break;
    case results::Group::region:
      g.set_attribute("region", run.loaded->scenario.region.name);
      break;
    case results::Group::districts:
      g.add_dimension("district", p.districts, "district code");
      g.add_auxiliary_coordinate("district_name", "district", p.district_names,
                                 {"", "district name", {}});
      g.set_attribute("note", std::string(kFirmModelNote));
      return;
    case results::Group::district_clusters:
      g.add_dimension("district", p.districts, "district code");
      g.add_auxiliary_coordinate("district_name", "district", p.district_names,
                                 {"", "district name", {}});
      g.add_dimension("cluster", p.clusters, "cluster as SYSTEM/CODE");
      g.add_auxiliary_coordinate("system", "cluster", p.cluster_system,
                                 {"", "cluster system (programme)", {}});
      g.add_auxiliary_coordinate("cluster_name", "cluster", p.cluster_names,
                                 {"", "cluster name", {}});
      g.set_attribute("note", std::string(kDistrictClustersNote));
      return;
  }
  g.set_attribute("note", std::string(kReplicationYearNote));
}

// One group of the projection: every variable of the catalogue in it (those of the firm model
// only with it), point slot run.point.
void write_variables(ResultFile& file, const RunOutputs& run, results::Group group) {
  const auto& p = *run.projection;
  if (group == results::Group::clusters && p.clusters.empty()) return;
  if (group == results::Group::districts && !p.firm_model) return;
  if (group == results::Group::district_clusters && (!p.firm_model || p.clusters.empty())) return;
  const std::string money = run.loaded->table.meta.money_unit;
  Group g = file.group(std::string(results::group_name(group)));
  if (run.point == 0) start_group(g, group, run);
  std::vector<std::string> dims = {"point", "replication", "year"};
  switch (results::dimension(group)) {
    case results::Dimension::none:
      break;
    case results::Dimension::sector:
      dims.emplace_back("sector");
      break;
    case results::Dimension::cluster:
      dims.emplace_back("cluster");
      break;
    case results::Dimension::district:
      dims.emplace_back("district");
      break;
    case results::Dimension::district_cluster:
      dims.emplace_back("district");
      dims.emplace_back("cluster");
      break;
  }
  for (const auto& v : results::variables()) {
    if (v.group != group || (v.firm_model && !p.firm_model)) continue;
    if (v.statistic < 0)
      g.write_slice(v.name, dims, run.point, p.*v.member, variable_info(v, money));
    else
      g.write_slice(v.name, dims, run.point, results::values(p, v), variable_info(v, money));
  }
}

// What the summaries of a shard file are taken over.
std::string shard_summary_note(const RunOutputs& run) {
  const auto& p = *run.projection;
  return "shard " + std::to_string(run.shard) + "/" + std::to_string(run.shard_count) +
         ": probabilities, intervals, medians and percentiles are over this shard's " +
         std::to_string(p.replications) + " replications (" + std::to_string(p.first_replication) +
         "-" + std::to_string(p.first_replication + p.replications - 1) +
         ") only; icsim merge recomputes them over all replications";
}

std::string op_text(scenario::Target::Op op) {
  return op == scenario::Target::Op::at_least ? ">=" : "<=";
}

std::string kind_text(scenario::Target::Kind kind) {
  switch (kind) {
    case scenario::Target::Kind::level:
      return "level";
    case scenario::Target::Kind::growth:
      return "growth";
    case scenario::Target::Kind::cagr:
      return "cagr";
    case scenario::Target::Kind::share:
      return "share";
    case scenario::Target::Kind::change:
      return "change";
  }
  return "level";
}

std::string series_text(const scenario::Series& s) {
  std::string out = s.metric;
  if (!s.select.empty()) {
    out += "[";
    for (std::size_t i = 0; i < s.select.size(); ++i) out += (i ? "," : "") + s.select[i];
    out += "]";
  }
  return out;
}

// The targets' description and the not-evaluated list once (point 0); verdicts per point.
void write_target_list(Group& g, const RunOutputs& run) {
  const auto& p = *run.projection;
  const auto& report = *run.targets;
  const auto reps = static_cast<std::size_t>(p.replications);
  g.add_dimension("point", run.point_numbers, "sweep point (a single point for a run)");
  std::vector<std::int64_t> rep_coords(reps);
  for (std::size_t r = 0; r < reps; ++r)
    rep_coords[r] = static_cast<std::int64_t>(p.first_replication) + static_cast<std::int64_t>(r);
  g.add_dimension("replication", rep_coords, "Monte Carlo replication");
  std::vector<std::string> ids, texts, sources, metrics, ops, kinds, units, programmes;
  std::vector<double> thresholds, base_years;
  std::vector<std::int64_t> years;
  for (const auto& o : report.evaluated) {
    const auto& t = *o.target;
    ids.push_back(t.id);
    texts.push_back(t.text);
    sources.push_back(t.source);
    programmes.push_back(t.programme);
    std::string metric = series_text(t.series);
    if (t.denominator) metric += " / " + series_text(*t.denominator);
    metrics.push_back(metric);
    ops.push_back(op_text(t.op));
    kinds.push_back(kind_text(t.kind));
    units.push_back(t.unit);
    thresholds.push_back(t.threshold);
    years.push_back(t.year);
    base_years.push_back(t.base_year ? t.base_year : kNaN);
  }
  g.add_dimension("target", ids, "target identifier");
  g.add_auxiliary_coordinate("text", "target", texts, {"", "the target as the plan states it", {}});
  g.write_strings("source", "target", sources, {"", "document the target comes from", {}});
  g.write_strings("programme", "target", programmes, {"", "programme or plan", {}});
  g.write_strings("metric", "target", metrics,
                  {"", "projected series the target is tested on", {}});
  g.write_strings("operator", "target", ops, {"", "comparison with the threshold", {}});
  g.write_strings("kind", "target", kinds,
                  {"", "level, growth, cagr, share or change (percent for all but level)", {}});
  g.write_strings("unit", "target", units, {"", "unit of threshold and value", {}});
  g.write("threshold", {"target"}, thresholds, {"", "threshold (in the target's unit)", {}});
  g.write("year", {"target"}, years, {"year", "year the target applies to", {}});
  g.write("base_year", {"target"}, base_years,
          {"year", "base year of growth targets (NaN: the year before)", {}});

  // Targets the model cannot speak to yet are listed, never dropped.
  std::vector<std::string> ne_ids, ne_texts, ne_sources, ne_reasons;
  for (const auto& [t, reason] : report.not_evaluated) {
    ne_ids.push_back(t->id);
    ne_texts.push_back(t->text);
    ne_sources.push_back(t->source);
    ne_reasons.push_back(reason);
  }
  if (run.shard > 0) g.set_attribute("summary_over", shard_summary_note(run));
  g.add_dimension("not_evaluated", ne_ids, "targets listed but not evaluated");
  g.add_auxiliary_coordinate("not_evaluated_text", "not_evaluated", ne_texts,
                             {"", "the target", {}});
  g.write_strings("not_evaluated_source", "not_evaluated", ne_sources, {"", "its source", {}});
  g.write_strings("not_evaluated_reason", "not_evaluated", ne_reasons,
                  {"", "why it is not evaluated", {}});
}

void write_targets(ResultFile& file, const RunOutputs& run) {
  const auto& p = *run.projection;
  const auto& report = *run.targets;
  Group g = file.group("targets");
  const std::size_t k = report.evaluated.size();
  const auto reps = static_cast<std::size_t>(p.replications);
  if (run.point == 0)
    write_target_list(g, run);
  else if (g.dimension_size("target") != k)
    throw std::invalid_argument("write_run: point " + std::to_string(run.point) + " evaluates " +
                                std::to_string(k) + " targets, point 0 " +
                                std::to_string(g.dimension_size("target")));
  std::vector<std::int8_t> reached(reps * k);
  std::vector<double> value(reps * k), first(reps * k);
  for (std::size_t r = 0; r < reps; ++r)
    for (std::size_t i = 0; i < k; ++i) {
      const auto& o = report.evaluated[i];
      reached[r * k + i] = static_cast<std::int8_t>(o.reached[r]);
      value[r * k + i] = o.value[r];
      first[r * k + i] = o.first_year[r] > 0 ? o.first_year[r] : kNaN;
    }
  g.write_slice("reached", {"point", "replication", "target"}, run.point, reached,
                {"1", "1 if the target is reached in the replication", {}});
  g.write_slice("value", {"point", "replication", "target"}, run.point, value,
                {"", "the target's quantity in its year (its unit)", {}});
  g.write_slice(
      "first_year_reached", {"point", "replication", "target"}, run.point, first,
      {"year", "first year the target's condition holds (NaN: never within the horizon)", {}});
  std::vector<double> prob, low, high, fy_median, v_median, v05, v95;
  for (const auto& o : report.evaluated) {
    prob.push_back(o.probability);
    low.push_back(o.interval.low);
    high.push_back(o.interval.high);
    fy_median.push_back(o.first_year_median ? *o.first_year_median : kNaN);
    v_median.push_back(o.value_median);
    v05.push_back(o.value_p05);
    v95.push_back(o.value_p95);
  }
  const std::vector<std::string> pt = {"point", "target"};
  g.write_slice("probability", pt, run.point, prob,
                {"1", "share of replications reaching the target", {}});
  g.write_slice("probability_low", pt, run.point, low,
                {"1", "95 % Wilson interval, lower bound", {}});
  g.write_slice("probability_high", pt, run.point, high,
                {"1", "95 % Wilson interval, upper bound", {}});
  g.write_slice("first_year_reached_median", pt, run.point, fy_median,
                {"year", "median first year reached, over replications that reach it", {}});
  g.write_slice("value_median", pt, run.point, v_median, {"", "median of value", {}});
  g.write_slice("value_p05", pt, run.point, v05, {"", "5th percentile of value", {}});
  g.write_slice("value_p95", pt, run.point, v95, {"", "95th percentile of value", {}});
}

void write_backtest(ResultFile& file, const RunOutputs& run) {
  if (!run.actuals || run.actuals->empty()) return;
  Group g = file.group("backtest");
  std::vector<std::string> ids, metrics, units, sources;
  std::vector<std::int64_t> years;
  std::vector<double> actual, median, p05, p95, error;
  for (std::size_t i = 0; i < run.actuals->size(); ++i) {
    const auto& c = (*run.actuals)[i];
    ids.push_back(std::to_string(i));
    metrics.push_back(series_text(c.actual->series));
    units.push_back(c.actual->unit);
    sources.push_back(c.actual->source);
    years.push_back(c.actual->year);
    actual.push_back(c.actual->value);
    median.push_back(c.median);
    p05.push_back(c.p05);
    p95.push_back(c.p95);
    error.push_back(c.error_percent);
  }
  g.add_dimension("figure", ids, "reported figure");
  g.write_strings("metric", "figure", metrics, {"", "projected series", {}});
  g.write_strings("unit", "figure", units, {"", "unit of the figure", {}});
  g.write_strings("source", "figure", sources, {"", "where the figure was reported", {}});
  g.write("year", {"figure"}, years, {"year", "year of the figure", {}});
  g.write("actual", {"figure"}, actual, {"", "reported value", {}});
  g.write("median", {"figure"}, median, {"", "projection median", {}});
  g.write("p05", {"figure"}, p05, {"", "projection 5th percentile", {}});
  g.write("p95", {"figure"}, p95, {"", "projection 95th percentile", {}});
  g.write("error_percent", {"figure"}, error, {"percent", "(median - actual) / actual * 100", {}});
  if (run.shard > 0) g.set_attribute("summary_over", shard_summary_note(run));
}

}  // namespace

void write_provenance(ResultFile& file, const Provenance& p) {
  file.set_attribute("Conventions", std::string(kConventions));
  file.set_attribute("icsim_format", kFormatVersion);
  file.set_attribute("icsim_version", std::string(version()));
  file.set_attribute("git_commit", std::string(git_commit()));
  file.set_attribute("scenario_name", p.scenario_name);
  file.set_attribute("created_utc", utc_now());
  file.set_attribute("seed", static_cast<std::int64_t>(p.seed));
  file.set_attribute("replications", static_cast<std::int64_t>(p.replications));
  file.set_attribute("threads", std::int64_t{p.threads});
  file.set_attribute("processes", std::int64_t{p.processes});
  file.set_attribute("units_money", p.money_unit);
  file.set_attribute("units_land", std::string("mu"));
}

void write_run(ResultFile& file, const RunOutputs& run) {
  const auto& s = run.loaded->scenario;
  if (run.point >= run.point_numbers.size())
    throw std::invalid_argument("write_run: point slot " + std::to_string(run.point) + " of " +
                                std::to_string(run.point_numbers.size()));
  if (run.point == 0) {
    write_provenance(file, {s.name, s.seed, run.projection->replications, run.threads,
                            run.processes, run.loaded->table.meta.money_unit});
    if (run.shard > 0) {
      file.set_attribute("shard", std::int64_t{run.shard});
      file.set_attribute("shard_count", std::int64_t{run.shard_count});
      file.set_attribute("shard_first_replication",
                         std::int64_t{run.projection->first_replication});
      file.set_attribute("shard_replications", std::int64_t{run.projection->replications});
    }
    file.set_attribute("base_year", std::int64_t{s.base_year});
    file.set_attribute("horizon", std::int64_t{s.horizon});
    file.set_attribute("scenario_file", s.file);
    file.set_attribute("table_name", run.loaded->table.meta.name);
    file.set_attribute("table_source", run.loaded->table.meta.source);
    file.set_attribute("firm_model", std::int64_t{run.projection->firm_model ? 1 : 0});
    file.set_attribute("points", static_cast<std::int64_t>(run.point_numbers.size()));
    file.write_text("scenario", run.scenario_text.empty() ? s.resolved_toml : run.scenario_text,
                    "the resolved scenario (after extends and --set) as TOML");
  }
  for (auto group : {results::Group::sectors, results::Group::clusters, results::Group::region,
                     results::Group::districts, results::Group::district_clusters})
    write_variables(file, run, group);
  write_targets(file, run);
  // Reported figures are compared for a plain run; a sweep's points are what-ifs.
  if (run.point_numbers.size() == 1) {
    write_backtest(file, run);
    if (run.validation && !run.validation->empty())
      write_validation(file, *run.validation, run.shard > 0 ? shard_summary_note(run) : "");
  }
}

void write_sweep(ResultFile& file, const scenario::SweepPlan& plan) {
  Group g = file.group("sweep");
  std::vector<std::int64_t> numbers(plan.points.size());
  for (std::size_t i = 0; i < numbers.size(); ++i) numbers[i] = static_cast<std::int64_t>(i);
  g.add_dimension("point", numbers, "sweep point");
  g.add_dimension("parameter", plan.keys, "scenario key swept (docs/scenario-reference.md)");
  std::vector<double> values;
  std::vector<std::string> labels;
  for (const auto& p : plan.points) {
    values.insert(values.end(), p.values.begin(), p.values.end());
    labels.push_back(p.label);
  }
  g.add_auxiliary_coordinate("point_label", "point", labels,
                             {"", "the point's overrides, key=value", {}});
  g.write("parameter_value", {"point", "parameter"}, values,
          {"", "value of the scenario key at the point (the key's own unit)", {}});
  g.set_attribute("method", plan.method);
  if (plan.method == "latin_hypercube")
    g.set_attribute("design_seed", static_cast<std::int64_t>(plan.seed));
  g.set_attribute("note", std::string("every point runs with the scenario's seed: replication r "
                                      "draws the same random numbers at every point (common "
                                      "random numbers)"));
}

}  // namespace icsim::output
