// Scoring a run against published figures (include/icsim/experiment/validation.hpp).
#include "icsim/experiment/validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "icsim/common/error.hpp"
#include "icsim/experiment/scores.hpp"
#include "icsim/io/csv.hpp"
#include "icsim/results/series.hpp"
#include "icsim/results/variables.hpp"

namespace icsim::experiment {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kPerMuInFile = "CNY 100 million per mu";
constexpr double kPerMuFactor = 1e4;  // 万元 per 亿元

bool per_mu_figure(const std::string& unit) {
  return unit == "CNY 10 thousand per mu" || unit == "万元/亩";
}

int parse_year(const io::CsvFile& csv, const io::CsvRecord& row, std::size_t col) {
  const std::string& text = row.fields[col];
  char* end = nullptr;
  const long year = text.empty() ? 0 : std::strtol(text.c_str(), &end, 10);
  if (text.empty() || end == nullptr || *end != '\0' || year < 1 || year > 9999)
    throw InputError(csv.path + ":" + std::to_string(row.line) + ": column year: '" + text +
                     "' is not a year (an integer)");
  return static_cast<int>(year);
}

// The metric of a figure as a series: "group/var" or "group/var:CODE".
results::Series series_of(const std::string& metric) {
  results::Series s;
  const auto colon = metric.find(':');
  s.metric = metric.substr(0, colon);
  if (colon != std::string::npos) s.select = {metric.substr(colon + 1)};
  return s;
}

// Why the figure cannot be compared with a series of p ("" when it can); `factor` converts the
// series to the figure's unit.
std::string match(const results::Projection& p, const std::string& money_unit,
                  const std::string& region, const ObservedFigure& f, double& factor) {
  const results::Series s = series_of(f.metric);
  const results::Variable* v = results::find_variable(s.metric);
  if (v == nullptr) return "no series '" + s.metric + "' in a result file";
  if (v->firm_model && !p.firm_model) return "needs the firm model (the run has none)";
  if (v->group == results::Group::region && !s.select.empty())
    return "a region series takes no selection";
  if (v->group != results::Group::region && s.select.empty())
    return "no selection (metric " + s.metric + ":CODE expected)";
  if (v->group != results::Group::districts) {  // a series of the whole region
    const bool part = region.empty() ? f.scope.find('(') != std::string::npos
                                     : !f.scope.empty() && f.scope != region;
    if (part)
      return "scope '" + f.scope + "' is a part of the region" +
             (region.empty() ? std::string() : " '" + region + "'");
  }
  const std::string units = v->units_in(money_unit);
  factor = 1.0;
  if (units == kPerMuInFile && per_mu_figure(f.unit))
    factor = kPerMuFactor;
  else if (units != f.unit)
    return "unit '" + f.unit + "', the series is in '" + units + "'";
  if (std::find(p.years.begin(), p.years.end(), f.year) == p.years.end())
    return "year " + std::to_string(f.year) + " outside the run's years " +
           std::to_string(p.years.front()) + "-" + std::to_string(p.years.back());
  return "";
}

std::string selection_text(const std::string& metric) {
  // "clusters/output[246/automobile]" -> "clusters/output:246/automobile"; "" when the metric
  // has several codes or a denominator.
  if (metric.find(" / ") != std::string::npos) return "";
  const auto open = metric.find('[');
  if (open == std::string::npos) return metric;
  if (metric.back() != ']') return "";
  const std::string codes = metric.substr(open + 1, metric.size() - open - 2);
  if (codes.find(',') != std::string::npos) return "";
  return metric.substr(0, open) + ":" + codes;
}

bool same_unit(const std::string& a, const std::string& b) {
  return a == b || (per_mu_figure(a) && per_mu_figure(b));
}

double mean_or_nan(double sum, int n) { return n > 0 ? sum / n : kNaN; }

}  // namespace

std::vector<ObservedFigure> read_observed(const std::string& path) {
  const io::CsvFile csv = io::read_csv(path);
  std::vector<std::size_t> cols;
  for (const char* name : {"id", "metric", "scope", "year", "value", "unit"}) {
    const int c = csv.column(name);
    if (c < 0)
      throw InputError(path + ":1: no column '" + name +
                       "' (expected id, metric, scope, year, value, unit)");
    cols.push_back(static_cast<std::size_t>(c));
  }
  const int status = csv.column("status");
  std::vector<ObservedFigure> out;
  for (const auto& row : csv.rows) {
    ObservedFigure f;
    f.id = row.fields[cols[0]];
    f.metric = row.fields[cols[1]];
    f.scope = row.fields[cols[2]];
    f.year = parse_year(csv, row, cols[3]);
    f.value = csv.number(row, cols[4]);
    f.unit = row.fields[cols[5]];
    if (status >= 0) f.status = row.fields[static_cast<std::size_t>(status)];
    f.where = path + ":" + std::to_string(row.line);
    out.push_back(std::move(f));
  }
  return out;
}

namespace {

// The scores of one figure against the members of its series (any order); `s` holds the figure
// and in_sample, and gets a reason instead of scores when a member is not finite.
void score_members(FigureScore& s, std::vector<double> members) {
  if (members.empty()) {
    s.reason = "the run has no replications";
    return;
  }
  if (!std::all_of(members.begin(), members.end(), [](double x) { return std::isfinite(x); })) {
    s.reason = "the series is not finite in every replication";
    return;
  }
  const double y = s.figure.value;
  std::sort(members.begin(), members.end());
  s.comparable = true;
  s.median = quantile_sorted(members, 0.5);
  const Band b50 = central_band(members, 0.5), b90 = central_band(members, 0.9);
  s.p25 = b50.low;
  s.p75 = b50.high;
  s.p05 = b90.low;
  s.p95 = b90.high;
  s.in_band_50 = b50.contains(y);
  s.in_band_90 = b90.contains(y);
  s.error_percent = y != 0.0 ? (s.median - y) / y * 100.0 : kNaN;
  const auto below = std::lower_bound(members.begin(), members.end(), y);
  const auto above = std::upper_bound(below, members.end(), y);
  s.pit =
      (static_cast<double>(below - members.begin()) + 0.5 * static_cast<double>(above - below)) /
      static_cast<double>(members.size());
  s.crps = std::max(0.0, crps_ensemble(members, y));  // >= 0; rounding can give -1e-13
  s.crps_relative = y != 0.0 ? s.crps / std::abs(y) : kNaN;
}

}  // namespace

std::vector<FigureScore> score_figures(const results::Projection& p, const std::string& money_unit,
                                       const std::string& region, int base_year,
                                       const std::vector<ObservedFigure>& figures) {
  std::vector<FigureScore> out;
  for (const auto& f : figures) {
    FigureScore s;
    s.figure = f;
    s.in_sample = f.year <= base_year;
    double factor = 1.0;
    s.reason = match(p, money_unit, region, f, factor);
    if (s.reason.empty()) {
      std::vector<double> members;
      try {
        const results::Series series = series_of(f.metric);
        const std::size_t y = p.year_index(f.year);
        for (int r = 0; r < p.replications; ++r) members.push_back(p.series(series, r)[y] * factor);
      } catch (const InputError& e) {
        s.reason = e.what();
      }
      if (s.reason.empty()) score_members(s, std::move(members));
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<TargetScore> score_targets(const std::vector<TargetInfo>& targets,
                                       const std::vector<ObservedFigure>& figures, int base_year,
                                       long replications) {
  std::vector<TargetScore> out;
  for (const auto& t : targets) {
    if (t.kind != "level" || !std::isfinite(t.probability)) continue;
    const std::string metric = selection_text(t.metric);
    if (metric.empty()) continue;
    for (const auto& f : figures) {
      if (f.metric != metric || f.year != t.year || !same_unit(f.unit, t.unit)) continue;
      TargetScore s;
      s.target = t.id;
      s.figure = f.id;
      s.year = t.year;
      s.threshold = t.threshold;
      s.observed = f.value;
      s.probability = t.probability;
      s.op = t.op;
      s.unit = t.unit;
      s.reached = t.op == "<=" ? f.value <= t.threshold : f.value >= t.threshold;
      s.in_sample = t.year <= base_year;
      s.brier = brier_score(t.probability, s.reached);
      s.log_score = log_score(t.probability, s.reached, replications);
      out.push_back(std::move(s));
      break;
    }
  }
  return out;
}

ScoreSummary summarise(const std::vector<FigureScore>& figures,
                       const std::vector<TargetScore>& targets) {
  ScoreSummary s;
  double crps_out = 0, crps_in = 0;
  int crps_out_n = 0, crps_in_n = 0;
  for (const auto& f : figures) {
    if (!f.comparable) continue;
    Coverage& c = f.in_sample ? s.in_sample : s.out_of_sample;
    ++c.figures;
    c.in_band_50 += f.in_band_50 ? 1 : 0;
    c.in_band_90 += f.in_band_90 ? 1 : 0;
    if (std::isfinite(f.crps_relative)) {
      (f.in_sample ? crps_in : crps_out) += f.crps_relative;
      ++(f.in_sample ? crps_in_n : crps_out_n);
    }
  }
  s.out_of_sample.mean_crps_relative = mean_or_nan(crps_out, crps_out_n);
  s.in_sample.mean_crps_relative = mean_or_nan(crps_in, crps_in_n);
  s.targets = static_cast<int>(targets.size());
  double brier = 0, log = 0;
  for (const auto& t : targets) {
    s.reached += t.reached ? 1 : 0;
    brier += t.brier;
    log += t.log_score;
  }
  s.brier = mean_or_nan(brier, s.targets);
  s.log_score = mean_or_nan(log, s.targets);
  if (s.targets == 0) {
    s.brier_reference = s.brier_skill = kNaN;
    return s;
  }
  const double base_rate = static_cast<double>(s.reached) / s.targets;
  double reference = 0;
  for (const auto& t : targets) reference += brier_score(base_rate, t.reached);
  s.brier_reference = reference / s.targets;
  s.brier_skill = brier_skill(s.brier, s.brier_reference);
  return s;
}

namespace {

std::string actual_metric(const results::Series& s) {
  std::string out = s.metric;
  for (std::size_t i = 0; i < s.select.size(); ++i) out += (i ? "," : ":") + s.select[i];
  if (s.constant_prices) out += " (constant prices)";
  return out;
}

bool same_series(const results::Series& a, const results::Series& b) {
  return a.metric == b.metric && a.select == b.select && a.constant_prices == b.constant_prices;
}

}  // namespace

Validation validate_actuals(const std::vector<results::Actual>& actuals,
                            const results::TargetReport& report, const results::Projection& p,
                            int base_year) {
  Validation v;
  v.observed_from = "[[actual]]";
  v.base_year = base_year;
  v.replications = p.replications;
  std::vector<ObservedFigure> figures;
  for (std::size_t k = 0; k < actuals.size(); ++k) {
    const auto& a = actuals[k];
    FigureScore s;
    s.figure.id = a.id.empty() ? "actual[" + std::to_string(k) + "]" : a.id;
    s.figure.metric = actual_metric(a.series);
    s.figure.unit = a.unit;
    s.figure.year = a.year;
    s.figure.value = a.value;
    s.figure.where = "actual[" + std::to_string(k) + "]";
    s.in_sample = a.year <= base_year;
    if (p.years.empty() || a.year < p.years.front() || a.year > p.years.back()) {
      s.reason = "the year is outside the run (" + std::to_string(p.years.front()) + "-" +
                 std::to_string(p.years.back()) + ")";
    } else {
      const std::size_t y = p.year_index(a.year);
      std::vector<double> members;
      for (int r = 0; r < p.replications; ++r) members.push_back(p.series(a.series, r)[y]);
      score_members(s, std::move(members));
    }
    v.figures.push_back(std::move(s));
  }
  for (const auto& o : report.evaluated) {
    const auto& t = *o.target;
    if (t.kind != results::Target::Kind::level || t.denominator || !std::isfinite(o.probability))
      continue;
    for (std::size_t k = 0; k < actuals.size(); ++k) {
      const auto& a = actuals[k];
      if (!same_series(a.series, t.series) || a.year != t.year ||
          !(a.unit.empty() || same_unit(a.unit, t.unit)))
        continue;
      TargetScore s;
      s.target = t.id;
      s.figure = v.figures[k].figure.id;
      s.year = t.year;
      s.threshold = t.threshold;
      s.observed = a.value;
      s.probability = o.probability;
      s.op = t.op == results::Target::Op::at_most ? "<=" : ">=";
      s.unit = t.unit;
      s.reached =
          t.op == results::Target::Op::at_most ? a.value <= t.threshold : a.value >= t.threshold;
      s.in_sample = t.year <= base_year;
      s.brier = brier_score(o.probability, s.reached);
      s.log_score = log_score(o.probability, s.reached, p.replications);
      v.targets.push_back(std::move(s));
      break;
    }
  }
  v.summary = summarise(v.figures, v.targets);
  return v;
}

}  // namespace icsim::experiment
