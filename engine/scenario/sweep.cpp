// The [sweep] section (include/icsim/scenario/sweep.hpp). Read from the resolved document, so a
// sweep file may `extends` another and --set may change the sweep itself; its keys are checked
// here (the scenario schema leaves [sweep] alone).
#include "icsim/scenario/sweep.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <set>

#include "icsim/common/error.hpp"
#include "icsim/common/random.hpp"
#include "section_reader.hpp"

namespace icsim::scenario {
namespace {

using detail::Sink;

using SweepReader = detail::SectionReader;

// The text --set would carry for a value: integers stay integers (a key the schema types as an
// integer then accepts it).
std::string value_text(double value, bool integer) {
  if (integer) return std::to_string(static_cast<long long>(std::llround(value)));
  return number_text(value);
}

struct Parameter {
  std::string key;
  std::vector<double> values;  // grid: the values; latin_hypercube: empty
  double low = 0, high = 0;
  bool integer = false;
  bool values_integer = false;  // every written value was a TOML integer
  const toml::node* at = nullptr;
};

}  // namespace

std::string number_text(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::vector<double> latin_hypercube(int samples, int dimensions, std::uint64_t seed) {
  std::vector<double> out(static_cast<std::size_t>(samples) * static_cast<std::size_t>(dimensions));
  std::vector<int> strata(static_cast<std::size_t>(samples));
  for (int d = 0; d < dimensions; ++d) {
    // Fisher-Yates with keyed uniforms: the permutation depends on (seed, dimension) only.
    std::iota(strata.begin(), strata.end(), 0);
    for (int i = samples - 1; i > 0; --i) {
      const double u = keyed_uniform(seed, 0, draws::sweep_shuffle, static_cast<std::uint32_t>(d),
                                     static_cast<std::uint32_t>(i));
      const int j = std::min(i, static_cast<int>(u * (i + 1)));
      std::swap(strata[static_cast<std::size_t>(i)], strata[static_cast<std::size_t>(j)]);
    }
    for (int i = 0; i < samples; ++i) {
      const double u = keyed_uniform(seed, 0, draws::sweep_offset, static_cast<std::uint32_t>(d),
                                     static_cast<std::uint32_t>(i));
      out[static_cast<std::size_t>(i) * static_cast<std::size_t>(dimensions) +
          static_cast<std::size_t>(d)] = (strata[static_cast<std::size_t>(i)] + u) / samples;
    }
  }
  return out;
}

namespace {

// sweep.method: "grid", "list" or "latin_hypercube"; empty (and an error) otherwise.
std::string read_method(SweepReader& r, const toml::table& sweep, const toml::node* node) {
  const toml::node* method_node = sweep.get("method");
  const std::vector<std::string> methods = {"grid", "list", "latin_hypercube"};
  if (method_node == nullptr) {
    r.error(node, "sweep.method", "missing: expected \"grid\", \"list\" or \"latin_hypercube\"");
  } else if (auto m = method_node->value<std::string>();
             !m || std::find(methods.begin(), methods.end(), *m) == methods.end()) {
    r.error(method_node, "sweep.method",
            "expected \"grid\", \"list\" or \"latin_hypercube\", got " +
                (m ? "'" + *m + "'" + detail::did_you_mean(*m, methods)
                   : detail::type_name(*method_node)));
  } else {
    return *m;
  }
  return {};
}

// values = [...] of one [[sweep.parameter]].
void read_listed_values(SweepReader& r, const toml::table& t, const std::string& prefix,
                        Parameter& p) {
  const toml::array* v = t.get("values")->as_array();
  if (v == nullptr || v->empty()) {
    r.error(t.get("values"), prefix + ".values", "expected a non-empty array of numbers");
  } else {
    p.values_integer = true;
    for (std::size_t j = 0; j < v->size(); ++j) {
      const std::string key = prefix + ".values[" + std::to_string(j + 1) + "]";
      if (auto x = r.number(v->get(j), key)) {
        p.values.push_back(*x);
        p.values_integer = p.values_integer && v->get(j)->is_integer();
      }
    }
  }
  for (const char* k : {"low", "high", "steps"})
    if (t.contains(k))
      r.error(t.get(k), prefix + "." + k, "give either values or low/high, not both");
}

// low, high (and for a grid steps, which makes the values) of one [[sweep.parameter]].
void read_range(SweepReader& r, const toml::table& t, const std::string& prefix,
                const std::string& method, Parameter& p) {
  auto low = r.number(t.get("low"), prefix + ".low");
  auto high = r.number(t.get("high"), prefix + ".high");
  if (!t.contains("low") || !t.contains("high"))
    r.error(&t, prefix, "expected low and high (or values)");
  else if (low && high && !(*high > *low))
    r.error(t.get("high"), prefix + ".high", "expected high > low (" + number_text(*low) + ")");
  if (low && high) p.low = *low, p.high = *high;
  if (method == "grid") {
    auto steps = r.integer(t, "steps", prefix, 2, 10000);
    if (!t.contains("steps"))
      r.error(&t, prefix + ".steps",
              "a grid between low and high needs steps = N (N >= 2 evenly spaced values)");
    if (steps && low && high)
      for (std::int64_t j = 0; j < *steps; ++j)
        p.values.push_back(*low + (*high - *low) * static_cast<double>(j) /
                                      static_cast<double>(*steps - 1));
    p.values_integer = false;
  } else if (t.contains("steps")) {
    r.error(t.get("steps"), prefix + ".steps",
            "steps is for grids; a Latin hypercube has `samples` in [sweep]");
  }
}

// One [[sweep.parameter]] table; `seen` collects the keys so far.
Parameter read_parameter(SweepReader& r, const toml::table& t, const std::string& prefix,
                         const std::string& method, std::set<std::string>& seen) {
  r.check_keys(t, prefix, {"key", "values", "low", "high", "steps", "integer"});
  Parameter p;
  p.at = &t;
  if (auto k = t["key"].value<std::string>(); k && !k->empty()) {
    p.key = *k;
    if (!seen.insert(p.key).second) r.error(t.get("key"), prefix + ".key", "repeated key");
  } else {
    r.error(t.get("key") ? t.get("key") : &t, prefix + ".key",
            "expected the scenario key to sweep, e.g. key = \"land.quota\"");
  }
  if (auto b = t.get("integer")) {
    if (!b->is_boolean())
      r.error(b, prefix + ".integer", "expected true or false, got " + detail::type_name(*b));
    else
      p.integer = b->value<bool>().value_or(false);
  }
  const bool has_values = t.contains("values");
  if (method == "latin_hypercube" && has_values)
    r.error(t.get("values"), prefix + ".values",
            "a Latin hypercube samples between low and high; give low and high, not values");
  if (has_values)
    read_listed_values(r, t, prefix, p);
  else
    read_range(r, t, prefix, method, p);
  return p;
}

// The [[sweep.parameter]] tables of a grid or a Latin hypercube.
std::vector<Parameter> read_parameters(SweepReader& r, const toml::table& sweep,
                                       const toml::node* node, const std::string& method) {
  std::vector<Parameter> parameters;
  const toml::array* list = sweep.get("parameter") ? sweep.get("parameter")->as_array() : nullptr;
  if (list == nullptr || list->empty()) {
    r.error(
        sweep.get("parameter") ? sweep.get("parameter") : node, "sweep.parameter",
        "expected one or more [[sweep.parameter]] tables with key = \"...\" and " +
            std::string(method == "grid" ? "values = [...] or low, high, steps" : "low and high"));
    r.fail_if_any();
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string prefix = "sweep.parameter[" + std::to_string(i + 1) + "]";
    const toml::table* t = list->get(i)->as_table();
    if (t == nullptr) {
      r.error(list->get(i), prefix, "expected a table");
      continue;
    }
    parameters.push_back(read_parameter(r, *t, prefix, method, seen));
  }
  for (const char* k : {"keys", "points"})
    if (sweep.contains(k))
      r.error(sweep.get(k), std::string("sweep.") + k, "only for method = \"list\"");
  return parameters;
}

// One point: its values (integer keys rounded as their --set text is) and overrides.
void add_point(const std::vector<double>& values, const std::vector<bool>& integer,
               SweepPlan& plan) {
  SweepPoint point;
  point.values = values;
  for (std::size_t j = 0; j < values.size(); ++j) {
    const std::string text = value_text(values[j], integer[j]);
    point.overrides.push_back({plan.keys[j], text});
    point.label += (j ? ", " : "") + plan.keys[j] + "=" + text;
    if (integer[j]) point.values[j] = std::stod(text);
  }
  plan.points.push_back(std::move(point));
}

void add_grid_points(SweepReader& r, const toml::node* node,
                     const std::vector<Parameter>& parameters, SweepPlan& plan) {
  std::vector<bool> integer;
  for (const auto& p : parameters) {
    plan.keys.push_back(p.key);
    integer.push_back(p.integer || p.values_integer);
  }
  // Every combination, the last parameter varying fastest.
  std::size_t count = 1;
  for (const auto& p : parameters) count *= p.values.size();
  if (count > 1'000'000)
    r.error(node, "sweep",
            "the grid has " + std::to_string(count) +
                " points; at most 1000000 (use a Latin hypercube)");
  r.fail_if_any();
  std::vector<double> values(parameters.size());
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t rest = i;
    for (std::size_t j = parameters.size(); j-- > 0;) {
      values[j] = parameters[j].values[rest % parameters[j].values.size()];
      rest /= parameters[j].values.size();
    }
    add_point(values, integer, plan);
  }
}

void add_latin_hypercube_points(const std::vector<Parameter>& parameters, int n, SweepPlan& plan) {
  std::vector<bool> integer;
  for (const auto& p : parameters) {
    plan.keys.push_back(p.key);
    integer.push_back(p.integer);
  }
  const int d = static_cast<int>(parameters.size());
  const std::vector<double> unit = latin_hypercube(n, d, plan.seed);
  std::vector<double> values(parameters.size());
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) {
      const auto& p = parameters[static_cast<std::size_t>(j)];
      values[static_cast<std::size_t>(j)] =
          p.low + (p.high - p.low) * unit[static_cast<std::size_t>(i * d + j)];
    }
    add_point(values, integer, plan);
  }
}

// keys = [...] and points = [[...], ...] of a list sweep.
void add_list_points(SweepReader& r, const toml::table& sweep, const toml::node* node,
                     SweepPlan& plan) {
  if (sweep.contains("parameter"))
    r.error(sweep.get("parameter"), "sweep.parameter",
            "a list sweep names its keys in keys = [...] and its points in points = [[...]]");
  const toml::array* keys = sweep.get("keys") ? sweep.get("keys")->as_array() : nullptr;
  const toml::array* points = sweep.get("points") ? sweep.get("points")->as_array() : nullptr;
  if (keys == nullptr || keys->empty())
    r.error(sweep.get("keys") ? sweep.get("keys") : node, "sweep.keys",
            "expected keys = [\"scenario.key\", ...]");
  if (points == nullptr || points->empty())
    r.error(sweep.get("points") ? sweep.get("points") : node, "sweep.points",
            "expected points = [[value, ...], ...], one value per key");
  r.fail_if_any();
  std::set<std::string> seen;
  for (std::size_t j = 0; j < keys->size(); ++j) {
    auto k = keys->get(j)->value<std::string>();
    if (!k || k->empty() || !keys->get(j)->is_string())
      r.error(keys->get(j), "sweep.keys[" + std::to_string(j + 1) + "]",
              "expected a scenario key as a string");
    else if (!seen.insert(*k).second)
      r.error(keys->get(j), "sweep.keys[" + std::to_string(j + 1) + "]", "repeated key");
    plan.keys.push_back(k.value_or(""));
  }
  std::vector<bool> integer(plan.keys.size(), true);
  std::vector<std::vector<double>> rows;
  for (std::size_t i = 0; i < points->size(); ++i) {
    const std::string prefix = "sweep.points[" + std::to_string(i + 1) + "]";
    const toml::array* row = points->get(i)->as_array();
    if (row == nullptr || row->size() != plan.keys.size()) {
      r.error(points->get(i), prefix,
              "expected an array of " + std::to_string(plan.keys.size()) +
                  " numbers (one per key in sweep.keys)");
      continue;
    }
    std::vector<double> values;
    for (std::size_t j = 0; j < row->size(); ++j) {
      if (auto x = r.number(row->get(j), prefix + "[" + std::to_string(j + 1) + "]"))
        values.push_back(*x);
      integer[j] = integer[j] && row->get(j)->is_integer();
    }
    rows.push_back(std::move(values));
  }
  r.fail_if_any();
  for (const auto& values : rows) add_point(values, integer, plan);
}

}  // namespace

std::optional<SweepPlan> read_sweep_plan(const std::string& path,
                                         const std::vector<Override>& overrides,
                                         std::uint64_t default_seed) {
  Sink sink;
  std::optional<toml::table> document = detail::read_document(path, overrides, sink);
  const std::string file = std::filesystem::absolute(path).lexically_normal().string();
  SweepReader r(file, "sweep", sink);
  r.fail_if_any();
  if (!document || !document->contains("sweep")) return std::nullopt;
  const toml::node* node = document->get("sweep");
  const toml::table* sweep = node->as_table();
  if (sweep == nullptr) {
    r.error(node, "sweep", "expected a table [sweep], got " + detail::type_name(*node));
    r.fail_if_any();
  }
  r.check_keys(*sweep, "sweep", {"method", "parameter", "keys", "points", "samples", "seed"});

  SweepPlan plan;
  plan.method = read_method(r, *sweep, node);
  if (plan.method.empty()) r.fail_if_any();

  // Parameters ([[sweep.parameter]]) for grid and latin_hypercube.
  std::vector<Parameter> parameters;
  if (plan.method != "list") parameters = read_parameters(r, *sweep, node, plan.method);
  if (plan.method == "latin_hypercube") {
    if (!sweep->contains("samples"))
      r.error(node, "sweep.samples", "missing: a Latin hypercube needs samples = N");
    plan.seed = default_seed;
    if (auto s = r.integer(*sweep, "seed", "sweep", 0, INT64_MAX))
      plan.seed = static_cast<std::uint64_t>(*s);
  } else {
    for (const char* k : {"samples", "seed"})
      if (sweep->contains(k))
        r.error(sweep->get(k), std::string("sweep.") + k, "only for method = \"latin_hypercube\"");
  }
  const auto samples = r.integer(*sweep, "samples", "sweep", 1, 1'000'000);
  r.fail_if_any();

  if (plan.method == "grid") {
    add_grid_points(r, node, parameters, plan);
  } else if (plan.method == "latin_hypercube") {
    add_latin_hypercube_points(parameters, static_cast<int>(*samples), plan);
  } else {  // list
    add_list_points(r, *sweep, node, plan);
  }
  r.fail_if_any();
  return plan;
}

}  // namespace icsim::scenario
