#pragma once
// Parameter ranges: the numeric scenario keys an experiment varies, each between a low and a
// high value. Latin-hypercube sweeps, calibrations and sensitivity analyses all read them with
// this one reader, from an array of tables in a scenario file:
//
//   [[calibration.parameter]]            (or [[sensitivity.parameter]], [[sweep.parameter]])
//   key = "firms.expansion_rate"         # a numeric scenario key, as --set addresses it
//   low = 0.02
//   high = 0.12
//   integer = false                      # optional: values rounded to whole numbers
//   source = "estimate: ..."             # optional: where the range comes from
//
// check_parameter_ranges then sets every key at both ends through the schema pass, so an
// unknown key, a key that is not a number or an end outside the key's allowed values is refused
// before any run, naming the table's file and line.
#include <string>
#include <vector>

#include "icsim/scenario/load.hpp"

namespace icsim::scenario {

struct ParameterRange {
  std::string key;  // the scenario-key address ("programme.shuangbai.investment")
  double low = 0;
  double high = 0;
  bool integer = false;  // values are rounded to whole numbers (integer keys always are)
  std::string source;    // where the range comes from; "" when not given
  std::string where;     // "FILE:LINE" of its table, for messages
};

// The [[SECTION.parameter]] tables of the scenario file `path` (after `extends` and the given
// overrides). Each has key, low < high and optionally integer and source; keys are unique.
// Throws InputError naming the file, line and key of every problem; an absent or empty list is
// an error too.
std::vector<ParameterRange> read_parameter_ranges(const std::string& path,
                                                  const std::string& section,
                                                  const std::vector<Override>& overrides = {});

// Sets each range's key at its low and its high end on top of `scenario_path` and `base` and
// runs the schema pass; throws InputError naming the range's table when either end is refused.
// Marks integer keys (KeyType integer or year) as integer.
void check_parameter_ranges(const std::string& scenario_path, const std::vector<Override>& base,
                            std::vector<ParameterRange>& ranges);

// The override text of `value` for the range's key: a whole number for integer ranges, else
// the shortest text that reads back as the value.
std::string parameter_value_text(const ParameterRange& range, double value);

// The overrides that set every range's key to the matching entry of `values`.
std::vector<Override> parameter_overrides(const std::vector<ParameterRange>& ranges,
                                          const std::vector<double>& values);

}  // namespace icsim::scenario
