// The key list (include/icsim/scenario/keys.hpp) and the schema's shape derived from it: which
// keys a table takes, which tables take free keys, which keys are arrays of tables, growth specs
// or paths (engine/scenario/internal.hpp).
#include "icsim/scenario/keys.hpp"

#include <algorithm>
#include <map>

#include "internal.hpp"
#include "keys_table.hpp"

namespace icsim::scenario {

std::string_view KeyInfo::name() const {
  const auto dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

std::string_view KeyInfo::parent() const {
  const auto dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : path.substr(0, dot);
}

std::vector<std::string> KeyInfo::choice_list() const {
  std::vector<std::string> out;
  std::size_t b = 0;
  while (b <= choices.size() && !choices.empty()) {
    const auto bar = std::min(choices.find('|', b), choices.size());
    out.emplace_back(choices.substr(b, bar - b));
    b = bar + 1;
  }
  return out;
}

const std::vector<KeyInfo>& scenario_keys() {
  static const std::vector<KeyInfo> keys = [] {
    std::vector<KeyInfo> out = keys_detail::model_keys();
    for (auto& k : keys_detail::firm_keys()) out.push_back(k);
    for (auto& k : keys_detail::renovation_keys()) out.push_back(k);
    return out;
  }();
  return keys;
}

const KeyInfo* find_key(std::string_view pattern) {
  static const std::map<std::string_view, const KeyInfo*> index = [] {
    std::map<std::string_view, const KeyInfo*> out;
    for (const auto& k : scenario_keys()) out.emplace(k.path, &k);
    return out;
  }();
  auto it = index.find(pattern);
  return it == index.end() ? nullptr : it->second;
}

std::vector<const KeyInfo*> keys_of(std::string_view pattern) {
  std::vector<const KeyInfo*> out;
  for (const auto& k : scenario_keys())
    if (k.parent() == pattern && k.name() != "*") out.push_back(&k);
  return out;
}

const KeyInfo* addressed_key(const std::string& address) {
  const std::vector<std::string> segments = detail::split_key(address);
  std::string pattern;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (detail::is_growth_spec(pattern)) return nullptr;
    const std::string child = detail::child_pattern(pattern, segments[i]);
    if (!find_key(child)) return nullptr;
    pattern = child;
    if (detail::is_array_of_tables(child)) {  // the next segment names the entry
      ++i;
      pattern += "[]";
    }
  }
  return pattern.empty() ? nullptr : find_key(pattern);
}

namespace detail {

const std::vector<std::string>* table_keys(const std::string& pattern) {
  static const std::map<std::string, std::vector<std::string>> tables = [] {
    std::map<std::string, std::vector<std::string>> out;
    out[""];
    for (const auto& k : scenario_keys()) {
      if (k.type == KeyType::table) out[std::string(k.path)];
      if (k.type == KeyType::tables) out[std::string(k.path) + "[]"];
    }
    for (auto& [table, keys] : out)
      for (const KeyInfo* k : keys_of(table)) keys.emplace_back(k->name());
    return out;
  }();
  if (is_growth_spec(pattern)) return &growth_spec_keys();
  auto it = tables.find(pattern);
  return it == tables.end() ? nullptr : &it->second;
}

bool is_free_key_table(const std::string& pattern) {
  const KeyInfo* k = find_key(pattern);
  return k && k->type == KeyType::map;
}

bool is_array_of_tables(const std::string& pattern) {
  const KeyInfo* k = find_key(pattern);
  return k && k->type == KeyType::tables;
}

bool is_growth_spec(const std::string& pattern) {
  const KeyInfo* k = find_key(pattern);
  return k && k->type == KeyType::growth;
}

bool is_path_key(const std::string& pattern) {
  const KeyInfo* k = find_key(pattern);
  return k && k->type == KeyType::path;
}

const std::vector<std::string>& growth_spec_keys() {
  static const std::vector<std::string> keys = {"distribution", "mean",          "sd",   "median",
                                                "sigma",        "low",           "mode", "high",
                                                "per_year",     "common_loading"};
  return keys;
}

std::string child_pattern(const std::string& parent, const std::string& key) {
  std::string k = is_free_key_table(parent) ? "*" : key;
  return parent.empty() ? k : parent + "." + k;
}

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c == '"') {
      auto end = key.find('"', i + 1);
      if (end == std::string::npos) end = key.size();
      cur += key.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '.') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c == '[') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      auto end = key.find(']', i);
      if (end == std::string::npos) end = key.size();
      out.push_back(key.substr(i, end - i + 1));
      i = end;
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace detail
}  // namespace icsim::scenario
