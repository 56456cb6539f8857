#pragma once
// The [calibration] section of a scenario file, read by `icsim calibrate` (docs/calibrate.md):
// the optimiser's budget, the parameters to fit (the shared parameter-range reader,
// scenario/parameter_ranges.hpp) and the observed moments to fit them to.
//
//   [calibration]
//   observed = "../data/ningbo/observed.csv"  # file that moments may name rows of (optional)
//   global_method = "latin_hypercube"         # or "crs2", "isres"
//   global_evaluations = 16
//   local_method = "bobyqa"                   # or "neldermead"
//   local_evaluations = 16
//   replications = 20                         # per evaluated point (default: the scenario's)
//   seed = 7                                  # default: the scenario's
//   parameters_for = "baseline.toml"          # optional: the scenario the parameters are for
//
//   [[calibration.parameter]]                 # key, low, high (integer, source)
//   [[calibration.moment]]
//   observed = "bl_firms_2021"                # a row id of the observed file, or:
//   metric = "districts/firms_above_scale:beilun"   # + year, value, unit, source
//   weight = 1.0                              # optional; default 1/tolerance^2, else 1
//   tolerance = 0.10                          # optional: relative, for the fit table
//
// This reader checks the section's own form (keys, types, ranges); whether each moment's metric
// is a series the run produces, in its unit, and dated no later than the allowed year is checked
// by experiment/calibration.hpp against the observed file and a first run.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "icsim/scenario/load.hpp"
#include "icsim/scenario/parameter_ranges.hpp"

namespace icsim::scenario {

struct CalibrationMoment {
  std::string observed_id;  // a row id of the observed file; "" when written out below
  std::string metric;       // "group/variable" or "group/variable:CODE" (docs/score.md)
  std::string scope, unit, source;
  int year = 0;
  double value = 0;
  double weight = 1;     // of its squared relative deviation in the loss
  double tolerance = 0;  // relative; 0 = none stated
  std::string where;     // "FILE:LINE" of its [[calibration.moment]] table
};

struct CalibrationPlan {
  std::string global_method = "latin_hypercube";  // "latin_hypercube", "crs2" or "isres"
  int global_evaluations = 0;
  std::string local_method = "bobyqa";  // "bobyqa" or "neldermead"
  int local_evaluations = 0;
  int replications = 0;
  std::uint64_t seed = 0;
  std::string observed_file;   // absolute; "" when not given
  std::string parameters_for;  // absolute path of the scenario the parameters are for; "" = this
  std::string extends;         // absolute path of the file this file extends; "" when none
  std::string where;           // "FILE:LINE" of [calibration]
  std::vector<ParameterRange> parameters;
  std::vector<CalibrationMoment> moments;
};

// The [calibration] section of `path` (after extends and the overrides); InputError naming the
// file, line and key of every problem, and when the file has no [calibration] section.
// `default_seed` and `default_replications` are the scenario's.
CalibrationPlan read_calibration_plan(const std::string& path,
                                      const std::vector<Override>& overrides,
                                      std::uint64_t default_seed, int default_replications);

// The number at the dotted `key` of a scenario's resolved TOML text (Scenario::resolved_toml):
// the value a parameter has before calibration. nullopt when the key is not a number there
// (absent, so the schema's default applies, or an entry of an array of tables).
std::optional<double> number_at(const std::string& resolved_toml, const std::string& key);

// The TOML line that sets `key` to `value_text` on top of a scenario whose resolved text is
// `resolved_toml`, for a file that `extends` it: "key = value", or, when the key is a field of
// an inline table there (a growth spec such as growth.final_demand.exports = { mean = .. }),
// the whole inline table with that field replaced, as `extends` replaces inline tables whole.
std::string setting_line(const std::string& resolved_toml, const std::string& key,
                         const std::string& value_text);

}  // namespace icsim::scenario
