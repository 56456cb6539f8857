// The schema pass's reading tools (reader.hpp): typed values with positions and diagnostics,
// and the reading of a table's keys as the key list declares them.
#include "reader.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace icsim::scenario::detail {

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

// ---- Reader ----------------------------------------------------------------------------------

void Reader::check_keys(const toml::table& t, const std::string& pattern,
                        const std::string& prefix) {
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

const toml::table* Reader::table(const toml::table* parent, const std::string& key,
                                 const std::string& prefix, bool required) {
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

const toml::node* Reader::node(const toml::table* t, const std::string& key,
                               const std::string& prefix, bool required, const std::string& what) {
  const toml::node* n = t ? t->get(key) : nullptr;
  const std::string full = dotted(prefix, key);
  if (!n) {
    if (required) error(at(t), full, "missing; expected " + what);
    return nullptr;
  }
  where_[full] = at(*n);
  return n;
}

std::optional<std::string> Reader::string(const toml::table* t, const std::string& key,
                                          const std::string& prefix, bool required) {
  const toml::node* n = node(t, key, prefix, required, "a string");
  if (!n) return std::nullopt;
  if (!n->is_string()) {
    error(at(*n), dotted(prefix, key), "expected a string, got " + type_name(*n));
    return std::nullopt;
  }
  return n->as_string()->get();
}

std::optional<std::int64_t> Reader::integer(const toml::table* t, const std::string& key,
                                            const std::string& prefix, bool required,
                                            const Range& range, const std::string& expected) {
  const toml::node* n = node(t, key, prefix, required, "an integer " + expected);
  if (!n) return std::nullopt;
  if (!n->is_integer()) {
    error(at(*n), dotted(prefix, key),
          "expected an integer " + expected + ", got " + type_name(*n));
    return std::nullopt;
  }
  const std::int64_t v = n->as_integer()->get();
  if (!range.contains(static_cast<double>(v))) {
    error(at(*n), dotted(prefix, key),
          "expected an integer " + expected + ", got " + std::to_string(v));
    return std::nullopt;
  }
  return v;
}

std::optional<double> Reader::number(const toml::table* t, const std::string& key,
                                     const std::string& prefix, bool required, const Range& range,
                                     const std::string& expected) {
  const toml::node* n = node(t, key, prefix, required, "a number " + expected);
  if (!n) return std::nullopt;
  return number_value(*n, dotted(prefix, key), range, expected);
}

std::optional<double> Reader::number_value(const toml::node& n, const std::string& full,
                                           const Range& range, const std::string& expected) {
  if (!n.is_number()) {
    error(at(n), full, "expected a number " + expected + ", got " + type_name(n));
    return std::nullopt;
  }
  double v = n.value_or(0.0);
  if (!std::isfinite(v) || !range.contains(v)) {
    error(at(n), full, "expected a number " + expected + ", got " + fmt(v));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> Reader::boolean(const toml::table* t, const std::string& key,
                                    const std::string& prefix) {
  const toml::node* n = node(t, key, prefix, false, "true or false");
  if (!n) return std::nullopt;
  if (!n->is_boolean()) {
    error(at(*n), dotted(prefix, key), "expected true or false, got " + type_name(*n));
    return std::nullopt;
  }
  return n->as_boolean()->get();
}

std::optional<std::vector<std::string>> Reader::strings(const toml::table* t,
                                                        const std::string& key,
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

// ---- Section ---------------------------------------------------------------------------------

Read Section::read(const KeyInfo& k, const TablePlace& place) {
  const std::string key(k.name());
  const std::string expected(k.expected);
  const toml::table* t = place.table;
  const std::string& p = place.prefix;
  const std::size_t i = place.index;
  auto store = [&](const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if (const auto* f = std::get_if<FieldRef<T>>(&k.field)) (*f)(s, i) = value;
  };
  auto result = [&](bool ok) {
    return ok ? Read::ok : (t && t->get(key) ? Read::bad : Read::absent);
  };
  switch (k.type) {
    case KeyType::number: {
      auto v = r.number(t, key, p, k.required, k.range, expected);
      if (v) store(*v);
      return result(v.has_value());
    }
    case KeyType::integer: {
      auto v = r.integer(t, key, p, k.required, k.range, expected);
      if (v) {
        if (std::holds_alternative<FieldRef<std::uint64_t>>(k.field))
          store(static_cast<std::uint64_t>(*v));
        else
          store(static_cast<int>(*v));
      }
      return result(v.has_value());
    }
    case KeyType::year:
    case KeyType::year_from_base: {
      auto v = in_horizon(t, key, p, k.required, k.type == KeyType::year_from_base);
      if (v) store(*v);
      return result(v.has_value());
    }
    case KeyType::boolean: {
      auto v = r.boolean(t, key, p);
      if (v) store(*v);
      return result(v.has_value());
    }
    case KeyType::string:
    case KeyType::path: {
      auto v = r.string(t, key, p, k.required);
      if (v) store(*v);
      return result(v.has_value());
    }
    case KeyType::strings: {
      auto v = r.strings(t, key, p, k.required, expected);
      if (v) store(*v);
      return result(v.has_value());
    }
    case KeyType::choice: {
      auto v = r.string(t, key, p);
      if (!v) return result(false);
      const std::vector<std::string> allowed = k.choice_list();
      auto it = std::find(allowed.begin(), allowed.end(), *v);
      if (it != allowed.end()) {
        if (const auto* set = std::get_if<ChoiceSetter>(&k.field))
          (*set)(s, i, static_cast<std::size_t>(it - allowed.begin()));
        else
          store(*v);
        return Read::ok;
      }
      std::string message;
      if (expected.empty()) {  // "expected one of a, b, got 'x'"
        message = "expected one of " + join(allowed, ", ") + ", got '" + *v + "'";
      } else {  // "expected "a" or "b" (what they mean), got 'x'"
        std::string quoted;
        for (std::size_t j = 0; j < allowed.size(); ++j)
          quoted +=
              (j ? (j + 1 == allowed.size() ? " or " : ", ") : "") + ("\"" + allowed[j] + "\"");
        message = "expected " + quoted + " (" + expected + "), got '" + *v + "'";
      }
      r.error(r.at(*t->get(key)), Reader::dotted(p, key), message + did_you_mean(*v, allowed));
      return Read::bad;
    }
    case KeyType::growth: {
      const toml::node* n =
          k.required ? r.node(t, key, p, true, expected) : (t ? t->get(key) : nullptr);
      if (!n) return Read::absent;
      auto g = r.growth(*n, Reader::dotted(p, key), std::string(k.path));
      if (g) store(*g);
      return g ? Read::ok : Read::bad;
    }
    case KeyType::table:
    case KeyType::map:
    case KeyType::tables:
    case KeyType::custom:
      return Read::absent;
  }
  return Read::absent;
}

void Section::read_all(const TablePlace& place, const std::function<bool(const KeyInfo&)>& custom) {
  for (const KeyInfo* k : keys_of(place.pattern)) {
    if (custom && custom(*k)) continue;
    read(*k, place);
  }
}

const toml::table* Section::sub_table(const toml::table* parent, const std::string& pattern,
                                      bool required) {
  const auto dot = pattern.rfind('.');
  const std::string key = dot == std::string::npos ? pattern : pattern.substr(dot + 1);
  const std::string prefix = dot == std::string::npos ? std::string() : pattern.substr(0, dot);
  const toml::table* t = r.table(parent, key, prefix, required);
  if (t) r.check_keys(*t, pattern, pattern);
  return t;
}

std::optional<int> Section::in_horizon(const toml::table* t, const std::string& key,
                                       const std::string& prefix, bool required,
                                       bool include_base) {
  auto v = r.integer(t, key, prefix, required, Range{1900, 2300}, "(a year)");
  if (!v || !years_known()) return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
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
}

void Section::add_name(const std::string& name, const std::string& key, const Where& at) {
  names_.push_back({name, key, at});
}

void Section::check_unique(const std::string& what) {
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i].name.empty()) continue;
    auto [it, inserted] = seen.emplace(names_[i].name, i);
    if (!inserted) {
      const Where& first = names_[it->second].at;
      r.error(names_[i].at, names_[i].key,
              "duplicate " + what + " '" + names_[i].name + "' (first used at " + first.file +
                  (first.line ? ":" + std::to_string(first.line) : std::string()) + ")");
    }
  }
  names_.clear();
}

std::vector<const toml::table*> Section::entries(const toml::table* parent, const std::string& key,
                                                 const std::string& prefix) {
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

std::optional<double> Section::number_of(const std::string& pattern, std::size_t index) {
  const KeyInfo* k = find_key(pattern);
  if (!k) return std::nullopt;
  if (const auto* f = std::get_if<FieldRef<double>>(&k->field)) return (*f)(s, index);
  return std::nullopt;
}

}  // namespace icsim::scenario::detail
