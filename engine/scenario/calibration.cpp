// The [calibration] section (include/icsim/scenario/calibration.hpp). Read from the resolved
// document, so a calibration file may `extends` a scenario and --set may change the calibration
// itself; its keys are checked here (the scenario schema leaves [calibration] alone).
#include "icsim/scenario/calibration.hpp"

#include <filesystem>
#include <sstream>

#include "icsim/common/error.hpp"
#include "icsim/scenario/sweep.hpp"
#include "section_reader.hpp"

namespace icsim::scenario {
namespace {

namespace fs = std::filesystem;
using detail::SectionReader;

// A string key; nullopt (and an error when present but not a non-empty string) otherwise.
std::optional<std::string> text(SectionReader& r, const toml::table& t, const std::string& name,
                                const std::string& prefix) {
  const toml::node* n = t.get(name);
  if (n == nullptr) return std::nullopt;
  if (!n->is_string() || n->value<std::string>()->empty()) {
    r.error(n, prefix + "." + name, "expected a non-empty string, got " + detail::type_name(*n));
    return std::nullopt;
  }
  return *n->value<std::string>();
}

// A path written in the file that holds the node, made absolute against that file's folder.
std::string path_from(const toml::node& n, const std::string& written, const std::string& file) {
  const fs::path p(written);
  if (p.is_absolute()) return p.lexically_normal().string();
  const auto where = detail::where_of(n.source(), file);
  return (fs::path(where.file).parent_path() / p).lexically_normal().string();
}

std::string choice(SectionReader& r, const toml::table& t, const std::string& name,
                   const std::vector<std::string>& allowed, const std::string& fallback) {
  const auto v = text(r, t, name, "calibration");
  if (!v) return fallback;
  for (const auto& a : allowed)
    if (*v == a) return *v;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
  r.error(t.get(name), "calibration." + name, "expected one of " + list + ", got \"" + *v + "\"");
  return fallback;
}

CalibrationMoment read_moment(SectionReader& r, const toml::table& t, const std::string& prefix,
                              const std::string& file) {
  r.check_keys(
      t, prefix,
      {"observed", "metric", "scope", "year", "value", "unit", "source", "weight", "tolerance"});
  CalibrationMoment m;
  const auto where = detail::where_of(t.source(), file);
  m.where = where.file + ":" + std::to_string(where.line);
  if (const auto id = text(r, t, "observed", prefix)) {
    m.observed_id = *id;
    for (const char* k : {"metric", "scope", "year", "value", "unit", "source"})
      if (t.contains(k))
        r.error(t.get(k), prefix + "." + k,
                "the observed row gives it: expected either observed = \"ID\" or metric, year, "
                "value and unit, not both");
  } else {
    if (!t.contains("metric") || !t.contains("year") || !t.contains("value") || !t.contains("unit"))
      r.error(&t, prefix,
              "expected observed = \"ID\" (a row of the observed file) or metric, year, value "
              "and unit");
    m.metric = text(r, t, "metric", prefix).value_or("");
    m.scope = text(r, t, "scope", prefix).value_or("");
    m.unit = text(r, t, "unit", prefix).value_or("");
    m.source = text(r, t, "source", prefix).value_or("");
    m.year = static_cast<int>(r.integer(t, "year", prefix, 1, 9999).value_or(0));
    if (const auto v = r.number(t.get("value"), prefix + ".value")) {
      m.value = *v;
      if (*v == 0)
        r.error(t.get("value"), prefix + ".value",
                "expected a non-zero value: deviations are relative to it");
    }
  }
  const auto weight = r.number(t.get("weight"), prefix + ".weight");
  const auto tolerance = r.number(t.get("tolerance"), prefix + ".tolerance");
  if (weight && !(*weight > 0))
    r.error(t.get("weight"), prefix + ".weight", "expected a weight > 0");
  if (tolerance && !(*tolerance > 0))
    r.error(t.get("tolerance"), prefix + ".tolerance",
            "expected a relative tolerance > 0 (0.1 = 10 %)");
  if (tolerance && *tolerance > 0) m.tolerance = *tolerance;
  if (weight && *weight > 0)
    m.weight = *weight;
  else if (m.tolerance > 0)
    m.weight = 1 / (m.tolerance * m.tolerance);
  return m;
}

}  // namespace

CalibrationPlan read_calibration_plan(const std::string& path,
                                      const std::vector<Override>& overrides,
                                      std::uint64_t default_seed, int default_replications) {
  detail::Sink sink;
  std::optional<toml::table> document = detail::read_document(path, overrides, sink);
  const std::string file = fs::absolute(path).lexically_normal().string();
  SectionReader r(file, "calibration", sink);
  r.fail_if_any();
  const toml::node* node = document ? document->get("calibration") : nullptr;
  const toml::table* c = node ? node->as_table() : nullptr;
  if (c == nullptr) {
    r.error(node, "calibration",
            "expected a [calibration] section with [[calibration.parameter]] and "
            "[[calibration.moment]] tables (docs/calibrate.md)");
    r.fail_if_any();
  }
  CalibrationPlan plan;
  const auto where = detail::where_of(c->source(), file);
  plan.where = where.file + ":" + std::to_string(where.line);
  r.check_keys(
      *c, "calibration",
      {"observed", "global_method", "global_evaluations", "local_method", "local_evaluations",
       "replications", "seed", "parameters_for", "parameter", "moment"});
  plan.global_method =
      choice(r, *c, "global_method", {"latin_hypercube", "crs2", "isres"}, "latin_hypercube");
  plan.local_method = choice(r, *c, "local_method", {"bobyqa", "neldermead"}, "bobyqa");
  plan.global_evaluations = static_cast<int>(
      r.integer(*c, "global_evaluations", "calibration", 1, 1'000'000).value_or(0));
  plan.local_evaluations =
      static_cast<int>(r.integer(*c, "local_evaluations", "calibration", 0, 1'000'000).value_or(0));
  if (!c->contains("global_evaluations"))
    r.error(c, "calibration.global_evaluations",
            "missing: expected the number of points the global stage evaluates (>= 1)");
  plan.replications = static_cast<int>(
      r.integer(*c, "replications", "calibration", 1, 1'000'000).value_or(default_replications));
  plan.seed = static_cast<std::uint64_t>(r.integer(*c, "seed", "calibration", 0, INT64_MAX)
                                             .value_or(static_cast<std::int64_t>(default_seed)));
  if (const auto o = text(r, *c, "observed", "calibration"))
    plan.observed_file = path_from(*c->get("observed"), *o, file);
  if (const auto o = text(r, *c, "parameters_for", "calibration"))
    plan.parameters_for = path_from(*c->get("parameters_for"), *o, file);

  const toml::node* list_node = c->get("moment");
  const toml::array* list = list_node ? list_node->as_array() : nullptr;
  if (list == nullptr || list->empty())
    r.error(list_node ? list_node : c, "calibration.moment",
            "expected one or more [[calibration.moment]] tables, each with observed = \"ID\" or "
            "metric, year, value and unit");
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    const std::string prefix = "calibration.moment[" + std::to_string(i + 1) + "]";
    if (const toml::table* t = list->get(i)->as_table())
      plan.moments.push_back(read_moment(r, *t, prefix, file));
    else
      r.error(list->get(i), prefix, "expected a table");
  }
  r.fail_if_any();
  // The parent this file names itself (the resolved document no longer says).
  try {
    const toml::table own = toml::parse_file(file);
    if (const auto e = own["extends"].value<std::string>())
      plan.extends = (fs::path(file).parent_path() / *e).lexically_normal().string();
  } catch (const toml::parse_error&) {
    // read_document above has parsed it already
  }
  plan.parameters = read_parameter_ranges(path, "calibration", overrides);
  return plan;
}

std::optional<double> number_at(const std::string& resolved_toml, const std::string& key) {
  try {
    const toml::table document = toml::parse(resolved_toml);
    const toml::node* n = document.at_path(key).node();
    if (n != nullptr && (n->is_integer() || n->is_floating_point())) return n->value<double>();
  } catch (const toml::parse_error&) {
  }
  return std::nullopt;
}

std::string setting_line(const std::string& resolved_toml, const std::string& key,
                         const std::string& value_text) {
  const auto dot = key.rfind('.');
  if (dot == std::string::npos) return key + " = " + value_text;
  const std::string parent = key.substr(0, dot), field = key.substr(dot + 1);
  try {
    const toml::table document = toml::parse(resolved_toml);
    const toml::table* t = document.at_path(parent).as_table();
    if (t == nullptr || !t->is_inline()) return key + " = " + value_text;
    std::string line = parent + " = {";
    bool first = true, seen = false;
    for (auto&& [k, v] : *t) {
      std::ostringstream text;
      if (k.str() == field) {
        text << value_text;
        seen = true;
      } else {
        if (const auto d = v.as_floating_point())
          text << number_text(d->get());  // the shortest text that reads back as the value
        else
          v.visit([&](auto&& node) { text << node; });
      }
      line += std::string(first ? " " : ", ") + std::string(k.str()) + " = " + text.str();
      first = false;
    }
    if (!seen) line += std::string(first ? " " : ", ") + field + " = " + value_text;
    return line + " }";
  } catch (const toml::parse_error&) {
    return key + " = " + value_text;
  }
}

}  // namespace icsim::scenario
