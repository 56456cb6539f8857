#pragma once
// Internals of the scenario module shared by document.cpp (reading files, `extends`, `--set`),
// keys.cpp (the key list and the schema's shape), schema*.cpp (the schema pass) and load.cpp
// (the data pass and the public functions).
#include <toml++/toml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "icsim/scenario/keys.hpp"
#include "icsim/scenario/load.hpp"

namespace icsim::scenario::detail {

// Where a value came from: a file position, or a --set argument.
struct Where {
  std::string file;
  long line = 0;
  long column = 0;
  std::string set_argument;  // non-empty for values given with --set
};

// Source path given to values parsed from a --set argument: "--set " + the argument.
inline constexpr const char* kSetPrefix = "--set ";

Where where_of(const toml::source_region& source, const std::string& fallback_file);

// Collects diagnostics.
class Sink {
 public:
  void add(const Where& where, const std::string& key, const std::string& message);
  const std::vector<Diagnostic>& list() const { return list_; }
  bool empty() const { return list_.empty(); }

 private:
  std::vector<Diagnostic> list_;
};

// ---- the schema's shape (keys.cpp, from the key list of icsim/scenario/keys.hpp) ------------
// Patterns name a spot in the document: dotted keys, "[]" for an element of an array of tables,
// "*" for any key of a free-key table (clusters, growth.final_demand, programme[].split).

// Keys valid in the table at `pattern`; nullptr if the pattern is not a fixed-key table.
const std::vector<std::string>* table_keys(const std::string& pattern);
bool is_free_key_table(const std::string& pattern);
bool is_array_of_tables(const std::string& pattern);
bool is_growth_spec(const std::string& pattern);
bool is_path_key(const std::string& pattern);
const std::vector<std::string>& growth_spec_keys();
// The pattern of key `key` inside the table at `parent` ("" = root).
std::string child_pattern(const std::string& parent, const std::string& key);
// Splits "a.b[2].c" / "a.\"x.y\".c" into segments; "[2]" becomes its own segment "[2]".
std::vector<std::string> split_key(const std::string& key);

// "; did you mean 'X'?" (Levenshtein distance <= 2 or a prefix match), or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);
std::string join(const std::vector<std::string>& items, const std::string& sep,
                 std::size_t max = 30);
std::string type_name(const toml::node& node);  // "a string", "an integer", ...

// ---- documents -------------------------------------------------------------------------------

// Reads the file and its `extends` chain, merges them and applies the overrides. Relative
// paths are made absolute (against the folder of the file that wrote them; for --set, the
// current directory). nullopt when a file cannot be read or parsed (diagnostics say why).
std::optional<toml::table> read_document(const std::string& path,
                                         const std::vector<Override>& overrides, Sink& sink);

// The document as TOML text with every path relative to `folder`.
std::string resolved_text(const toml::table& document, const std::string& folder);

// ---- the schema pass -------------------------------------------------------------------------

struct Parsed {
  Scenario scenario;
  std::map<std::string, Where> where;  // dotted key -> position, for the data pass
  std::optional<toml::table> document;
  // The synthesis keys written in [firms] (KeyInfo::synthesis) and their values: the data pass
  // applies the calibration file (firms.calibration) first and these over it.
  struct SynthesisValue {
    const KeyInfo* key;
    double value;
  };
  std::vector<SynthesisValue> written_synthesis;
};

// Problems of the firm synthesis (s.firms.parameters.synthesis) as (dotted key, message):
// cross-key rules (below-scale mean output below the threshold, plot_ratio_min <=
// plot_ratio_max) and, with `ranges`, every synthesis key's range (schema_firms.cpp).
std::vector<std::pair<std::string, std::string>> synthesis_problems(Scenario& s, bool ranges);

Parsed parse(const std::string& path, const std::vector<Override>& overrides, Sink& sink);

}  // namespace icsim::scenario::detail
