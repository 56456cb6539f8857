// The global stage of a calibration as a sweep (calibrate_array.hpp).
#include "cli/calibrate_array.hpp"

#include <cstdint>

#include "cli/list_sweep.hpp"
#include "icsim/common/error.hpp"
#include "icsim/output/run_result.hpp"
#include "icsim/scenario/sweep.hpp"

namespace icsim::cli {

std::vector<std::vector<double>> global_points(const scenario::CalibrationPlan& plan) {
  if (plan.global_method != "latin_hypercube")
    throw InputError(plan.where + ": global_method = \"" + plan.global_method +
                     "\": only a latin_hypercube global stage is known before it runs, so only "
                     "it can run as a sweep");
  const int d = static_cast<int>(plan.parameters.size());
  const std::vector<double> u = scenario::latin_hypercube(plan.global_evaluations, d, plan.seed);
  std::vector<std::vector<double>> out;
  for (int i = 0; i < plan.global_evaluations; ++i) {
    const auto first = u.begin() + static_cast<std::ptrdiff_t>(i) * d;
    auto values =
        experiment::parameter_values(plan.parameters, std::vector<double>(first, first + d));
    bool seen = false;
    for (const auto& v : out) seen = seen || v == values;
    if (!seen) out.push_back(std::move(values));
  }
  return out;
}

std::string global_sweep_text(const scenario::CalibrationPlan& plan,
                              const std::string& calibration_file, const std::string& out_path,
                              const std::string& command) {
  const auto points = global_points(plan);
  std::vector<std::string> keys;
  for (const auto& r : plan.parameters) keys.push_back(r.key);
  std::vector<std::vector<std::string>> texts;
  for (const auto& p : points) {
    texts.emplace_back();
    for (std::size_t j = 0; j < p.size(); ++j)
      texts.back().push_back(scenario::parameter_value_text(plan.parameters[j], p[j]));
  }
  const std::string header =
      "# The global stage of a calibration as a list sweep, written by:\n#   " + command + "\n# " +
      std::to_string(points.size()) + " points of the Latin hypercube (seed " +
      std::to_string(plan.seed) +
      "). Run it as a sweep (shards in a job array, then icsim merge; pass the same --set as\n"
      "# to icsim calibrate) and give the merged file to icsim calibrate --global-from.\n";
  return list_sweep_text(header, calibration_file, out_path, plan.seed, plan.replications, keys,
                         texts);
}

GlobalFromSweep::GlobalFromSweep(const std::string& path, const scenario::CalibrationPlan& plan,
                                 const std::string& scenario_name)
    : path_(path), file_(std::make_unique<output::ResultReader>(path)) {
  const auto& f = *file_;
  std::vector<std::string> keys;
  for (const auto& r : plan.parameters) keys.push_back(r.key);
  check_joined_sweep(f, path, "--global-from", scenario_name, plan.seed, plan.replications, keys,
                     "the calibration");
  auto refuse = [&](const std::string& why) { throw InputError(path + ": --global-from: " + why); };
  const auto values = f.numbers("sweep/parameter_value");
  const std::size_t d = keys.size();
  for (std::size_t i = 0; d > 0 && i < values.size() / d; ++i)
    slots_.emplace(std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(i * d),
                                       values.begin() + static_cast<std::ptrdiff_t>((i + 1) * d)),
                   i);
  for (const auto& p : global_points(plan))
    if (slots_.find(p) == slots_.end())
      refuse(
          "it does not hold every point of the calibration's global stage (write the sweep "
          "with icsim calibrate --write-sweep)");
  money_unit_ = f.text_attribute("/", "units_money");
  if (f.has_attribute("region", "region")) region_ = f.text_attribute("region", "region");
  base_year_ = static_cast<int>(f.integer_attribute("/", "base_year"));
}

std::optional<std::vector<experiment::MomentFit>> GlobalFromSweep::fits(
    const std::vector<double>& values, const std::vector<experiment::MomentSpec>& moments) {
  const auto it = slots_.find(values);
  if (it == slots_.end()) return std::nullopt;
  ++used_;
  const results::Projection p = output::read_projection(*file_, it->second);
  return experiment::fit_moments(p, money_unit_, region_, base_year_, moments);
}

}  // namespace icsim::cli
