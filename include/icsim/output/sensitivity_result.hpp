#pragma once
// The /sensitivity group of `icsim sensitivity`'s result file (docs/results.md, "Sensitivity
// group"; docs/sensitivity.md). The file is a sweep file (its points are the design's, every
// point with all its series and verdicts, and /sweep) plus this group:
//   dimensions point (design point = sweep point), parameter (scenario key), output;
//   parameter_low, parameter_high (parameter), parameter_source (parameter, string);
//   design_unit (point, parameter): the design in the unit cube; output_value (output, point);
//   output_target (output, string: target id, "" for a chosen series), output_statistic
//   (output, string: "probability", "median value", "series median");
//   Morris: mu_star, mu, sigma (output, parameter), effects (output, parameter, int64);
//   Sobol: first_order, first_order_low, first_order_high, total_order, total_order_low,
//   total_order_high (output, parameter); output_constant (output, int8);
//   attributes method, design_seed, replications_per_point and the method's settings.
#include <cstdint>
#include <string>
#include <vector>

#include "icsim/output/result_file.hpp"

namespace icsim::output {

struct SensitivityOutputs {
  std::string method;  // "morris" or "sobol"
  std::vector<std::string> parameters, parameter_sources;
  std::vector<double> low, high;
  std::vector<std::string> outputs, output_target, output_statistic, output_units;
  std::vector<double> design_unit;   // (point, parameter)
  std::vector<double> output_value;  // (output, point)
  // Morris, (output, parameter):
  std::vector<double> mu_star, mu, sigma;
  std::vector<std::int64_t> effects;
  // Sobol, (output, parameter):
  std::vector<double> first, first_low, first_high, total, total_low, total_high;
  std::vector<std::int8_t> constant;  // (output)
  // Root-of-group attributes (method settings, seeds), written as given.
  std::vector<std::pair<std::string, AttributeValue>> attributes;
};

// Writes /sensitivity into `file` (not committed). std::invalid_argument if sizes disagree.
void write_sensitivity(ResultFile& file, const SensitivityOutputs& s);

}  // namespace icsim::output
