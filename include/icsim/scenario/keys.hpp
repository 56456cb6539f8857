#pragma once
// The scenario keys: every key of a scenario file declared once, with its type, default, allowed
// values, unit, meaning and the Scenario field it fills. The schema pass reads the file through
// this list (types, ranges, required keys, the "unknown key ... did you mean" lists), `--set`,
// sweeps and `icsim seek` address keys through it, and a test checks that
// docs/scenario-reference.md documents every key and no other.
//
// Adding a scalar key is one entry here (engine/scenario/keys_*.cpp) plus the field it fills,
// and its line in docs/scenario-reference.md.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "icsim/scenario/scenario.hpp"

namespace icsim::scenario {

enum class KeyType {
  number,          // a number (an integer is accepted) within `range`
  integer,         // an integer within `range`
  year,            // an integer year after scenario.base_year, up to scenario.horizon
  year_from_base,  // the same, scenario.base_year included
  boolean,
  string,
  path,     // a string: a path relative to the file that writes it (made absolute on reading)
  choice,   // a string, one of `choices`
  strings,  // an array of strings
  growth,   // a GROWTH SPEC: a number or a distribution table
  table,    // a sub-table; its keys are "PATH.KEY"
  map,      // a table of free keys (each "PATH.*"): clusters, growth.final_demand, ...
  tables,   // an array of tables ([[programme]]); the keys of every entry are "PATH[].KEY"
  custom,   // read by its section's parser (programme[].split, target[].metric, ...)
};

// Allowed numbers: low .. high, each end open or closed (integers: both ends included).
struct Range {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = false;
  bool high_open = false;
  bool contains(double v) const {
    return (low_open ? v > low : v >= low) && (high_open ? v < high : v <= high);
  }
};

// Where a key's value goes: the field of the scenario (of entry `index` for keys of arrays of
// tables), or for a choice stored as an enum, a function storing the choice's position.
template <class T>
using FieldRef = T& (*)(Scenario&, std::size_t index);
using ChoiceSetter = void (*)(Scenario&, std::size_t index, std::size_t choice);
using Field = std::variant<std::monostate, FieldRef<double>, FieldRef<int>, FieldRef<std::uint64_t>,
                           FieldRef<bool>, FieldRef<std::string>,
                           FieldRef<std::vector<std::string>>, FieldRef<Growth>, ChoiceSetter>;

struct KeyInfo {
  // The key's place: dotted ("land.industrial_share"), "[]" for a key of every entry of an array
  // of tables ("programme[].investment"), "*" for any key of a free-key table ("clusters.*").
  std::string_view path{};
  KeyType type = KeyType::custom;
  bool required = false;
  std::string_view default_value{};  // as TOML text; "" = none (or empty)
  Range range{};                     // number, integer
  // The allowed values as error messages state them ("in [0, 1]", ">= 0 (mu per year)"); for
  // `strings` an example value; for `choice` the meaning of the choices ("": the message lists
  // them as "one of a, b, c").
  std::string_view expected{};
  std::string_view choices{};  // choice: the values, separated by '|'
  std::string_view unit{};
  std::string_view meaning{};  // one line
  Field field{};
  // A key of the base-year firm synthesis: firms.calibration applies under it and the data pass
  // checks it again after the file.
  bool synthesis = false;

  std::string_view name() const;    // the last segment: "industrial_share"
  std::string_view parent() const;  // the pattern of its table: "land", "programme[]", ""
  std::vector<std::string> choice_list() const;
};

// Every key, sections in the order of docs/scenario-reference.md, keys of one table in the
// order the schema lists them.
const std::vector<KeyInfo>& scenario_keys();

// The key at `pattern` ("programme[].investment"), or nullptr.
const KeyInfo* find_key(std::string_view pattern);

// The keys of the table at `pattern`, in order ("" = the top level).
std::vector<const KeyInfo*> keys_of(std::string_view pattern);

// The key a --set / sweep / seek address names: "programme.shuangbai.investment" and
// "programme[0].investment" name "programme[].investment"; nullptr if the address names no key
// of the list (or a key inside a free-key table or a growth spec).
const KeyInfo* addressed_key(const std::string& address);

}  // namespace icsim::scenario
