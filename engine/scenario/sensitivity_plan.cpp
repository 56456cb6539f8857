// The parameters file of icsim sensitivity (include/icsim/scenario/sensitivity_plan.hpp).
#include "icsim/scenario/sensitivity_plan.hpp"

#include <algorithm>
#include <filesystem>

#include "section_reader.hpp"

namespace icsim::scenario {
namespace {

using detail::SectionReader;

std::optional<std::string> choice(SectionReader& r, const toml::table& t, const char* name,
                                  const std::vector<std::string>& allowed) {
  const toml::node* n = t.get(name);
  if (n == nullptr) return std::nullopt;
  auto quoted = [](const std::string& text) {
    std::string q(1, '"');
    q.append(text).push_back('"');
    return q;
  };
  std::string list;
  for (const auto& a : allowed) list.append(list.empty() ? "" : ", ").append(quoted(a));
  const auto v = n->value<std::string>();
  if (!n->is_string() || !v || std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    r.error(n, std::string("sensitivity.") + name,
            "expected one of " + list + ", got " +
                (n->is_string() ? quoted(v.value_or("")) : detail::type_name(*n)));
    return std::nullopt;
  }
  return v;
}

SensitivityOutput read_output(SectionReader& r, const toml::table& t, const std::string& prefix) {
  SensitivityOutput o;
  r.check_keys(t, prefix, {"metric", "select", "year", "prices"});
  const auto where = detail::where_of(t.source(), r.file());
  o.where = where.file + ":" + std::to_string(where.line);
  const toml::node* m = t.get("metric");
  if (m && m->is_string() && !m->value<std::string>()->empty())
    o.series.metric = *m->value<std::string>();
  else
    r.error(m ? m : &t, prefix + ".metric",
            "expected a result variable, e.g. metric = \"clusters/output\" (docs/results.md)");
  if (const toml::node* s = t.get("select")) {
    const toml::array* a = s->as_array();
    if (a == nullptr) r.error(s, prefix + ".select", "expected an array of codes");
    for (std::size_t i = 0; a && i < a->size(); ++i) {
      if (auto code = a->get(i)->value<std::string>(); code && a->get(i)->is_string())
        o.series.select.push_back(*code);
      else
        r.error(a->get(i), prefix + ".select", "expected a code (a string)");
    }
  }
  if (const toml::node* p = t.get("prices")) {
    const auto v = p->value<std::string>();
    if (!p->is_string() || (*v != "current" && *v != "constant"))
      r.error(p, prefix + ".prices", "expected \"current\" or \"constant\"");
    else
      o.series.constant_prices = *v == "constant";
  }
  if (!t.contains("year")) r.error(&t, prefix + ".year", "missing: the year of the series");
  if (auto y = r.integer(t, "year", prefix, 1900, 2200)) o.year = static_cast<int>(*y);
  o.name = o.series.metric;
  if (!o.series.select.empty()) {
    o.name += "[";
    for (std::size_t i = 0; i < o.series.select.size(); ++i)
      o.name += (i ? "," : "") + o.series.select[i];
    o.name += "]";
  }
  if (o.series.constant_prices) o.name += " constant prices";
  o.name += " " + std::to_string(o.year);
  return o;
}

}  // namespace

SensitivityPlan read_sensitivity_plan(const std::string& path,
                                      const std::vector<Override>& overrides) {
  SensitivityPlan plan;
  // The ranges first: their reader names every problem of [[sensitivity.parameter]].
  plan.parameters = read_parameter_ranges(path, "sensitivity", overrides);
  detail::Sink sink;
  std::optional<toml::table> document = detail::read_document(path, overrides, sink);
  const std::string file = std::filesystem::absolute(path).lexically_normal().string();
  SectionReader r(file, "sensitivity", sink);
  r.fail_if_any();
  const toml::node* node = document ? document->get("sensitivity") : nullptr;
  const toml::table* s = node ? node->as_table() : nullptr;
  if (s == nullptr) {
    r.error(node, "sensitivity", "expected a table [sensitivity]");
    r.fail_if_any();
  }
  r.check_keys(*s, "sensitivity",
               {"method", "trajectories", "levels", "base_size", "estimator", "bootstrap",
                "confidence_level", "replications", "seed", "parameter", "output"});
  if (auto m = choice(r, *s, "method", {"morris", "sobol"})) plan.method = *m;
  if (auto e = choice(r, *s, "estimator", {"saltelli", "jansen", "mauntz_kucherenko", "martinez"}))
    plan.estimator = *e;
  if (auto v = r.integer(*s, "trajectories", "sensitivity", 2, 100'000))
    plan.trajectories = static_cast<int>(*v);
  if (auto v = r.integer(*s, "levels", "sensitivity", 2, 1'000)) {
    if (*v % 2 != 0)
      r.error(s->get("levels"), "sensitivity.levels",
              "expected an even number of levels (the step Delta = p / (2 (p - 1)) pairs "
              "levels), got " +
                  std::to_string(*v));
    else
      plan.levels = static_cast<int>(*v);
  }
  if (auto v = r.integer(*s, "base_size", "sensitivity", 2, 10'000'000))
    plan.base_size = static_cast<int>(*v);
  if (auto v = r.integer(*s, "bootstrap", "sensitivity", 1, 100'000))
    plan.bootstrap = static_cast<int>(*v);
  if (auto v = r.integer(*s, "replications", "sensitivity", 1, 10'000'000))
    plan.replications = static_cast<int>(*v);
  if (auto v = r.integer(*s, "seed", "sensitivity", 0, INT64_MAX))
    plan.seed = static_cast<std::uint64_t>(*v);
  if (const toml::node* c = s->get("confidence_level")) {
    if (auto v = r.number(c, "sensitivity.confidence_level")) {
      if (*v > 0 && *v < 1)
        plan.confidence_level = *v;
      else
        r.error(c, "sensitivity.confidence_level", "expected a number between 0 and 1");
    }
  }
  if (const toml::node* o = s->get("output")) {
    const toml::array* list = o->as_array();
    if (list == nullptr) r.error(o, "sensitivity.output", "expected [[sensitivity.output]] tables");
    for (std::size_t i = 0; list && i < list->size(); ++i) {
      const std::string prefix = "sensitivity.output[" + std::to_string(i + 1) + "]";
      if (const toml::table* t = list->get(i)->as_table())
        plan.outputs.push_back(read_output(r, *t, prefix));
      else
        r.error(list->get(i), prefix, "expected a table");
    }
  }
  r.fail_if_any();
  return plan;
}

}  // namespace icsim::scenario
