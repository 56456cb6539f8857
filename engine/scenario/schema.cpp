// The schema pass: the merged document becomes a Scenario; every unknown key, wrong type,
// out-of-range value, duplicate and missing key is reported (docs/scenario-reference.md).
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

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
                                                 "sectors/imports"};
  return names;
}

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

  // A Series: metric and select of a target, denominator or actual.
  std::optional<Series> series(const toml::table* t, const std::string& prefix, bool required) {
    auto metric = string(t, "metric", prefix, required);
    Series s;
    if (!metric) return std::nullopt;
    const auto& names = metric_names();
    const std::string full = dotted(prefix, "metric");
    if (std::find(names.begin(), names.end(), *metric) == names.end()) {
      error(at(*t->get("metric")), full,
            "unknown metric '" + *metric + "'" + did_you_mean(*metric, names) +
                " (expected region/<variable>, clusters/<variable> or sectors/<variable>; valid: " +
                join(names, ", ") + ")");
      return std::nullopt;
    }
    s.metric = *metric;
    const bool region = metric->rfind("region/", 0) == 0;
    const toml::node* sel = t->get("select");
    if (region) {
      if (sel) {
        error(at(*sel), dotted(prefix, "select"),
              "region metrics take no selection (select is for clusters/ and sectors/ metrics)");
        return std::nullopt;
      }
      return s;
    }
    const bool clusters = metric->rfind("clusters/", 0) == 0;
    auto codes = strings(t, "select", prefix, true,
                         clusters ? "[\"361-2023/*\"] or [\"246/green_petrochemicals\"]"
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

  if (industrial_ok && s.region.industrial_sectors.empty() &&
      (s.capacity.enabled || s.investment.industrial_base > 0)) {
    const bool listed = rg && rg->get("industrial_sectors");
    Where w = listed ? r.at(*rg->get("industrial_sectors")) : r.at(rg);
    r.error(
        w, "region.industrial_sectors",
        std::string(listed ? "is empty" : "missing") +
            "; expected the codes of the industrial sectors (needed because " +
            (s.capacity.enabled ? "capacity.enabled is true" : "investment.industrial_base > 0") +
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
      const bool evaluated = t.needs.empty();
      if (auto v = r.string(e, "text", p)) t.text = *v;
      if (auto v = r.string(e, "source", p)) t.source = *v;
      if (auto v = r.string(e, "programme", p)) t.programme = *v;
      if (auto v = r.string(e, "unit", p)) t.unit = *v;
      if (auto v = r.series(e, p, evaluated)) t.series = *v;
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
          if (auto d = r.series(den->as_table(), p + ".denominator", true)) t.denominator = *d;
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
