// Why a verdict is what it is (include/icsim/experiment/explain.hpp, docs/explain.md).
#include "icsim/experiment/explain.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "icsim/common/error.hpp"
#include "icsim/experiment/scores.hpp"
#include "icsim/results/variables.hpp"

namespace icsim::experiment {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string percent_text(double x) {
  const double r = std::round(x * 10.0) / 10.0;
  std::string s = std::to_string(r);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::vector<double> finite(const std::vector<double>& values) {
  std::vector<double> out;
  for (double v : values)
    if (std::isfinite(v)) out.push_back(v);
  std::sort(out.begin(), out.end());
  return out;
}

double median_of(std::vector<double> values) {
  values = finite(values);
  return values.empty() ? kNaN : quantile_sorted(values, 0.5);
}

// Per replication, the series over all years.
std::vector<std::vector<double>> all_series(const results::Projection& p,
                                            const results::Series& s) {
  std::vector<std::vector<double>> out;
  for (int r = 0; r < p.replications; ++r) out.push_back(p.series(s, r));
  return out;
}

results::Series scoped(const std::string& variable, const std::vector<std::string>& districts) {
  results::Series s;
  if (districts.empty()) {
    s.metric = "region/" + variable;
  } else {
    s.metric = "districts/" + variable;
    s.select = districts;
  }
  return s;
}

// Land: granted against what could be granted during the year (the stock at the start plus what
// was supplied, released and redeveloped in it, plus the on-demand quota still unsupplied at the
// end); binds when less than 5 % of it is left at year end, unused land and unsupplied quota
// together. Under on-demand supply the land supplied is what requests needed, so the stock alone
// is near 0 every year: only the quota left tells whether more could have been had.
Constraint land_constraint(const results::Projection& p, const std::vector<std::string>& scope,
                           std::size_t first, std::size_t last) {
  Constraint c{"land",
               "land granted to projects and expansions against land that could be granted "
               "during the year (stock at the start + supplied + released + redeveloped + "
               "on-demand quota left unsupplied); binds when less than 5 % of it is left at the "
               "year's end",
               "mu",
               {},
               false};
  const auto granted = all_series(p, scoped("land_granted", scope));
  const auto available = all_series(p, scoped("land_available", scope));
  const auto supplied = all_series(p, scoped("land_supplied", scope));
  const auto released = all_series(p, scoped("land_released", scope));
  const auto redeveloped = all_series(p, scoped("land_redeveloped", scope));
  const auto quota_left = all_series(p, scoped("land_quota_left", scope));
  for (std::size_t y = std::max<std::size_t>(first, 1); y <= last; ++y) {
    std::vector<double> value, limit;
    int binds = 0;
    for (int r = 0; r < p.replications; ++r) {
      const auto i = static_cast<std::size_t>(r);
      const double left = available[i][y] + quota_left[i][y];
      const double during = available[i][y - 1] + supplied[i][y] + released[i][y] +
                            redeveloped[i][y] + quota_left[i][y];
      value.push_back(granted[i][y]);
      limit.push_back(during);
      if (during > 0 && left < 0.05 * during) ++binds;
    }
    c.years.push_back({p.years[y], median_of(value), median_of(limit),
                       static_cast<double>(binds) / p.replications});
  }
  return c;
}

// Capacity: output of the capacity-constrained sectors that produce at (99.9 % of) their
// capacity, against the output of all capacity-constrained sectors; binds when half of it is.
Constraint capacity_constraint(const results::Projection& p, std::size_t first, std::size_t last) {
  Constraint c{"capacity",
               "output of capacity-constrained sectors producing at their capacity, against "
               "the output of all capacity-constrained sectors (region-wide); binds when it is "
               "half or more",
               "money",
               {},
               false};
  const std::size_t Y = p.years.size(), S = p.sectors.size();
  for (std::size_t y = std::max<std::size_t>(first, 1); y <= last; ++y) {
    std::vector<double> value, limit;
    int binds = 0;
    for (int r = 0; r < p.replications; ++r) {
      double at = 0, all = 0;
      for (std::size_t s = 0; s < S; ++s) {
        const std::size_t i = (static_cast<std::size_t>(r) * Y + y) * S + s;
        const double cap = p.sector_capacity[i], out = p.sector_output[i];
        if (!std::isfinite(cap) || !std::isfinite(out)) continue;
        all += out;
        if (out >= 0.999 * cap) at += out;
      }
      value.push_back(at);
      limit.push_back(all);
      if (all > 0 && at >= 0.5 * all) ++binds;
    }
    c.years.push_back({p.years[y], median_of(value), median_of(limit),
                       static_cast<double>(binds) / p.replications});
  }
  return c;
}

// A flow next to its stock: value = the flow in the year, limit = the stock at the start;
// never marked binding (they show how much of the stock the pipeline moves).
Constraint flow_constraint(const results::Projection& p, const std::vector<std::string>& scope,
                           std::size_t first, std::size_t last, const std::string& name,
                           const std::string& flow, const std::string& stock,
                           const std::string& reading) {
  Constraint c{name, reading, "firms", {}, false};
  const auto f = all_series(p, scoped(flow, scope));
  const auto s = all_series(p, scoped(stock, scope));
  for (std::size_t y = std::max<std::size_t>(first, 1); y <= last; ++y) {
    std::vector<double> value, limit;
    for (int r = 0; r < p.replications; ++r) {
      value.push_back(f[static_cast<std::size_t>(r)][y]);
      limit.push_back(s[static_cast<std::size_t>(r)][y - 1]);
    }
    c.years.push_back({p.years[y], median_of(value), median_of(limit), 0});
  }
  return c;
}

}  // namespace

std::vector<VerdictFlag> verdict_flags(const std::vector<double>& values,
                                       const std::vector<signed char>& reached, double threshold) {
  std::vector<VerdictFlag> flags;
  const std::vector<double> v = finite(values);
  if (v.empty()) return flags;
  long hits = 0;
  for (signed char x : reached) hits += x != 0;
  const bool certain = hits == 0 || hits == static_cast<long>(reached.size());
  if (v.front() == v.back()) {
    const std::string p = hits == 0 ? "0" : "1";
    if (v.front() == 0)
      flags.push_back({"zero_value", "the value is 0 in every replication, so P = " + p +
                                         " by construction: the model produces nothing in this "
                                         "series (a mechanism it lacks, or one that never acts)"});
    else
      flags.push_back({"constant_value",
                       "the value is the same in every replication, so P = " + p +
                           " by construction: the verdict comes from the inputs, not from the "
                           "model's uncertainty"});
  } else if (certain) {
    // The replication nearest the threshold, which lies outside the values' range; the gap in %
    // of the threshold, or in the target's unit for a threshold of 0.
    const double nearest = threshold > v.back() ? v.back() : v.front();
    const double gap = std::abs(nearest - threshold);
    const std::string by = threshold != 0 ? percent_text(gap / std::abs(threshold) * 100.0) + " %"
                                          : percent_text(gap) + " (the target's unit)";
    flags.push_back(
        {"certain_verdict",
         hits == 0 ? "P = 0: every replication falls short of the threshold by " + by + " or more"
                   : "P = 1: every replication clears the threshold by " + by + " or more"});
  }
  return flags;
}

results::Series numerator_series(const std::string& metric) {
  std::string text = metric.substr(0, metric.find(" / "));
  results::Series s;
  const auto open = text.find('[');
  s.metric = text.substr(0, open);
  if (open != std::string::npos) {
    if (text.back() != ']') throw InputError("metric '" + metric + "': expected group/var[A,B]");
    const std::string codes = text.substr(open + 1, text.size() - open - 2);
    std::size_t start = 0;
    while (start <= codes.size()) {
      const auto comma = codes.find(',', start);
      s.select.push_back(codes.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (results::find_variable(s.metric) == nullptr)
    throw InputError("metric '" + metric + "': no series '" + s.metric + "' in a result file");
  return s;
}

Explanation explain(const results::Projection& p, const TargetVerdict& target) {
  Explanation e;
  e.target = target;
  long hits = 0;
  for (signed char x : target.reached) hits += x != 0;
  e.probability = target.reached.empty()
                      ? kNaN
                      : static_cast<double>(hits) / static_cast<double>(target.reached.size());
  e.flags = verdict_flags(target.value, target.reached, target.threshold);

  const results::Series s = numerator_series(target.metric);
  std::vector<std::string> districts;
  if (s.metric.rfind("districts/", 0) == 0 && !(s.select.size() == 1 && s.select[0] == "*"))
    districts = s.select;
  if (s.metric.rfind("district_clusters/", 0) == 0)  // its district codes (no '/'), not "*"
    for (const auto& code : s.select)
      if (code.find('/') == std::string::npos && code != "*") districts.push_back(code);
  e.scope = districts.empty() ? "region" : "";
  for (std::size_t i = 0; i < districts.size(); ++i) e.scope += (i ? "," : "") + districts[i];

  const std::size_t last = p.year_index(std::min(target.year, p.years.back()));
  const auto series = all_series(p, s);
  const bool level = target.kind == "level" && target.metric.find(" / ") == std::string::npos;
  for (std::size_t y = 0; y <= last; ++y) {
    std::vector<double> v;
    int past = 0;
    for (const auto& row : series) {
      v.push_back(row[y]);
      if (target.op == ">=" ? row[y] >= target.threshold : row[y] <= target.threshold) ++past;
    }
    const std::vector<double> f = finite(v);
    e.series.push_back({p.years[y], f.empty() ? kNaN : quantile_sorted(f, 0.5),
                        f.empty() ? kNaN : quantile_sorted(f, 0.05),
                        f.empty() ? kNaN : quantile_sorted(f, 0.95)});
    if (level) e.share_past.push_back(static_cast<double>(past) / p.replications);
  }

  // The years that matter: from the base year (or a growth target's base) to the target's year.
  std::size_t first = 1;
  if (target.base_year > 0 && target.base_year > p.years.front())
    first = p.year_index(std::min(target.base_year, p.years.back()));
  if (p.replications > 0 && last >= 1) {
    e.constraints.push_back(capacity_constraint(p, first, last));
    if (p.firm_model) {
      e.constraints.push_back(land_constraint(p, districts, first, last));
      e.constraints.push_back(flow_constraint(
          p, districts, first, last, "rectification", "firms_rectified", "mujun_d",
          "firms rectified (整治提升) in the year, against D-class firms (亩均 grade D) at its "
          "start"));
      e.constraints.push_back(flow_constraint(
          p, districts, first, last, "projects", "projects_completed", "projects_started",
          "counted projects completed in the year, against those started the year before"));
    }
  }
  for (auto& c : e.constraints)
    for (const auto& y : c.years)
      if (y.share >= 0.5) c.binding = true;
  return e;
}

}  // namespace icsim::experiment
