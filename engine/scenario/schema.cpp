// The schema pass: the merged document becomes a Scenario; every unknown key, wrong type,
// out-of-range value, duplicate and missing key is reported (docs/scenario-reference.md).
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "icsim/abm/statistics.hpp"
#include "icsim/common/error.hpp"
#include "internal.hpp"

namespace fs = std::filesystem;

namespace icsim::scenario::detail {
namespace {

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {"region/gdp",
                                                 "region/industrial_output",
                                                 "region/industrial_value_added",
                                                 "region/industrial_output_above_scale",
                                                 "region/industrial_value_added_above_scale",
                                                 "region/industrial_investment",
                                                 "region/price_index",
                                                 "clusters/output",
                                                 "clusters/value_added",
                                                 "clusters/investment",
                                                 "clusters/output_above_scale",
                                                 "sectors/output",
                                                 "sectors/value_added",
                                                 "sectors/employment",
                                                 "sectors/investment",
                                                 "sectors/capacity",
                                                 "sectors/imports",
                                                 "clusters/land_in_use",
                                                 "clusters/firms",
                                                 "sectors/land_in_use",
                                                 "sectors/firms"};
  return names;
}

// Metrics of metric_names() that only the firm model fills.
bool firm_model_metric(const std::string& metric) {
  return metric == "clusters/land_in_use" || metric == "clusters/firms" ||
         metric == "sectors/land_in_use" || metric == "sectors/firms";
}

// The firm model's statistics (abm/statistics.hpp): "districts/<name>" and "region/<name>".
const std::vector<std::string>& statistic_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& info : abm::statistics_info()) out.emplace_back(info.name);
    return out;
  }();
  return names;
}

// Every metric name, for suggestions: the input-output ones and the firm model's.
const std::vector<std::string>& all_metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out = metric_names();
    for (const auto& n : statistic_names()) out.push_back("region/" + n);
    for (const auto& n : statistic_names()) out.push_back("districts/" + n);
    return out;
  }();
  return names;
}

// Range checks of numeric keys.
bool any_value(double) { return true; }
bool non_negative(double v) { return v >= 0; }
bool positive(double v) { return v > 0; }
bool unit_share(double v) { return v >= 0 && v <= 1; }
bool open_unit_share(double v) { return v > 0 && v <= 1; }
bool above_minus_one(double v) { return v > -1; }
constexpr const char* kShare = "in [0, 1]";
constexpr const char* kOpenShare = "in (0, 1]";
constexpr const char* kNonNegative = ">= 0";
constexpr const char* kPositive = "> 0";
constexpr const char* kUplift = "> -1 (a relative change: 0.05 = +5 %)";

// A numeric key of a parameter struct: TOML key, field, allowed range (text and check).
template <class T>
struct NumberField {
  const char* key;
  double T::*member;
  const char* range;
  bool (*ok)(double);
};
// An integer key (years).
template <class T>
struct IntegerField {
  const char* key;
  int T::*member;
  int lo, hi;
  const char* range;
};
template <class T>
struct BoolField {
  const char* key;
  bool T::*member;
};

// [firms]: the synthesis keys (population.hpp), written flat in [firms].
const std::vector<NumberField<abm::SynthesisSpec>>& synthesis_fields() {
  using S = abm::SynthesisSpec;
  static const std::vector<NumberField<S>> fields = {
      {"above_scale_threshold", &S::above_scale_threshold, "> 0 (CNY 100 million of revenue)",
       positive},
      {"above_scale_firms", &S::above_scale_firms, ">= 0 (firms)", non_negative},
      {"above_scale_output_share", &S::above_scale_output_share, kShare, unit_share},
      {"below_scale_mean_output", &S::below_scale_mean_output,
       "> 0 (CNY 100 million; below above_scale_threshold)", positive},
      {"land_sigma", &S::land_sigma, ">= 0 (sd of log)", non_negative},
      {"productivity_sigma", &S::productivity_sigma, ">= 0 (sd of log)", non_negative},
      {"va_rate_sigma", &S::va_rate_sigma, ">= 0 (sd of log)", non_negative},
      {"utilisation", &S::utilisation, kOpenShare, open_unit_share},
      {"capital_per_capacity", &S::capital_per_capacity, kNonNegative, non_negative},
      {"plot_ratio_median", &S::plot_ratio_median, kPositive, positive},
      {"plot_ratio_sigma", &S::plot_ratio_sigma, ">= 0 (sd of log)", non_negative},
      {"plot_ratio_min", &S::plot_ratio_min, kPositive, positive},
      {"plot_ratio_max", &S::plot_ratio_max, kPositive, positive},
  };
  return fields;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> synthesis_problems(const abm::SynthesisSpec& spec,
                                                                    bool ranges) {
  std::vector<std::pair<std::string, std::string>> out;
  if (ranges)
    for (const auto& f : synthesis_fields()) {
      const double v = spec.*f.member;
      if (!std::isfinite(v) || !f.ok(v))
        out.emplace_back(std::string("firms.") + f.key,
                         std::string("expected a number ") + f.range + ", got " + fmt(v));
    }
  if (spec.below_scale_mean_output > 0 && spec.above_scale_threshold > 0 &&
      !(spec.below_scale_mean_output < spec.above_scale_threshold))
    out.emplace_back("firms.below_scale_mean_output",
                     "expected the mean output of a below-scale firm to be below "
                     "above_scale_threshold " +
                         fmt(spec.above_scale_threshold) + ", got " +
                         fmt(spec.below_scale_mean_output));
  if (spec.plot_ratio_min > 0 && spec.plot_ratio_max > 0 &&
      !(spec.plot_ratio_min <= spec.plot_ratio_max))
    out.emplace_back("firms.plot_ratio_min", "expected plot_ratio_min <= plot_ratio_max, got " +
                                                 fmt(spec.plot_ratio_min) + " > " +
                                                 fmt(spec.plot_ratio_max));
  return out;
}

namespace {

bool identifier_like(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

class Reader {
 public:
  Reader(Sink& sink, std::map<std::string, Where>& where, std::string top)
      : sink_(sink), where_(where), top_(std::move(top)) {}

  Where at(const toml::node& n) const { return where_of(n.source(), top_); }
  Where at(const toml::table* t) const { return t ? at(*t) : Where{top_, 0, 0, {}}; }

  void error(const Where& w, const std::string& key, const std::string& message) {
    sink_.add(w, key, message);
  }

  static std::string dotted(const std::string& prefix, const std::string& key) {
    return prefix.empty() ? key : prefix + "." + key;
  }

  // Reports unknown keys of `t` (at `pattern`, shown as `prefix`).
  void check_keys(const toml::table& t, const std::string& pattern, const std::string& prefix) {
    if (is_free_key_table(pattern)) return;
    const auto* keys = table_keys(pattern);
    if (!keys) return;
    for (auto&& [k, v] : t) {
      const std::string key(k.str());
      if (std::find(keys->begin(), keys->end(), key) != keys->end()) continue;
      Where w = at(v);
      if (w.set_argument.empty() && k.source().begin.line > 0) w = where_of(k.source(), top_);
      std::string hint = did_you_mean(key, *keys);
      std::string msg = "unknown key" + hint + " (valid keys here: " + join(*keys, ", ") + ")";
      if (pattern.empty() && key == "programmes") msg = "unknown key; did you mean 'programme'?";
      if (pattern == "land" && key == "industrial_share_by_district")
        msg =
            "unknown key here; per-district industrial shares are "
            "firms.industrial_share_by_district = { DISTRICT_CODE = share, ... }";
      error(w, dotted(prefix, key), msg);
    }
  }

  // A sub-table (nullptr if absent or of the wrong type, which is reported).
  const toml::table* table(const toml::table* parent, const std::string& key,
                           const std::string& prefix, bool required = false) {
    const toml::node* n = parent ? parent->get(key) : nullptr;
    const std::string full = dotted(prefix, key);
    if (!n) {
      if (required) error(at(parent), full, "missing (a table)");
      return nullptr;
    }
    if (!n->is_table()) {
      error(at(*n), full, "expected a table, got " + type_name(*n));
      return nullptr;
    }
    where_[full] = at(*n);
    return n->as_table();
  }

  const toml::node* node(const toml::table* t, const std::string& key, const std::string& prefix,
                         bool required, const std::string& what) {
    const toml::node* n = t ? t->get(key) : nullptr;
    const std::string full = dotted(prefix, key);
    if (!n) {
      if (required) error(at(t), full, "missing; expected " + what);
      return nullptr;
    }
    where_[full] = at(*n);
    return n;
  }

  std::optional<std::string> string(const toml::table* t, const std::string& key,
                                    const std::string& prefix, bool required = false) {
    const toml::node* n = node(t, key, prefix, required, "a string");
    if (!n) return std::nullopt;
    if (!n->is_string()) {
      error(at(*n), dotted(prefix, key), "expected a string, got " + type_name(*n));
      return std::nullopt;
    }
    return n->as_string()->get();
  }

  std::optional<std::int64_t> integer(const toml::table* t, const std::string& key,
                                      const std::string& prefix, bool required, std::int64_t lo,
                                      std::int64_t hi, const std::string& range) {
    const toml::node* n = node(t, key, prefix, required, "an integer " + range);
    if (!n) return std::nullopt;
    if (!n->is_integer()) {
      error(at(*n), dotted(prefix, key), "expected an integer " + range + ", got " + type_name(*n));
      return std::nullopt;
    }
    std::int64_t v = n->as_integer()->get();
    if (v < lo || v > hi) {
      error(at(*n), dotted(prefix, key),
            "expected an integer " + range + ", got " + std::to_string(v));
      return std::nullopt;
    }
    return v;
  }

  // A number (integer or float); `ok` checks the range described by `range`.
  template <class Ok>
  std::optional<double> number(const toml::table* t, const std::string& key,
                               const std::string& prefix, bool required, const std::string& range,
                               Ok ok) {
    const toml::node* n = node(t, key, prefix, required, "a number " + range);
    if (!n) return std::nullopt;
    return number_value(*n, dotted(prefix, key), range, ok);
  }

  template <class Ok>
  std::optional<double> number_value(const toml::node& n, const std::string& full,
                                     const std::string& range, Ok ok) {
    if (!n.is_number()) {
      error(at(n), full, "expected a number " + range + ", got " + type_name(n));
      return std::nullopt;
    }
    double v = n.value_or(0.0);
    if (!std::isfinite(v) || !ok(v)) {
      error(at(n), full, "expected a number " + range + ", got " + fmt(v));
      return std::nullopt;
    }
    return v;
  }

  std::optional<double> any_number(const toml::table* t, const std::string& key,
                                   const std::string& prefix, bool required) {
    return number(t, key, prefix, required, "", [](double) { return true; });
  }

  std::optional<bool> boolean(const toml::table* t, const std::string& key,
                              const std::string& prefix) {
    const toml::node* n = node(t, key, prefix, false, "true or false");
    if (!n) return std::nullopt;
    if (!n->is_boolean()) {
      error(at(*n), dotted(prefix, key), "expected true or false, got " + type_name(*n));
      return std::nullopt;
    }
    return n->as_boolean()->get();
  }

  std::optional<std::vector<std::string>> strings(const toml::table* t, const std::string& key,
                                                  const std::string& prefix, bool required,
                                                  const std::string& example) {
    const std::string what = "an array of strings, e.g. " + example;
    const toml::node* n = node(t, key, prefix, required, what);
    if (!n) return std::nullopt;
    const std::string full = dotted(prefix, key);
    if (!n->is_array()) {
      error(at(*n), full, "expected " + what + ", got " + type_name(*n));
      return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    std::size_t i = 0;
    for (auto&& e : *n->as_array()) {
      const std::string ek = full + "[" + std::to_string(i++) + "]";
      if (!e.is_string()) {
        error(at(e.source().begin.line ? e : *n), ek, "expected a string, got " + type_name(e));
        ok = false;
        continue;
      }
      where_[ek] = at(e.source().begin.line ? e : *n);
      out.push_back(e.as_string()->get());
    }
    if (!ok) return std::nullopt;
    return out;
  }

  // A GROWTH SPEC: a number (a constant rate) or a distribution table.
  std::optional<Growth> growth(const toml::node& n, const std::string& full,
                               const std::string& pattern) {
    where_[full] = at(n);
    Growth g;
    const auto above_minus_one = [](double v) { return v > -1.0; };
    if (n.is_number()) {
      auto v = number_value(n, full, "> -1 (an annual rate: 0.05 = 5 %)", above_minus_one);
      if (!v) return std::nullopt;
      g.rate.mean = *v;
      return g;
    }
    if (!n.is_table()) {
      error(at(n), full,
            "expected a growth rate: a number (0.05 = 5 %/year) or a table such as { "
            "distribution = \"normal\", mean = 0.05, sd = 0.01 }, got " +
                type_name(n));
      return std::nullopt;
    }
    const toml::table* t = n.as_table();
    check_keys(*t, pattern, full);
    auto dist = string(t, "distribution", full, true);
    if (!dist) return std::nullopt;
    static const std::map<std::string, std::pair<Distribution::Kind, std::vector<std::string>>>
        kinds = {{"constant", {Distribution::Kind::constant, {"mean"}}},
                 {"normal", {Distribution::Kind::normal, {"mean", "sd"}}},
                 {"lognormal", {Distribution::Kind::lognormal, {"median", "sigma"}}},
                 {"triangular", {Distribution::Kind::triangular, {"low", "mode", "high"}}},
                 {"uniform", {Distribution::Kind::uniform, {"low", "high"}}}};
    auto kind = kinds.find(*dist);
    if (kind == kinds.end()) {
      std::vector<std::string> names;
      for (auto& [name, _] : kinds) names.push_back(name);
      error(at(*t->get("distribution")), full + ".distribution",
            "unknown distribution '" + *dist + "'" + did_you_mean(*dist, names) +
                " (expected one of: " + join(names, ", ") + ")");
      return std::nullopt;
    }
    g.rate.kind = kind->second.first;
    const auto& params = kind->second.second;
    const std::string takes = "distribution '" + *dist + "' takes " + join(params, ", ") +
                              " (and per_year, common_loading)";
    bool ok = true;
    for (const std::string p : {"mean", "sd", "median", "sigma", "low", "mode", "high"}) {
      const bool wanted = std::find(params.begin(), params.end(), p) != params.end();
      const toml::node* pn = t->get(p);
      if (pn && !wanted) {
        error(at(*pn), full + "." + p, "not a parameter of this distribution: " + takes);
        ok = false;
      } else if (!pn && wanted) {
        error(at(*t), full + "." + p, "missing; " + takes);
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    auto any = [](double) { return true; };
    auto nonneg = [](double v) { return v >= 0; };
    Distribution& d = g.rate;
    switch (d.kind) {
      case Distribution::Kind::constant: {
        auto m = number(t, "mean", full, true, "> -1", above_minus_one);
        if (!m) return std::nullopt;
        d.mean = *m;
        break;
      }
      case Distribution::Kind::normal: {
        auto m = number(t, "mean", full, true, "", any);
        auto s = number(t, "sd", full, true, ">= 0", nonneg);
        if (!m || !s) return std::nullopt;
        d.mean = *m;
        d.sd = *s;
        break;
      }
      case Distribution::Kind::lognormal: {
        auto m = number(t, "median", full, true, "> -1 (the median growth rate)", above_minus_one);
        auto s = number(t, "sigma", full, true, ">= 0", nonneg);
        if (!m || !s) return std::nullopt;
        d.median = *m;
        d.sigma = *s;
        break;
      }
      case Distribution::Kind::triangular: {
        auto lo = number(t, "low", full, true, "> -1", above_minus_one);
        auto mo = number(t, "mode", full, true, "", any);
        auto hi = number(t, "high", full, true, "", any);
        if (!lo || !mo || !hi) return std::nullopt;
        if (!(*lo <= *mo && *mo <= *hi)) {
          error(at(*t), full,
                "triangular distribution needs low <= mode <= high, got low = " + fmt(*lo) +
                    ", mode = " + fmt(*mo) + ", high = " + fmt(*hi));
          return std::nullopt;
        }
        d.low = *lo;
        d.mode = *mo;
        d.high = *hi;
        break;
      }
      case Distribution::Kind::uniform: {
        auto lo = number(t, "low", full, true, "> -1", above_minus_one);
        auto hi = number(t, "high", full, true, "", any);
        if (!lo || !hi) return std::nullopt;
        if (!(*lo <= *hi)) {
          error(at(*t), full,
                "uniform distribution needs low <= high, got low = " + fmt(*lo) +
                    ", high = " + fmt(*hi));
          return std::nullopt;
        }
        d.low = *lo;
        d.high = *hi;
        break;
      }
    }
    if (auto py = boolean(t, "per_year", full)) g.per_year = *py;
    if (auto cl = any_number(t, "common_loading", full, false)) g.common_loading = *cl;
    return g;
  }

  // An optional growth spec at t[key]; `out` keeps its default when absent.
  void growth_at(const toml::table* t, const std::string& key, const std::string& prefix,
                 const std::string& pattern, Growth& out) {
    const toml::node* n = t ? t->get(key) : nullptr;
    if (!n) return;
    if (auto g = growth(*n, dotted(prefix, key), pattern)) out = *g;
  }

  // Whether [firms] enabled is true (the districts/ and region/<statistic> metrics need it).
  void set_firm_model(bool on) { firm_model_ = on; }
  bool firm_model() const { return firm_model_; }
  // Whether a target's metric or denominator names a firm-model statistic.
  bool uses_firm_model(const toml::table* t) const {
    auto names_statistic = [](const toml::table* x) {
      const toml::node* m = x ? x->get("metric") : nullptr;
      const auto* v = m ? m->as_string() : nullptr;
      if (!v) return false;
      const std::string metric = v->get();
      if (firm_model_metric(metric)) return true;
      const auto& io = metric_names();
      if (std::find(io.begin(), io.end(), metric) != io.end()) return false;
      const bool grouped = metric.rfind("districts/", 0) == 0 || metric.rfind("region/", 0) == 0;
      return grouped && abm::find_statistic(metric.substr(metric.find('/') + 1)) >= 0;
    };
    const toml::node* den = t->get("denominator");
    return names_statistic(t) || names_statistic(den ? den->as_table() : nullptr);
  }

  // A Series: metric and select of a target, denominator or actual. `evaluated` = false for
  // targets with `needs`: their metric is checked, but not that the firm model is on.
  std::optional<Series> series(const toml::table* t, const std::string& prefix, bool required,
                               bool evaluated = true) {
    auto metric = string(t, "metric", prefix, required);
    Series s;
    if (!metric) return std::nullopt;
    const auto& names = metric_names();
    const std::string full = dotted(prefix, "metric");
    const bool io_metric = std::find(names.begin(), names.end(), *metric) != names.end();
    const bool districts = metric->rfind("districts/", 0) == 0;
    const bool region = metric->rfind("region/", 0) == 0;
    const std::string rest = metric->substr(metric->find('/') + 1);
    const bool statistic = !io_metric && (districts || region) && abm::find_statistic(rest) >= 0;
    if (districts && !statistic) {
      error(at(*t->get("metric")), full,
            "unknown firm-model statistic '" + rest + "' in '" + *metric + "'" +
                did_you_mean(rest, statistic_names()) + " (districts/<statistic> takes one of: " +
                join(statistic_names(), ", ", 100) + ")");
      return std::nullopt;
    }
    if (!io_metric && !statistic) {
      error(at(*t->get("metric")), full,
            "unknown metric '" + *metric + "'" + did_you_mean(*metric, all_metric_names()) +
                " (expected region/<variable>, clusters/<variable> or sectors/<variable>, or with "
                "the firm model districts/<statistic> or region/<statistic>; valid: " +
                join(names, ", ") + "; statistics: " + join(statistic_names(), ", ", 100) + ")");
      return std::nullopt;
    }
    if (statistic && evaluated && !firm_model_) {
      error(at(*t->get("metric")), full,
            "'" + *metric +
                "' needs the firm model: set [firms] enabled = true (with firms.districts), or "
                "give the target a 'needs' text");
      return std::nullopt;
    }
    s.metric = *metric;
    if (auto prices = string(t, "prices", prefix)) {
      if (*prices == "constant") {
        s.constant_prices = true;
        if (statistic && abm::info(static_cast<abm::Stat>(abm::find_statistic(rest))).kind !=
                             abm::StatInfo::Kind::money)
          error(at(*t->get("prices")), dotted(prefix, "prices"),
                "\"constant\" prices apply to money statistics only; '" + rest + "' is not money");
      } else if (*prices != "current") {
        error(at(*t->get("prices")), dotted(prefix, "prices"),
              "expected \"current\" or \"constant\", got \"" + *prices + "\"");
      }
    }
    const toml::node* sel = t->get("select");
    if (region) {
      if (sel) {
        error(at(*sel), dotted(prefix, "select"),
              "region metrics take no selection (select is for clusters/, sectors/ and "
              "districts/ metrics)");
        return std::nullopt;
      }
      return s;
    }
    const bool clusters = metric->rfind("clusters/", 0) == 0;
    auto codes = strings(t, "select", prefix, true,
                         clusters    ? "[\"361-2023/*\"] or [\"246/green_petrochemicals\"]"
                         : districts ? "[\"zhenhai\", \"beilun\"] (district codes) or [\"*\"]"
                                     : "[\"12\", \"13\"] or [\"*\"]");
    if (!codes) return std::nullopt;
    if (codes->empty()) {
      error(at(*sel), dotted(prefix, "select"), "empty; expected at least one code to sum over");
      return std::nullopt;
    }
    if (clusters)
      for (std::size_t i = 0; i < codes->size(); ++i)
        if ((*codes)[i].find('/') == std::string::npos)
          error(
              where_[dotted(prefix, "select") + "[" + std::to_string(i) + "]"],
              dotted(prefix, "select") + "[" + std::to_string(i) + "]",
              "expected a cluster reference SYSTEM/CLUSTER or SYSTEM/*, got '" + (*codes)[i] + "'");
    s.select = *codes;
    return s;
  }

 private:
  Sink& sink_;
  std::map<std::string, Where>& where_;
  std::string top_;
  bool firm_model_ = false;
};

// Reports duplicates among entries' names.
void check_unique(Reader& r, const std::vector<std::string>& names,
                  const std::vector<std::string>& keys, const std::vector<Where>& at,
                  const std::string& what) {
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) continue;
    auto [it, inserted] = seen.emplace(names[i], i);
    if (!inserted) {
      const Where& first = at[it->second];
      r.error(at[i], keys[i],
              "duplicate " + what + " '" + names[i] + "' (first used at " + first.file +
                  (first.line ? ":" + std::to_string(first.line) : std::string()) + ")");
    }
  }
}

// An array of tables at root[key] (nullptr entries skipped and reported).
std::vector<const toml::table*> entries(Reader& r, const toml::table* parent,
                                        const std::string& key, const std::string& prefix) {
  std::vector<const toml::table*> out;
  const toml::node* n = parent ? parent->get(key) : nullptr;
  const std::string full = Reader::dotted(prefix, key);
  if (!n) return out;
  if (!n->is_array()) {
    r.error(r.at(*n), full,
            "expected an array of tables ([[" + full + "]] sections), got " + type_name(*n));
    return out;
  }
  std::size_t i = 0;
  for (auto&& e : *n->as_array()) {
    const std::string ek = full + "[" + std::to_string(i++) + "]";
    if (!e.is_table()) {
      r.error(r.at(e.source().begin.line ? e : *n), ek, "expected a table, got " + type_name(e));
      out.push_back(nullptr);
      continue;
    }
    out.push_back(e.as_table());
  }
  return out;
}

template <class T>
void read_numbers(Reader& r, const toml::table* t, const std::string& prefix, T& out,
                  const std::vector<NumberField<T>>& fields) {
  for (const auto& f : fields)
    if (auto v = r.number(t, f.key, prefix, false, f.range, f.ok)) out.*f.member = *v;
}

template <class T>
void read_integers(Reader& r, const toml::table* t, const std::string& prefix, T& out,
                   const std::vector<IntegerField<T>>& fields) {
  for (const auto& f : fields)
    if (auto v = r.integer(t, f.key, prefix, false, f.lo, f.hi, f.range))
      out.*f.member = static_cast<int>(*v);
}

template <class T>
void read_booleans(Reader& r, const toml::table* t, const std::string& prefix, T& out,
                   const std::vector<BoolField<T>>& fields) {
  for (const auto& f : fields)
    if (auto v = r.boolean(t, f.key, prefix)) out.*f.member = *v;
}

// A string key with a fixed set of values; nullopt if absent or not one of them (reported).
std::optional<std::size_t> choice(Reader& r, const toml::table* t, const std::string& key,
                                  const std::string& prefix,
                                  const std::vector<std::string>& allowed,
                                  const std::string& meaning) {
  auto v = r.string(t, key, prefix);
  if (!v) return std::nullopt;
  auto it = std::find(allowed.begin(), allowed.end(), *v);
  if (it != allowed.end()) return static_cast<std::size_t>(it - allowed.begin());
  std::string quoted;
  for (std::size_t i = 0; i < allowed.size(); ++i)
    quoted += (i ? (i + 1 == allowed.size() ? " or " : ", ") : "") + ("\"" + allowed[i] + "\"");
  r.error(
      r.at(*t->get(key)), Reader::dotted(prefix, key),
      "expected " + quoted + " (" + meaning + "), got '" + *v + "'" + did_you_mean(*v, allowed));
  return std::nullopt;
}

}  // namespace

Parsed parse(const std::string& path, const std::vector<Override>& overrides, Sink& sink) {
  Parsed parsed;
  Scenario& s = parsed.scenario;
  s.file = fs::absolute(path).lexically_normal().string();
  parsed.document = read_document(path, overrides, sink);
  if (!parsed.document) return parsed;
  const toml::table& root = *parsed.document;
  Reader r(sink, parsed.where, s.file);
  r.check_keys(root, "", "");

  // [scenario]
  const toml::table* sc = r.table(&root, "scenario", "", true);
  if (sc) r.check_keys(*sc, "scenario", "scenario");
  if (auto v = r.string(sc, "name", "scenario", true)) s.name = *v;
  if (auto v = r.string(sc, "description", "scenario")) s.description = *v;
  if (auto v = r.integer(sc, "base_year", "scenario", true, 1900, 2200,
                         "(a year, e.g. 2021; must equal the table's year)"))
    s.base_year = static_cast<int>(*v);
  if (auto v = r.integer(sc, "horizon", "scenario", true, 1900, 2300,
                         "(the last projected year, e.g. 2030)")) {
    s.horizon = static_cast<int>(*v);
    if (s.base_year && !(s.horizon > s.base_year && s.horizon <= s.base_year + 50)) {
      r.error(r.at(*sc->get("horizon")), "scenario.horizon",
              "expected a year after base_year " + std::to_string(s.base_year) +
                  " and at most 50 years later (" + std::to_string(s.base_year + 1) + ".." +
                  std::to_string(s.base_year + 50) + "), got " + std::to_string(s.horizon));
      s.horizon = 0;
    }
  }
  s.seed = 1;
  if (auto v = r.integer(sc, "seed", "scenario", false, 0, INT64_MAX, "(>= 0)"))
    s.seed = static_cast<std::uint64_t>(*v);
  s.replications = 1000;
  if (auto v =
          r.integer(sc, "replications", "scenario", false, 1, 10'000'000, "from 1 to 10000000"))
    s.replications = static_cast<int>(*v);
  const bool years_known = s.base_year > 0 && s.horizon > 0;
  const std::string horizon_range =
      "(" + std::to_string(s.base_year) + ", " + std::to_string(s.horizon) + "]";
  auto in_horizon = [&](const toml::table* t, const std::string& key, const std::string& prefix,
                        bool required, bool include_base) -> std::optional<int> {
    auto v = r.integer(t, key, prefix, required, 1900, 2300, "(a year)");
    if (!v || !years_known) return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
    const int y = static_cast<int>(*v);
    const bool ok = (include_base ? y >= s.base_year : y > s.base_year) && y <= s.horizon;
    if (!ok) {
      r.error(r.at(*t->get(key)), Reader::dotted(prefix, key),
              "expected a year " +
                  (include_base ? "from base_year " + std::to_string(s.base_year)
                                : "after base_year " + std::to_string(s.base_year)) +
                  " up to the horizon " + std::to_string(s.horizon) + ", got " + std::to_string(y));
      return std::nullopt;
    }
    return y;
  };

  // [table]
  const toml::table* tb = r.table(&root, "table", "", true);
  if (tb) r.check_keys(*tb, "table", "table");
  if (auto v = r.string(tb, "path", "table", true)) s.table.path = *v;
  if (const toml::table* rg = r.table(tb, "regionalise", "table")) {
    r.check_keys(*rg, "table.regionalise", "table.regionalise");
    RegionalisationSpec spec;
    if (auto v = r.string(rg, "sizes", "table.regionalise", true)) spec.sizes = *v;
    if (auto v = r.string(rg, "method", "table.regionalise")) {
      static const std::vector<std::string> methods = {"slq", "cilq", "flq", "aflq"};
      if (std::find(methods.begin(), methods.end(), *v) == methods.end())
        r.error(
            r.at(*rg->get("method")), "table.regionalise.method",
            "expected one of slq, cilq, flq, aflq, got '" + *v + "'" + did_you_mean(*v, methods));
      else
        spec.method = *v;
    }
    if (auto v = r.number(rg, "delta", "table.regionalise", false, "in [0, 1]",
                          [](double d) { return d >= 0 && d <= 1; }))
      spec.delta = *v;
    if (auto v = r.string(rg, "region", "table.regionalise")) spec.region = *v;
    s.table.regionalise = spec;
  }

  // [clusters]
  if (const toml::table* cl = r.table(&root, "clusters", "")) {
    for (auto&& [k, v] : *cl) {
      const std::string system(k.str());
      const std::string full = "clusters." + system;
      parsed.where[full] = r.at(v);
      if (system.empty() || system.find('/') != std::string::npos) {
        r.error(r.at(v), full, "a cluster system name must be non-empty and contain no '/'");
        continue;
      }
      if (!v.is_string()) {
        r.error(r.at(v), full,
                "expected a string (the concordance CSV of system '" + system + "'), got " +
                    type_name(v));
        continue;
      }
      s.clusters.push_back({system, v.as_string()->get()});
    }
  }

  // [region]
  const toml::table* rg = r.table(&root, "region", "");
  if (rg) r.check_keys(*rg, "region", "region");
  if (auto v = r.string(rg, "name", "region")) s.region.name = *v;
  bool industrial_ok = true;
  if (auto v = r.strings(rg, "industrial_sectors", "region", false, "[\"06\", \"07\", \"08\"]"))
    s.region.industrial_sectors = *v;
  else
    industrial_ok = !(rg && rg->get("industrial_sectors"));
  auto share = [](double v) { return v > 0 && v <= 1; };
  if (auto v = r.number(rg, "above_scale_output_share", "region", false, "in (0, 1]", share))
    s.region.above_scale_output_share = *v;
  if (auto v = r.number(rg, "above_scale_value_added_share", "region", false, "in (0, 1]", share))
    s.region.above_scale_value_added_share = *v;

  // [growth]
  const toml::table* gr = r.table(&root, "growth", "");
  if (gr) r.check_keys(*gr, "growth", "growth");
  r.growth_at(gr, "common", "growth", "growth.common", s.growth.common);
  if (const toml::table* fd = r.table(gr, "final_demand", "growth")) {
    for (auto&& [k, v] : *fd) {
      const std::string label(k.str());
      if (auto g = r.growth(v, "growth.final_demand." + label, "growth.final_demand.*"))
        s.growth.final_demand.emplace_back(label, *g);
    }
  }
  {
    std::vector<std::string> names, keys;
    std::vector<Where> at;
    std::size_t i = 0;
    for (const toml::table* e : entries(r, gr, "sector_group", "growth")) {
      const std::string p = "growth.sector_group[" + std::to_string(i++) + "]";
      if (!e) continue;
      r.check_keys(*e, "growth.sector_group[]", p);
      SectorGroupGrowth sg;
      if (auto v = r.string(e, "name", p, true)) {
        sg.name = *v;
        names.push_back(*v);
        keys.push_back(p + ".name");
        at.push_back(r.at(*e->get("name")));
      }
      if (auto v = r.strings(e, "sectors", p, false, "[\"11\", \"12\"]")) sg.sectors = *v;
      if (auto v = r.strings(e, "clusters", p, false, "[\"246/green_petrochemicals\"]"))
        sg.clusters = *v;
      if (!e->get("sectors") && !e->get("clusters"))
        r.error(r.at(*e), p, "needs 'sectors' or 'clusters' (the products whose demand grows)");
      if (const toml::node* gn = r.node(e, "growth", p, true, "a growth rate or distribution"))
        if (auto g = r.growth(*gn, p + ".growth", "growth.sector_group[].growth")) sg.growth = *g;
      s.growth.sector_groups.push_back(std::move(sg));
    }
    check_unique(r, names, keys, at, "sector group name");
  }

  // [prices]
  const toml::table* pr = r.table(&root, "prices", "");
  if (pr) r.check_keys(*pr, "prices", "prices");
  r.growth_at(pr, "growth", "prices", "prices.growth", s.price_growth);

  // [capacity]
  const toml::table* ca = r.table(&root, "capacity", "");
  if (ca) r.check_keys(*ca, "capacity", "capacity");
  if (auto v = r.boolean(ca, "enabled", "capacity")) s.capacity.enabled = *v;
  if (auto v = r.number(ca, "utilisation", "capacity", false, "in (0, 1]", share))
    s.capacity.utilisation = *v;
  if (auto v = r.strings(ca, "sectors", "capacity", false, "[\"12\", \"13\"]"))
    s.capacity.sectors = *v;
  r.growth_at(ca, "trend_growth", "capacity", "capacity.trend_growth", s.capacity.trend_growth);

  // [investment]
  const toml::table* in = r.table(&root, "investment", "");
  if (in) r.check_keys(*in, "investment", "investment");
  if (auto v = r.number(in, "industrial_base", "investment", false,
                        ">= 0 (money unit of the table)", [](double d) { return d >= 0; }))
    s.investment.industrial_base = *v;
  r.growth_at(in, "growth", "investment", "investment.growth", s.investment.growth);
  if (auto v = r.number(in, "output_per_investment", "investment", false, "> 0",
                        [](double d) { return d > 0; }))
    s.investment.output_per_investment = *v;
  r.growth_at(in, "other_gfcf_growth", "investment", "investment.other_gfcf_growth",
              s.investment.other_gfcf_growth);

  // [households]
  const toml::table* hh = r.table(&root, "households", "");
  if (hh) r.check_keys(*hh, "households", "households");
  if (auto v = choice(r, hh, "closure", "households", {"exogenous", "labour_income"},
                      "exogenous: household consumption grows by growth.final_demand; "
                      "labour_income: it follows the region's labour income of the year before"))
    s.households.closure = *v == 0 ? "exogenous" : "labour_income";
  if (auto v = r.string(hh, "column", "households")) {
    if (v->empty())
      r.error(r.at(*hh->get("column")), "households.column",
              "empty; expected the final-demand column of household consumption, e.g. "
              "\"household\"");
    else
      s.households.column = *v;
  }

  // [firms], [firms.expansion], [firms.digital], [firms.exit], [firms.arrivals],
  // [firms.projects]
  FirmModelSpec& fm = s.firms;
  abm::FirmModelParameters& fp = fm.parameters;
  const toml::table* fi = r.table(&root, "firms", "");
  if (fi) r.check_keys(*fi, "firms", "firms");
  if (auto v = r.boolean(fi, "enabled", "firms")) fm.enabled = *v;
  if (auto v = r.string(fi, "districts", "firms")) fm.districts = *v;
  if (auto v = r.string(fi, "calibration", "firms")) fm.calibration = *v;
  if (fm.enabled && !(fi && fi->get("districts")))
    r.error(r.at(fi), "firms.districts",
            "missing; expected the districts CSV (e.g. districts = "
            "\"../data/ningbo/districts.csv\"), which the firm model needs because "
            "firms.enabled is true");
  {
    using P = abm::FirmModelParameters;
    read_numbers<P>(
        r, fi, "firms", fp,
        {{"competitiveness_beta", &P::competitiveness_beta,
          ">= 0 (the exponent of productivity in output shares)", non_negative},
         {"endogenous_investment_share", &P::endogenous_investment_share, kShare, unit_share},
         {"land_supply_scale", &P::land_supply_scale, ">= 0 (a factor on the land quotas)",
          non_negative}});
  }
  for (const auto& f : synthesis_fields())
    if (auto v = r.number(fi, f.key, "firms", false, f.range, f.ok)) {
      fp.synthesis.*f.member = *v;
      parsed.written_synthesis.push_back({f.member, *v, std::string("firms.") + f.key});
    }
  if (fm.calibration.empty())  // otherwise after the calibration file, in the data pass
    for (const auto& [key, message] : synthesis_problems(fp.synthesis, false))
      r.error(parsed.where.count(key) ? parsed.where[key] : r.at(fi), key, message);
  {
    using A = abm::AccountsParameters;
    read_numbers<A>(
        r, fi, "firms", fp.accounts,
        {{"wage_per_person", &A::wage_per_person,
          ">= 0 (CNY 100 million per person-year: 1e-4 = 10,000 yuan)", non_negative},
         {"labour_share_of_value_added", &A::labour_share_of_value_added, kShare, unit_share},
         {"depreciation_rate", &A::depreciation_rate, "in [0, 1] (of capital per year)",
          unit_share},
         {"tax_share_in_profit", &A::tax_share_in_profit, kShare, unit_share}});
    if (fp.accounts.wage_per_person > 0 && fp.accounts.labour_share_of_value_added > 0)
      r.error(parsed.where["firms.labour_share_of_value_added"],
              "firms.labour_share_of_value_added",
              "give either wage_per_person or labour_share_of_value_added, not both (labour "
              "cost would count twice)");
  }
  fp.accounts.above_scale_threshold = fp.synthesis.above_scale_threshold;
  fp.synthesis.industrial_sectors = s.region.industrial_sectors;
  fp.output_per_investment = s.investment.output_per_investment;
  auto by_district = [&](const std::string& key, const std::string& range, bool (*ok)(double),
                         std::vector<std::pair<std::string, double>>& out) {
    const toml::table* t = r.table(fi, key, "firms");
    if (!t) return;
    for (auto&& [k, v] : *t) {
      const std::string full = "firms." + key + "." + std::string(k.str());
      parsed.where[full] = r.at(v);
      if (auto x = r.number_value(v, full, range, ok)) out.emplace_back(std::string(k.str()), *x);
    }
  };
  by_district("land_supply_by_district", ">= 0 (mu per year)", non_negative,
              fm.land_supply_by_district);
  by_district("industrial_share_by_district", kShare, unit_share, fm.industrial_share_by_district);
  if (const toml::table* t = r.table(fi, "expansion", "firms")) {
    using E = abm::ExpansionRules;
    const std::string p = "firms.expansion";
    r.check_keys(*t, p, p);
    read_booleans<E>(r, t, p, fp.expansion,
                     {{"enabled", &E::enabled}, {"zero_land_first", &E::zero_land_first}});
    read_numbers<E>(
        r, t, p, fp.expansion,
        {{"utilisation_trigger", &E::utilisation_trigger, kOpenShare, open_unit_share},
         {"target_utilisation", &E::target_utilisation, kOpenShare, open_unit_share},
         {"max_growth", &E::max_growth, ">= 0 (a fraction of capacity per year)", non_negative},
         {"adjustment_speed", &E::adjustment_speed,
          "in [0, 1] (the share of the gap to the desired capacity closed a year)", unit_share},
         {"zero_land_cost_premium", &E::zero_land_cost_premium, kNonNegative, non_negative}});
    read_integers<E>(r, t, p, fp.expansion,
                     {{"construction_years", &E::construction_years, 1, 100, ">= 1"}});
  }
  if (const toml::table* t = r.table(fi, "digital", "firms")) {
    using D = abm::DigitalRules;
    const std::string p = "firms.digital";
    r.check_keys(*t, p, p);
    read_booleans<D>(r, t, p, fp.digital, {{"enabled", &D::enabled}});
    read_numbers<D>(
        r, t, p, fp.digital,
        {{"initial_share_above_scale", &D::initial_share_above_scale, kShare, unit_share},
         {"innovation", &D::innovation, "in [0, 1] (a yearly probability)", unit_share},
         {"imitation", &D::imitation, kNonNegative, non_negative},
         {"subsidy_rate", &D::subsidy_rate, "in [0, 1] (a share of the cost)", unit_share},
         {"subsidy_effect", &D::subsidy_effect, kNonNegative, non_negative},
         {"cost_per_capacity", &D::cost_per_capacity, kNonNegative, non_negative},
         {"productivity_uplift", &D::productivity_uplift, kUplift, above_minus_one},
         {"capacity_uplift", &D::capacity_uplift, kUplift, above_minus_one}});
  }
  if (const toml::table* t = r.table(fi, "exit", "firms")) {
    using X = abm::ExitRules;
    const std::string p = "firms.exit";
    r.check_keys(*t, p, p);
    read_numbers<X>(r, t, p, fp.exit,
                    {{"loss_exit_probability", &X::loss_exit_probability,
                      "in [0, 1] (a yearly probability)", unit_share}});
  }
  if (const toml::table* t = r.table(fi, "arrivals", "firms")) {
    using A = abm::ArrivalRules;
    const std::string p = "firms.arrivals";
    r.check_keys(*t, p, p);
    read_numbers<A>(
        r, t, p, fp.arrivals,
        {{"per_year", &A::per_year, ">= 0 (mean arrivals per year)", non_negative},
         {"investment_median", &A::investment_median, "> 0 (CNY 100 million)", positive},
         {"investment_sigma", &A::investment_sigma, ">= 0 (sd of log)", non_negative},
         {"failure_probability", &A::failure_probability, kShare, unit_share}});
    read_integers<A>(r, t, p, fp.arrivals,
                     {{"construction_years", &A::construction_years, 1, 100, ">= 1"},
                      {"ramp_up_years", &A::ramp_up_years, 0, 100, ">= 0"}});
  }
  if (const toml::table* t = r.table(fi, "projects", "firms")) {
    using J = abm::ProjectRules;
    const std::string p = "firms.projects";
    r.check_keys(*t, p, p);
    read_numbers<J>(
        r, t, p, fp.projects,
        {{"investment_per_mu", &J::investment_per_mu, "> 0 (CNY 100 million per mu)", positive},
         {"counted_investment", &J::counted_investment, ">= 0 (CNY 100 million)", non_negative}});
    read_integers<J>(r, t, p, fp.projects,
                     {{"max_wait_years", &J::max_wait_years, 0, 100, ">= 0 (years)"}});
  }

  // A rule set's own check (abm::validate), reported on the first key it names that the
  // scenario wrote, else on the section.
  auto rule_check = [&](const std::string& section, auto&& check,
                        const std::vector<std::pair<std::string, double>>& values) {
    try {
      check();
    } catch (const InputError& e) {
      const std::string what = e.what();
      const auto colon = what.find(": ");
      const std::string fields = colon == std::string::npos ? section : what.substr(0, colon);
      const std::string text = colon == std::string::npos ? what : what.substr(colon + 2);
      std::vector<std::string> names;
      std::string rest =
          fields.rfind(section + ".", 0) == 0 ? fields.substr(section.size() + 1) : std::string();
      for (std::size_t b = 0; !rest.empty() && b <= rest.size();) {
        const auto slash = std::min(rest.find('/', b), rest.size());
        names.push_back(rest.substr(b, slash - b));
        b = slash + 1;
      }
      std::string key = names.empty() ? section : section + "." + names.front();
      Where w = parsed.where.count(section) ? parsed.where[section] : r.at(nullptr);
      for (const auto& n : names)
        if (parsed.where.count(section + "." + n)) {
          key = section + "." + n;
          w = parsed.where[key];
          break;
        }
      std::string got;
      for (const auto& n : names)
        for (const auto& [name, value] : values)
          if (name == n) got += (got.empty() ? "" : ", ") + n + " = " + fmt(value);
      r.error(w, key, text + (got.empty() ? std::string() : " (got " + got + ")"));
    }
  };

  // [mujun], [mujun.weights]
  {
    abm::MujunRules& mu = fp.mujun;
    using M = abm::MujunRules;
    const std::string p = "mujun";
    const toml::table* t = r.table(&root, "mujun", "");
    if (t) r.check_keys(*t, p, p);
    if (auto v = choice(r, t, "method", p, {"percentile", "thresholds"},
                        "percentile: classes by rank; thresholds: by score cut-offs"))
      mu.method = static_cast<abm::MujunMethod>(*v);
    if (auto v = choice(r, t, "scope", p, {"district", "region"},
                        "the group firms are ranked and benchmarked in"))
      mu.scope = static_cast<abm::MujunScope>(*v);
    if (const toml::table* w = r.table(t, "weights", p)) {
      using W = abm::MujunWeights;
      r.check_keys(*w, "mujun.weights", "mujun.weights");
      read_numbers<W>(
          r, w, "mujun.weights", mu.weights,
          {{"tax_per_mu", &W::tax_per_mu, kNonNegative, non_negative},
           {"sales_per_mu", &W::sales_per_mu, kNonNegative, non_negative},
           {"energy_per_value_added", &W::energy_per_value_added, kNonNegative, non_negative},
           {"labour_productivity", &W::labour_productivity, kNonNegative, non_negative}});
    }
    const std::vector<NumberField<M>> numbers = {
        {"indicator_cap", &M::indicator_cap, kPositive, positive},
        {"a_share", &M::a_share, kShare, unit_share},
        {"b_share", &M::b_share, kShare, unit_share},
        {"c_share", &M::c_share, kShare, unit_share},
        {"a_min_score", &M::a_min_score, "(a score; 100 = at every benchmark)", any_value},
        {"b_min_score", &M::b_min_score, "(a score; 100 = at every benchmark)", any_value},
        {"c_min_score", &M::c_min_score, "(a score; 100 = at every benchmark)", any_value},
        {"min_land_below_scale", &M::min_land_below_scale, ">= 0 (mu)", non_negative},
        {"c_surcharge", &M::c_surcharge, ">= 0 (yuan per kWh)", non_negative},
        {"electricity_share", &M::electricity_share, kShare, unit_share},
        {"kwh_per_tce", &M::kwh_per_tce, "> 0 (kWh per tonne of coal equivalent)", positive},
        {"rectification_line", &M::rectification_line, ">= 0 (CNY 100 million of tax per mu)",
         non_negative},
        {"upgrade_probability", &M::upgrade_probability, kShare, unit_share},
        {"upgrade_productivity_uplift", &M::upgrade_productivity_uplift, kUplift, above_minus_one},
        {"upgrade_tax_uplift", &M::upgrade_tax_uplift, kUplift, above_minus_one},
        {"upgrade_land_return_share", &M::upgrade_land_return_share, kShare, unit_share}};
    read_numbers<M>(r, t, p, mu, numbers);
    read_booleans<M>(r, t, p, mu, {{"rectify_only_class_d", &M::rectify_only_class_d}});
    if (const toml::node* n =
            r.node(t, "d_surcharge", p, false, "an array of numbers >= 0 (yuan per kWh)")) {
      if (!n->is_array()) {
        r.error(r.at(*n), "mujun.d_surcharge",
                "expected an array of surcharges in yuan per kWh >= 0, by consecutive D year, "
                "e.g. [0.05, 0.10, 0.15], got " +
                    type_name(*n));
      } else {
        std::vector<double> out;
        bool ok = true;
        std::size_t i = 0;
        for (auto&& e : *n->as_array()) {
          const std::string ek = "mujun.d_surcharge[" + std::to_string(i++) + "]";
          const toml::node& located = e.source().begin.line ? e : *n;
          parsed.where[ek] = r.at(located);
          if (!e.is_number()) {
            r.error(r.at(located), ek,
                    "expected a number >= 0 (yuan per kWh), got " + type_name(e));
            ok = false;
          } else if (auto x = r.number_value(e, ek, ">= 0 (yuan per kWh)", non_negative)) {
            out.push_back(*x);
          } else {
            ok = false;
          }
        }
        if (ok) mu.d_surcharge = std::move(out);
      }
    }
    std::vector<std::pair<std::string, double>> values;
    for (const auto& f : numbers) values.emplace_back(f.key, mu.*f.member);
    rule_check(
        p, [&] { abm::validate(mu); }, values);
  }

  // [land]
  {
    abm::LandRules& la = fp.land;
    using L = abm::LandRules;
    const std::string p = "land";
    const toml::table* t = r.table(&root, "land", "");
    if (t) r.check_keys(*t, p, p);
    read_numbers<L>(
        r, t, p, la,
        {{"redevelopment_rate", &L::redevelopment_rate, kShare, unit_share},
         {"industrial_share", &L::industrial_share, kShare, unit_share},
         {"reference_industrial_share", &L::reference_industrial_share, kOpenShare,
          open_unit_share},
         {"approval_to_supply_ratio", &L::approval_to_supply_ratio, kNonNegative, non_negative},
         {"plot_ratio_cap", &L::plot_ratio_cap, "> 0 (floor area / land area)", positive}});
    read_integers<L>(r, t, p, la,
                     {{"redevelopment_lag", &L::redevelopment_lag, 0, 99, "from 0 to 99 (years)"}});
    read_booleans<L>(r, t, p, la, {{"partial_grants", &L::partial_grants}});
    rule_check(p, [&] { abm::validate(la); }, {});
  }
  r.set_firm_model(fm.enabled);

  if (industrial_ok && s.region.industrial_sectors.empty() &&
      (s.capacity.enabled || s.investment.industrial_base > 0 || s.firms.enabled)) {
    const bool listed = rg && rg->get("industrial_sectors");
    Where w = listed ? r.at(*rg->get("industrial_sectors")) : r.at(rg);
    r.error(w, "region.industrial_sectors",
            std::string(listed ? "is empty" : "missing") +
                "; expected the codes of the industrial sectors (needed because " +
                (s.capacity.enabled ? "capacity.enabled is true"
                 : s.firms.enabled  ? "firms.enabled is true"
                                    : "investment.industrial_base > 0") +
                "; set capacity.enabled = false otherwise)");
  }

  auto prob = [](double v) { return v >= 0 && v <= 1; };

  // [[programme]]
  {
    std::vector<std::string> names, keys;
    std::vector<Where> at;
    std::size_t i = 0;
    for (const toml::table* e : entries(r, &root, "programme", "")) {
      const std::string p = "programme[" + std::to_string(i++) + "]";
      if (!e) continue;
      r.check_keys(*e, "programme[]", p);
      Programme pg;
      if (auto v = r.string(e, "name", p, true)) {
        if (!identifier_like(*v))
          r.error(r.at(*e->get("name")), p + ".name",
                  "expected an identifier (letters, digits, '_' or '-', starting with a letter), "
                  "got '" +
                      *v + "'; put readable names in 'label'");
        pg.name = *v;
        names.push_back(*v);
        keys.push_back(p + ".name");
        at.push_back(r.at(*e->get("name")));
      }
      if (auto v = r.string(e, "label", p)) pg.label = *v;
      if (auto v = r.string(e, "source", p)) pg.source = *v;
      if (auto v = r.integer(e, "projects", p, false, 1, INT32_MAX, ">= 1"))
        pg.projects = static_cast<int>(*v);
      if (auto v = r.number(e, "investment", p, true, "> 0 (total, money unit of the table)",
                            [](double d) { return d > 0; }))
        pg.investment = *v;
      if (const toml::node* sp = r.node(e, "split", p, true,
                                        "a table SYSTEM/CLUSTER or sector code -> share, e.g. "
                                        "{ \"246/green_petrochemicals\" = 1.0 }")) {
        if (!sp->is_table()) {
          r.error(r.at(*sp), p + ".split",
                  "expected a table SYSTEM/CLUSTER or sector code -> share, got " + type_name(*sp));
        } else if (sp->as_table()->empty()) {
          r.error(r.at(*sp), p + ".split", "empty; expected at least one destination");
        } else {
          double sum = 0;
          bool ok = true;
          for (auto&& [k, v] : *sp->as_table()) {
            const std::string dest(k.str());
            const std::string full = p + ".split." + dest;
            parsed.where[full] = r.at(v);
            auto x = r.number_value(v, full, "in [0, 1] (a share of the investment)", prob);
            if (!x) {
              ok = false;
              continue;
            }
            sum += *x;
            pg.split.emplace_back(dest, *x);
          }
          if (ok && std::abs(sum - 1.0) > 1e-6)
            r.error(r.at(*sp), p + ".split",
                    "shares must sum to 1 (+-1e-6), they sum to " + fmt(sum));
        }
      }
      if (auto v = in_horizon(e, "start_year", p, true, false)) pg.start_year = *v;
      if (auto v = r.integer(e, "construction_years", p, false, 1, 100, ">= 1"))
        pg.construction_years = static_cast<int>(*v);
      if (auto v = r.integer(e, "ramp_up_years", p, false, 0, 100, ">= 0"))
        pg.ramp_up_years = static_cast<int>(*v);
      if (auto v = r.number(e, "delay_probability", p, false, "in [0, 1]", prob))
        pg.delay_probability = *v;
      if (auto v = r.integer(e, "max_delay_years", p, false, 1, 100, ">= 1"))
        pg.max_delay_years = static_cast<int>(*v);
      if (auto v = r.number(e, "failure_probability", p, false, "in [0, 1]", prob))
        pg.failure_probability = *v;
      if (auto v = r.boolean(e, "adds_capacity", p)) pg.adds_capacity = *v;
      if (auto v = r.boolean(e, "creates_firms", p)) pg.creates_firms = *v;
      s.programmes.push_back(std::move(pg));
    }
    check_unique(r, names, keys, at, "programme name");
  }

  // [[exogenous_investment]]
  {
    std::vector<std::string> names, keys;
    std::vector<Where> at;
    std::size_t i = 0;
    for (const toml::table* e : entries(r, &root, "exogenous_investment", "")) {
      const std::string p = "exogenous_investment[" + std::to_string(i++) + "]";
      if (!e) continue;
      r.check_keys(*e, "exogenous_investment[]", p);
      ExogenousInvestment x;
      if (auto v = r.string(e, "name", p, true)) {
        x.name = *v;
        names.push_back(*v);
        keys.push_back(p + ".name");
        at.push_back(r.at(*e->get("name")));
      }
      if (auto v = r.string(e, "target", p, true)) x.target = *v;
      if (auto v = in_horizon(e, "year", p, true, false)) x.year = *v;
      if (auto v = r.number(e, "amount", p, true, "> 0 (money unit of the table)",
                            [](double d) { return d > 0; }))
        x.amount = *v;
      if (auto v = r.integer(e, "construction_years", p, false, 1, 100, ">= 1"))
        x.construction_years = static_cast<int>(*v);
      if (auto v = r.boolean(e, "adds_capacity", p)) x.adds_capacity = *v;
      s.exogenous_investment.push_back(std::move(x));
    }
    check_unique(r, names, keys, at, "exogenous investment name");
  }

  // [[target]]
  {
    std::vector<std::string> names, keys;
    std::vector<Where> at;
    std::size_t i = 0;
    for (const toml::table* e : entries(r, &root, "target", "")) {
      const std::string p = "target[" + std::to_string(i++) + "]";
      if (!e) continue;
      r.check_keys(*e, "target[]", p);
      Target t;
      if (auto v = r.string(e, "id", p, true)) {
        t.id = *v;
        names.push_back(*v);
        keys.push_back(p + ".id");
        at.push_back(r.at(*e->get("id")));
      }
      if (auto v = r.string(e, "needs", p)) t.needs = *v;
      // A firm-model target in a run without the firm model is listed as not evaluated (so that
      // `--set firms.enabled=false` runs the same file), not an error.
      if (t.needs.empty() && r.uses_firm_model(e) && !r.firm_model())
        t.needs = "the firm model ([firms] enabled = true)";
      const bool evaluated = t.needs.empty();
      if (auto v = r.string(e, "text", p)) t.text = *v;
      if (auto v = r.string(e, "source", p)) t.source = *v;
      if (auto v = r.string(e, "programme", p)) t.programme = *v;
      if (auto v = r.string(e, "unit", p)) t.unit = *v;
      if (auto v = r.series(e, p, evaluated, evaluated)) t.series = *v;
      if (auto v = r.string(e, "kind", p)) {
        static const std::vector<std::string> kinds = {"level", "growth", "cagr", "share",
                                                       "change"};
        auto it = std::find(kinds.begin(), kinds.end(), *v);
        if (it == kinds.end())
          r.error(r.at(*e->get("kind")), p + ".kind",
                  "expected one of level, growth, cagr, share, change, got '" + *v + "'" +
                      did_you_mean(*v, kinds));
        else
          t.kind = static_cast<Target::Kind>(it - kinds.begin());
      }
      if (auto v = r.string(e, "op", p)) {
        if (*v == ">=" || *v == "at_least")
          t.op = Target::Op::at_least;
        else if (*v == "<=" || *v == "at_most")
          t.op = Target::Op::at_most;
        else
          r.error(r.at(*e->get("op")), p + ".op",
                  "expected \">=\" (or \"at_least\") or \"<=\" (or \"at_most\"), got '" + *v + "'");
      }
      if (auto v = r.any_number(e, "threshold", p, evaluated)) t.threshold = *v;
      // The year is range-checked when the target is evaluated or names a metric.
      const bool check_year = evaluated || e->get("metric");
      if (check_year) {
        if (auto v = in_horizon(e, "year", p, evaluated, false)) t.year = *v;
      } else if (auto v = r.integer(e, "year", p, false, 1900, 2300, "(a year)")) {
        t.year = static_cast<int>(*v);
      }
      if (auto v = r.integer(e, "base_year", p, false, 1900, 2300, "(a year)")) {
        const int b = static_cast<int>(*v);
        if (years_known && t.year && !(b >= s.base_year && b < t.year))
          r.error(r.at(*e->get("base_year")), p + ".base_year",
                  "expected a year from the scenario's base_year " + std::to_string(s.base_year) +
                      " to before the target's year " + std::to_string(t.year) + ", got " +
                      std::to_string(b));
        else
          t.base_year = b;
      }
      const toml::node* den = e->get("denominator");
      if (t.kind == Target::Kind::share) {
        if (!den) {
          if (evaluated)
            r.error(r.at(*e), p + ".denominator",
                    "missing; a share target needs denominator = { metric = \"...\" }");
        } else if (!den->is_table()) {
          r.error(r.at(*den), p + ".denominator",
                  "expected a table { metric = \"...\", select = [...] }, got " + type_name(*den));
        } else {
          parsed.where[p + ".denominator"] = r.at(*den);
          r.check_keys(*den->as_table(), "target[].denominator", p + ".denominator");
          if (auto d = r.series(den->as_table(), p + ".denominator", true, evaluated))
            t.denominator = *d;
        }
      } else if (den) {
        r.error(r.at(*den), p + ".denominator",
                "only share targets (kind = \"share\") take a denominator");
      }
      s.targets.push_back(std::move(t));
    }
    check_unique(r, names, keys, at, "target id");
  }

  // [[actual]]
  {
    std::size_t i = 0;
    for (const toml::table* e : entries(r, &root, "actual", "")) {
      const std::string p = "actual[" + std::to_string(i++) + "]";
      if (!e) continue;
      r.check_keys(*e, "actual[]", p);
      Actual a;
      if (auto v = r.series(e, p, true)) a.series = *v;
      if (auto v = in_horizon(e, "year", p, true, true)) a.year = *v;
      if (auto v = r.any_number(e, "value", p, true)) a.value = *v;
      if (auto v = r.string(e, "unit", p)) a.unit = *v;
      if (auto v = r.string(e, "source", p)) a.source = *v;
      s.actuals.push_back(std::move(a));
    }
  }

  s.resolved_toml = resolved_text(root, fs::path(s.file).parent_path().string());
  return parsed;
}

}  // namespace icsim::scenario::detail
