#pragma once
// What a sensitivity analysis (`icsim sensitivity -o FILE`, docs/sensitivity.md) says about the
// targets of a run, for `icsim explain`, `icsim run` and `icsim report` given `--sensitivity
// FILE` (docs/explain.md): per target, the parameters that move its probability and its median
// value, strongest first (the dominant parameters); the targets no parameter moves (flag
// `no_lever_effect`); and the levers (parameters) that move no output at all over their ranges.
//
// A parameter moves an output when its importance is above a floor: Morris mu* (the mean
// absolute change over the parameter's whole range) above 1e-9 x (1 + the largest |output|
// over the design); Sobol total index ST of at least 0.01 on an output that varies over the
// design. With common random numbers a parameter the model ignores gives mu* = 0 exactly.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "icsim/experiment/explain.hpp"

namespace icsim::experiment {

struct ParameterEffect {
  std::size_t parameter = 0;  // index into SensitivityEvidence::parameters
  double importance = 0;      // Morris mu*, or Sobol ST
  double mean_effect = 0;     // Morris mu (its sign is the direction); NaN for Sobol
};

struct TargetSensitivity {
  // The parameters that move the output, strongest first (none: the output does not respond).
  std::vector<ParameterEffect> probability, value;
};

struct SensitivityEvidence {
  std::string path, method, scenario_name;           // method "morris" or "sobol"
  std::vector<std::string> parameters;               // scenario keys
  std::vector<double> low, high;                     // their ranges
  std::map<std::string, TargetSensitivity> targets;  // by target id
  std::vector<std::size_t> without_effect;           // parameters that move no output
};

// Reads the /sensitivity group of `path`; InputError naming the file when it has none or is
// not a sensitivity file.
SensitivityEvidence read_sensitivity_evidence(const std::string& path);

// The flag of a target no parameter of the analysis moves (neither its P nor its median value);
// nothing when the target is not in the analysis or some parameter moves it.
std::optional<VerdictFlag> lever_flag(const SensitivityEvidence& e, const std::string& target);

// "key [low, high]" of parameter i, as the messages name it.
std::string parameter_text(const SensitivityEvidence& e, std::size_t i);

}  // namespace icsim::experiment
