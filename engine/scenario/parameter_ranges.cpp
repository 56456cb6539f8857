// Parameter ranges (include/icsim/scenario/parameter_ranges.hpp).
#include "icsim/scenario/parameter_ranges.hpp"

#include <cmath>
#include <filesystem>
#include <set>

#include "icsim/common/error.hpp"
#include "icsim/scenario/keys.hpp"
#include "icsim/scenario/sweep.hpp"
#include "section_reader.hpp"

namespace icsim::scenario {

std::vector<ParameterRange> read_parameter_ranges(const std::string& path,
                                                  const std::string& section,
                                                  const std::vector<Override>& overrides) {
  detail::Sink sink;
  std::optional<toml::table> document = detail::read_document(path, overrides, sink);
  const std::string file = std::filesystem::absolute(path).lexically_normal().string();
  detail::SectionReader r(file, section, sink);
  r.fail_if_any();
  const std::string list_key = section + ".parameter";
  const toml::node* node = document ? document->at_path(list_key).node() : nullptr;
  const toml::array* list = node ? node->as_array() : nullptr;
  if (list == nullptr || list->empty()) {
    r.error(node, list_key,
            "expected one or more [[" + list_key +
                "]] tables, each with key = \"...\", low and "
                "high");
    r.fail_if_any();
  }
  std::vector<ParameterRange> ranges;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string prefix = list_key + "[" + std::to_string(i + 1) + "]";
    const toml::table* t = list->get(i)->as_table();
    if (t == nullptr) {
      r.error(list->get(i), prefix, "expected a table");
      continue;
    }
    r.check_keys(*t, prefix, {"key", "low", "high", "integer", "source"});
    ParameterRange p;
    const auto where = detail::where_of(t->source(), file);
    p.where = where.file + ":" + std::to_string(where.line);
    if (auto k = (*t)["key"].value<std::string>(); k && !k->empty() && t->get("key")->is_string()) {
      p.key = *k;
      if (!seen.insert(p.key).second) r.error(t->get("key"), prefix + ".key", "repeated key");
    } else {
      r.error(t->get("key") ? t->get("key") : t, prefix + ".key",
              "expected the scenario key to vary, e.g. key = \"land.quota\"");
    }
    const auto low = r.number(t->get("low"), prefix + ".low");
    const auto high = r.number(t->get("high"), prefix + ".high");
    if (!t->contains("low") || !t->contains("high"))
      r.error(t, prefix, "expected low and high");
    else if (low && high && !(*high > *low))
      r.error(t->get("high"), prefix + ".high",
              "expected high > low (" + number_text(*low) + "): the range is empty");
    if (low && high) p.low = *low, p.high = *high;
    if (const toml::node* b = t->get("integer")) {
      if (!b->is_boolean())
        r.error(b, prefix + ".integer", "expected true or false, got " + detail::type_name(*b));
      else
        p.integer = b->value<bool>().value_or(false);
    }
    if (const toml::node* s = t->get("source")) {
      if (!s->is_string())
        r.error(s, prefix + ".source", "expected a string, got " + detail::type_name(*s));
      else
        p.source = s->value<std::string>().value_or("");
    }
    ranges.push_back(std::move(p));
  }
  r.fail_if_any();
  return ranges;
}

std::string parameter_value_text(const ParameterRange& range, double value) {
  if (range.integer) return std::to_string(static_cast<long long>(std::llround(value)));
  return number_text(value);
}

std::vector<Override> parameter_overrides(const std::vector<ParameterRange>& ranges,
                                          const std::vector<double>& values) {
  std::vector<Override> out;
  for (std::size_t j = 0; j < ranges.size() && j < values.size(); ++j)
    out.push_back({ranges[j].key, parameter_value_text(ranges[j], values[j])});
  return out;
}

void check_parameter_ranges(const std::string& scenario_path, const std::vector<Override>& base,
                            std::vector<ParameterRange>& ranges) {
  for (auto& range : ranges) {
    const KeyInfo* key = addressed_key(range.key);
    if (key && (key->type == KeyType::integer || key->type == KeyType::year ||
                key->type == KeyType::year_from_base))
      range.integer = true;
    if (key != nullptr && (key->type == KeyType::string || key->type == KeyType::choice ||
                           key->type == KeyType::boolean || key->type == KeyType::strings ||
                           key->type == KeyType::path))
      throw InputError(range.where + ": key '" + range.key +
                       "': expected a numeric scenario key (docs/scenario-reference.md), as "
                       "--set addresses it");
    try {
      for (const double v : {range.low, range.high}) {
        auto overrides = base;
        overrides.push_back({range.key, parameter_value_text(range, v)});
        parse_scenario(scenario_path, overrides);
      }
    } catch (const InputError& e) {
      throw InputError(range.where + ": key '" + range.key + "' from " + number_text(range.low) +
                       " to " + number_text(range.high) +
                       ": the scenario must accept both ends of the range; setting it fails:\n" +
                       e.what());
    }
  }
}

}  // namespace icsim::scenario
