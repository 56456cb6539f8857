// [[target]] and [[actual]]: keys from the key list (keys_model.cpp); here what depends on other
// keys: a target with `needs` may omit its metric, year and threshold; op's aliases; base_year
// before year; the denominator of share targets. Metrics are checked in series_check.cpp.
#include "reader.hpp"

namespace icsim::scenario::detail {

namespace {

void read_op(Section& c, const toml::table* e, const std::string& p, Target& t) {
  auto v = c.r.string(e, "op", p);
  if (!v) return;
  if (*v == ">=" || *v == "at_least")
    t.op = Target::Op::at_least;
  else if (*v == "<=" || *v == "at_most")
    t.op = Target::Op::at_most;
  else
    c.r.error(c.r.at(*e->get("op")), p + ".op",
              "expected \">=\" (or \"at_least\") or \"<=\" (or \"at_most\"), got '" + *v + "'");
}

void read_base_year(Section& c, const KeyInfo& k, const toml::table* e, const std::string& p,
                    Target& t) {
  auto v = c.r.integer(e, "base_year", p, false, k.range, std::string(k.expected));
  if (!v) return;
  const int b = static_cast<int>(*v);
  if (c.years_known() && t.year && !(b >= c.s.base_year && b < t.year))
    c.r.error(c.r.at(*e->get("base_year")), p + ".base_year",
              "expected a year from the scenario's base_year " + std::to_string(c.s.base_year) +
                  " to before the target's year " + std::to_string(t.year) + ", got " +
                  std::to_string(b));
  else
    t.base_year = b;
}

void read_denominator(Section& c, const toml::table* e, const std::string& p, Target& t,
                      bool evaluated) {
  const toml::node* den = e->get("denominator");
  if (t.kind != Target::Kind::share) {
    if (den)
      c.r.error(c.r.at(*den), p + ".denominator",
                "only share targets (kind = \"share\") take a denominator");
    return;
  }
  if (!den) {
    if (evaluated)
      c.r.error(c.r.at(*e), p + ".denominator",
                "missing; a share target needs denominator = { metric = \"...\" }");
  } else if (!den->is_table()) {
    c.r.error(c.r.at(*den), p + ".denominator",
              "expected a table { metric = \"...\", select = [...] }, got " + type_name(*den));
  } else {
    c.parsed.where[p + ".denominator"] = c.r.at(*den);
    c.r.check_keys(*den->as_table(), "target[].denominator", p + ".denominator");
    if (auto d = c.r.series(den->as_table(), p + ".denominator", true, evaluated))
      t.denominator = *d;
  }
}

}  // namespace

void parse_targets(Section& c) {
  std::size_t i = 0;
  for (const toml::table* e : c.entries(&c.root, "target", "")) {
    const std::string p = "target[" + std::to_string(i++) + "]";
    if (!e) continue;
    c.r.check_keys(*e, "target[]", p);
    const std::size_t index = c.s.targets.size();
    c.s.targets.emplace_back();
    Target& t = c.s.targets.back();
    const TablePlace place{e, "target[]", p, index};
    // `needs` first: what is required depends on it.
    c.read(*find_key("target[].needs"), place);
    // A firm-model target in a run without the firm model is listed as not evaluated (so that
    // `--set firms.enabled=false` runs the same file), not an error.
    if (t.needs.empty() && c.r.uses_firm_model(e) && !c.r.firm_model())
      t.needs = "the firm model ([firms] enabled = true)";
    const bool evaluated = t.needs.empty();
    c.read_all(place, [&](const KeyInfo& k) {
      const std::string name(k.name());
      if (name == "id") {
        if (c.read(k, place) == Read::ok) c.add_name(t.id, p + ".id", c.r.at(*e->get("id")));
      } else if (name == "metric") {
        if (auto v = c.r.series(e, p, evaluated, evaluated)) t.series = *v;
      } else if (name == "op") {
        read_op(c, e, p, t);
      } else if (name == "threshold") {
        if (auto v = c.r.number(e, name, p, evaluated, k.range, std::string(k.expected)))
          t.threshold = *v;
      } else if (name == "year") {
        // The year is range-checked when the target is evaluated or names a metric.
        if (evaluated || e->get("metric")) {
          if (auto v = c.in_horizon(e, "year", p, evaluated, false)) t.year = *v;
        } else if (auto v = c.r.integer(e, "year", p, false, Range{1900, 2300}, "(a year)")) {
          t.year = static_cast<int>(*v);
        }
      } else if (name == "base_year") {
        read_base_year(c, k, e, p, t);
      } else if (name == "denominator") {
        read_denominator(c, e, p, t, evaluated);
      } else {
        // select and prices: read with the metric; needs: above
        return name == "select" || name == "prices" || name == "needs";
      }
      return true;
    });
  }
  c.check_unique("target id");
}

void parse_actuals(Section& c) {
  std::size_t i = 0;
  for (const toml::table* e : c.entries(&c.root, "actual", "")) {
    const std::string p = "actual[" + std::to_string(i++) + "]";
    if (!e) continue;
    c.r.check_keys(*e, "actual[]", p);
    const std::size_t index = c.s.actuals.size();
    c.s.actuals.emplace_back();
    c.read_all({e, "actual[]", p, index}, [&](const KeyInfo& k) {
      if (k.name() == "metric")
        if (auto v = c.r.series(e, p, true)) c.s.actuals[index].series = *v;
      return k.type == KeyType::custom;  // metric, select, prices: read together
    });
  }
}

}  // namespace icsim::scenario::detail
