// What a sensitivity analysis says about a run's targets
// (include/icsim/experiment/sensitivity_evidence.hpp).
#include "icsim/experiment/sensitivity_evidence.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "icsim/common/error.hpp"
#include "icsim/io/csv.hpp"
#include "icsim/output/result_reader.hpp"

namespace icsim::experiment {
namespace {

constexpr double kSobolFloor = 0.01;
constexpr double kMorrisRelativeFloor = 1e-9;

}  // namespace

SensitivityEvidence read_sensitivity_evidence(const std::string& path) {
  const output::ResultReader file(path);
  if (!file.has("sensitivity/mu_star") && !file.has("sensitivity/total_order"))
    throw InputError(path + ": no /sensitivity group (expected a file of 'icsim sensitivity -o')");
  SensitivityEvidence e;
  e.path = path;
  e.method = file.text_attribute("sensitivity", "method");
  if (file.has_attribute("/", "scenario_name"))
    e.scenario_name = file.text_attribute("/", "scenario_name");
  e.parameters = file.strings("sensitivity/parameter");
  e.low = file.numbers("sensitivity/parameter_low");
  e.high = file.numbers("sensitivity/parameter_high");
  const auto outputs = file.strings("sensitivity/output");
  const auto target = file.strings("sensitivity/output_target");
  const auto statistic = file.strings("sensitivity/output_statistic");
  const auto values = file.numbers("sensitivity/output_value");  // (output, point)
  const bool morris = e.method == "morris";
  const auto importance = file.numbers(morris ? "sensitivity/mu_star" : "sensitivity/total_order");
  const auto mean = morris ? file.numbers("sensitivity/mu") : std::vector<double>();
  const std::size_t P = e.parameters.size(), O = outputs.size();
  if (importance.size() != O * P || (O > 0 && values.size() % O != 0) || target.size() != O ||
      statistic.size() != O || e.low.size() != P || e.high.size() != P)
    throw InputError(path + ": /sensitivity: the sizes of its variables disagree");
  const std::size_t points = O ? values.size() / O : 0;
  std::vector<bool> moves_something(P, false);
  for (std::size_t o = 0; o < O; ++o) {
    double largest = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::size_t k = 0; k < points; ++k) {
      const double v = values[o * points + k];
      if (!std::isfinite(v)) continue;
      largest = std::max(largest, std::abs(v));
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    const bool varies = hi > lo;
    std::vector<ParameterEffect> effects;
    for (std::size_t i = 0; i < P; ++i) {
      const double x = importance[o * P + i];
      const bool moves = morris ? std::isfinite(x) && x > kMorrisRelativeFloor * (1 + largest)
                                : varies && std::isfinite(x) && x >= kSobolFloor;
      if (!moves) continue;
      moves_something[i] = true;
      effects.push_back({i, x, morris ? mean[o * P + i] : std::nan("")});
    }
    std::stable_sort(effects.begin(), effects.end(),
                     [](const auto& a, const auto& b) { return a.importance > b.importance; });
    if (target[o].empty()) continue;
    auto& t = e.targets[target[o]];
    if (statistic[o] == "probability") t.probability = std::move(effects);
    if (statistic[o] == "median value") t.value = std::move(effects);
  }
  for (std::size_t i = 0; i < P; ++i)
    if (!moves_something[i]) e.without_effect.push_back(i);
  return e;
}

std::string parameter_text(const SensitivityEvidence& e, std::size_t i) {
  return e.parameters[i] + " [" + io::csv_number(e.low[i]) + ", " + io::csv_number(e.high[i]) + "]";
}

std::optional<VerdictFlag> lever_flag(const SensitivityEvidence& e, const std::string& target) {
  const auto it = e.targets.find(target);
  if (it == e.targets.end() || !it->second.probability.empty() || !it->second.value.empty())
    return std::nullopt;
  return VerdictFlag{"no_lever_effect",
                     "none of the " + std::to_string(e.parameters.size()) +
                         " parameters of the sensitivity analysis " + e.path + " (" + e.method +
                         ") moves its probability or its median value over its range"};
}

}  // namespace icsim::experiment
