// Growth specs (a number or a distribution table, docs/scenario-reference.md "Growth specs") and
// the sections made of them: [region], [growth], [prices], [capacity], [investment],
// [households], [output].
#include <algorithm>
#include <map>

#include "reader.hpp"

namespace icsim::scenario::detail {

namespace {
const Range kAboveMinusOne{-1, std::numeric_limits<double>::infinity(), true};
const Range kNonNegative{0, std::numeric_limits<double>::infinity()};
}  // namespace

std::optional<Growth> Reader::growth(const toml::node& n, const std::string& full,
                                     const std::string& pattern) {
  where_[full] = at(n);
  Growth g;
  if (n.is_number()) {
    auto v = number_value(n, full, kAboveMinusOne, "> -1 (an annual rate: 0.05 = 5 %)");
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
  if (!distribution(t, full, g.rate)) return std::nullopt;
  if (auto py = boolean(t, "per_year", full)) g.per_year = *py;
  if (auto cl = any_number(t, "common_loading", full, false)) g.common_loading = *cl;
  return g;
}

// The distribution of a growth spec table: its kind and parameters, each checked.
bool Reader::distribution(const toml::table* t, const std::string& full, Distribution& d) {
  auto dist = string(t, "distribution", full, true);
  if (!dist) return false;
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
    return false;
  }
  d.kind = kind->second.first;
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
  if (!ok) return false;
  const Range any;
  switch (d.kind) {
    case Distribution::Kind::constant: {
      auto m = number(t, "mean", full, true, kAboveMinusOne, "> -1");
      if (!m) return false;
      d.mean = *m;
      return true;
    }
    case Distribution::Kind::normal: {
      auto m = number(t, "mean", full, true, any, "");
      auto s = number(t, "sd", full, true, kNonNegative, ">= 0");
      if (!m || !s) return false;
      d.mean = *m;
      d.sd = *s;
      return true;
    }
    case Distribution::Kind::lognormal: {
      auto m = number(t, "median", full, true, kAboveMinusOne, "> -1 (the median growth rate)");
      auto s = number(t, "sigma", full, true, kNonNegative, ">= 0");
      if (!m || !s) return false;
      d.median = *m;
      d.sigma = *s;
      return true;
    }
    case Distribution::Kind::triangular: {
      auto lo = number(t, "low", full, true, kAboveMinusOne, "> -1");
      auto mo = number(t, "mode", full, true, any, "");
      auto hi = number(t, "high", full, true, any, "");
      if (!lo || !mo || !hi) return false;
      if (!(*lo <= *mo && *mo <= *hi)) {
        error(at(*t), full,
              "triangular distribution needs low <= mode <= high, got low = " + fmt(*lo) +
                  ", mode = " + fmt(*mo) + ", high = " + fmt(*hi));
        return false;
      }
      d.low = *lo;
      d.mode = *mo;
      d.high = *hi;
      return true;
    }
    case Distribution::Kind::uniform: {
      auto lo = number(t, "low", full, true, kAboveMinusOne, "> -1");
      auto hi = number(t, "high", full, true, any, "");
      if (!lo || !hi) return false;
      if (!(*lo <= *hi)) {
        error(at(*t), full,
              "uniform distribution needs low <= high, got low = " + fmt(*lo) +
                  ", high = " + fmt(*hi));
        return false;
      }
      d.low = *lo;
      d.high = *hi;
      return true;
    }
  }
  return true;
}

// [region], [growth]
void parse_region_and_growth(Section& c) {
  const toml::table* rg = c.sub_table(&c.root, "region");
  c.read_all({rg, "region", "region"}, [&](const KeyInfo& k) {
    if (k.name() != "industrial_sectors") return false;
    c.industrial_ok = c.read(k, {rg, "region", "region"}) != Read::bad;
    return true;
  });

  const toml::table* gr = c.sub_table(&c.root, "growth");
  c.read_all({gr, "growth", "growth"}, [&](const KeyInfo& k) {
    if (k.name() == "final_demand") {
      if (const toml::table* fd = c.r.table(gr, "final_demand", "growth"))
        for (auto&& [key, v] : *fd) {
          const std::string label(key.str());
          if (auto g = c.r.growth(v, "growth.final_demand." + label, "growth.final_demand.*"))
            c.s.growth.final_demand.emplace_back(label, *g);
        }
      return true;
    }
    if (k.name() != "sector_group") return false;
    std::size_t i = 0;
    for (const toml::table* e : c.entries(gr, "sector_group", "growth")) {
      const std::string p = "growth.sector_group[" + std::to_string(i++) + "]";
      if (!e) continue;
      c.r.check_keys(*e, "growth.sector_group[]", p);
      const std::size_t index = c.s.growth.sector_groups.size();
      c.s.growth.sector_groups.emplace_back();
      const TablePlace place{e, "growth.sector_group[]", p, index};
      c.read_all(place, [&](const KeyInfo& g) {
        if (g.name() == "name") {
          if (c.read(g, place) == Read::ok)
            c.add_name(c.s.growth.sector_groups[index].name, p + ".name", c.r.at(*e->get("name")));
          return true;
        }
        if (g.name() == "growth" && !e->get("sectors") && !e->get("clusters"))
          c.r.error(c.r.at(*e), p,
                    "needs 'sectors' or 'clusters' (the products whose demand grows)");
        return false;
      });
    }
    c.check_unique("sector group name");
    return true;
  });
}

// [prices], [capacity], [investment], [satellites], [households], [output]
void parse_economy(Section& c) {
  for (const char* section : {"prices", "capacity", "investment", "satellites", "output"}) {
    const toml::table* t = c.sub_table(&c.root, section);
    c.read_all({t, section, section});
  }
  const toml::table* hh = c.sub_table(&c.root, "households");
  const TablePlace place{hh, "households", "households"};
  c.read_all(place, [&](const KeyInfo& k) {
    if (k.name() != "column") return false;
    if (auto v = c.r.string(hh, "column", "households")) {
      if (v->empty())
        c.r.error(c.r.at(*hh->get("column")), "households.column",
                  "empty; expected the final-demand column of household consumption, e.g. "
                  "\"household\"");
      else
        c.s.households.column = *v;
    }
    return true;
  });
}

}  // namespace icsim::scenario::detail
