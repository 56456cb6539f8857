#pragma once
// The schema pass's reading tools: Reader (typed values with their positions and diagnostics)
// and Section (the document, the scenario being filled and the key list of
// include/icsim/scenario/keys.hpp). The parser of each section (schema_*.cpp) is built on them.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "icsim/scenario/keys.hpp"
#include "internal.hpp"

namespace icsim::scenario::detail {

std::string fmt(double v);  // a number as messages show it (10 significant digits)

class Reader {
 public:
  Reader(Sink& sink, std::map<std::string, Where>& where, std::string top)
      : sink_(sink), where_(where), top_(std::move(top)) {}

  Where at(const toml::node& n) const { return where_of(n.source(), top_); }
  Where at(const toml::table* t) const { return t ? at(*t) : Where{top_, 0, 0, {}}; }
  void error(const Where& w, const std::string& key, const std::string& message) {
    sink_.add(w, key, message);
  }
  static std::string dotted(const std::string& prefix, const std::string& key) {
    return prefix.empty() ? key : prefix + "." + key;
  }

  // Reports unknown keys of `t` (at `pattern`, shown as `prefix`).
  void check_keys(const toml::table& t, const std::string& pattern, const std::string& prefix);
  // A sub-table (nullptr if absent or of the wrong type, which is reported).
  const toml::table* table(const toml::table* parent, const std::string& key,
                           const std::string& prefix, bool required = false);
  const toml::node* node(const toml::table* t, const std::string& key, const std::string& prefix,
                         bool required, const std::string& what);
  std::optional<std::string> string(const toml::table* t, const std::string& key,
                                    const std::string& prefix, bool required = false);
  std::optional<std::int64_t> integer(const toml::table* t, const std::string& key,
                                      const std::string& prefix, bool required, const Range& range,
                                      const std::string& expected);
  // A number (integer or float) in `range`, described by `expected`.
  std::optional<double> number(const toml::table* t, const std::string& key,
                               const std::string& prefix, bool required, const Range& range,
                               const std::string& expected);
  std::optional<double> number_value(const toml::node& n, const std::string& full,
                                     const Range& range, const std::string& expected);
  std::optional<double> any_number(const toml::table* t, const std::string& key,
                                   const std::string& prefix, bool required) {
    return number(t, key, prefix, required, Range{}, "");
  }
  std::optional<bool> boolean(const toml::table* t, const std::string& key,
                              const std::string& prefix);
  std::optional<std::vector<std::string>> strings(const toml::table* t, const std::string& key,
                                                  const std::string& prefix, bool required,
                                                  const std::string& example);
  // A GROWTH SPEC: a number (a constant rate) or a distribution table.
  std::optional<Growth> growth(const toml::node& n, const std::string& full,
                               const std::string& pattern);

  // Whether [firms] enabled is true (the districts/ and region/<statistic> metrics need it).
  void set_firm_model(bool on) { firm_model_ = on; }
  bool firm_model() const { return firm_model_; }
  // Whether a target's metric or denominator names a firm-model statistic (series_check.cpp).
  bool uses_firm_model(const toml::table* t) const;
  // A Series: metric, prices and select of a target, denominator or actual (series_check.cpp).
  // `evaluated` = false for targets with `needs`: their metric is checked, but not that the firm
  // model is on.
  std::optional<Series> series(const toml::table* t, const std::string& prefix, bool required,
                               bool evaluated = true);

  std::map<std::string, Where>& where() { return where_; }

 private:
  bool distribution(const toml::table* t, const std::string& full, Distribution& d);

  Sink& sink_;
  std::map<std::string, Where>& where_;
  std::string top_;
  bool firm_model_ = false;
};

// One table of the document read through the key list: `pattern` names it in the list
// ("land", "programme[]"), `prefix` in messages ("land", "programme[2]"), `index` is the entry
// of an array of tables.
struct TablePlace {
  const toml::table* table = nullptr;
  std::string pattern;
  std::string prefix;
  std::size_t index = 0;
};

// What reading one key gave.
enum class Read { absent, ok, bad };

// The state of the schema pass shared by the section parsers.
class Section {
 public:
  Section(Reader& reader, Parsed& result, const toml::table& document)
      : r(reader), parsed(result), s(result.scenario), root(document) {}

  // Reads key `k` of the table at `place` as the list declares it (type, range, required) into
  // its field; Read::absent for types the list cannot read alone (table, map, tables, custom).
  Read read(const KeyInfo& k, const TablePlace& place);
  // Reads every key of the table at `place` in the order of the list; `custom` is called first
  // for each key and returns true when it has read the key itself.
  void read_all(const TablePlace& place,
                const std::function<bool(const KeyInfo&)>& custom = nullptr);
  // A sub-table of the list, its unknown keys reported; nullptr if absent.
  const toml::table* sub_table(const toml::table* parent, const std::string& pattern,
                               bool required = false);

  bool years_known() const { return s.base_year > 0 && s.horizon > 0; }
  // An integer year of the scenario's years: after base_year (or from it, `include_base`) up to
  // the horizon.
  std::optional<int> in_horizon(const toml::table* t, const std::string& key,
                                const std::string& prefix, bool required, bool include_base);
  // Reports duplicates among entries' names (`what`: "programme name").
  void check_unique(const std::string& what);
  void add_name(const std::string& name, const std::string& key, const Where& at);
  // An array of tables at parent[key] (nullptr entries are reported and skipped by callers).
  std::vector<const toml::table*> entries(const toml::table* parent, const std::string& key,
                                          const std::string& prefix);
  // The value of a number key of the scenario ("mujun.a_share"), if the list has it.
  std::optional<double> number_of(const std::string& pattern, std::size_t index = 0);

  Reader& r;
  Parsed& parsed;
  Scenario& s;
  const toml::table& root;
  bool industrial_ok = true;  // region.industrial_sectors, if written, is a list of strings

 private:
  struct Named {
    std::string name, key;
    Where at;
  };
  std::vector<Named> names_;
};

// The sections, in the order they are read (schema_*.cpp).
void parse_scenario_section(Section& c);
void parse_table_and_clusters(Section& c);
void parse_region_and_growth(Section& c);
void parse_economy(Section& c);  // [prices], [capacity], [investment], [households]
void parse_firms(Section& c);
void parse_mujun_and_land(Section& c);
void check_industrial_sectors(Section& c);
void parse_programmes(Section& c);
void parse_exogenous_investment(Section& c);
void parse_targets(Section& c);
void parse_actuals(Section& c);

}  // namespace icsim::scenario::detail
