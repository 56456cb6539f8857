// The global stage of a calibration as a sweep (calibrate_array.hpp).
#include "cli/calibrate_array.hpp"

#include <cstdint>
#include <filesystem>

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
  namespace fs = std::filesystem;
  const fs::path folder = fs::absolute(out_path).parent_path();
  const std::string parent =
      fs::absolute(calibration_file).lexically_normal().lexically_relative(folder).generic_string();
  const auto points = global_points(plan);
  std::string s;
  s += "# The global stage of a calibration as a list sweep, written by:\n#   " + command + "\n";
  s += "# " + std::to_string(points.size()) + " points of the Latin hypercube (seed " +
       std::to_string(plan.seed) +
       "). Run it as a sweep (shards in a job array, then icsim merge; pass the same --set as\n"
       "# to icsim calibrate) and give the merged file to icsim calibrate --global-from.\n";
  s += "extends = \"" + parent + "\"\n\n[scenario]\nseed = " + std::to_string(plan.seed) +
       "\nreplications = " + std::to_string(plan.replications) +
       "\n\n[sweep]\nmethod = \"list\"\nkeys = [";
  for (std::size_t j = 0; j < plan.parameters.size(); ++j)
    s += (j ? ", \"" : "\"") + plan.parameters[j].key + "\"";
  s += "]\npoints = [\n";
  for (const auto& p : points) {
    s += "  [";
    for (std::size_t j = 0; j < p.size(); ++j)
      s += (j ? ", " : "") + scenario::parameter_value_text(plan.parameters[j], p[j]);
    s += "],\n";
  }
  s += "]\n";
  return s;
}

GlobalFromSweep::GlobalFromSweep(const std::string& path, const scenario::CalibrationPlan& plan,
                                 const std::string& scenario_name)
    : path_(path), file_(std::make_unique<output::ResultReader>(path)) {
  const auto& f = *file_;
  auto refuse = [&](const std::string& why) { throw InputError(path + ": --global-from: " + why); };
  if (!f.has("sweep/parameter_value")) refuse("not a sweep (no /sweep group)");
  if (f.has_attribute("/", "shard"))
    refuse("a shard of a sweep: join the shards with 'icsim merge' first");
  if (f.text_attribute("/", "scenario_name") != scenario_name)
    refuse("a sweep of scenario '" + f.text_attribute("/", "scenario_name") + "', not '" +
           scenario_name + "'");
  if (f.integer_attribute("/", "seed") != static_cast<std::int64_t>(plan.seed) ||
      f.integer_attribute("/", "replications") != plan.replications)
    refuse("seed " + std::to_string(f.integer_attribute("/", "seed")) + " and " +
           std::to_string(f.integer_attribute("/", "replications")) +
           " replications, but the calibration has seed " + std::to_string(plan.seed) + " and " +
           std::to_string(plan.replications));
  const auto keys = f.strings("sweep/parameter");
  std::vector<std::string> wanted;
  for (const auto& r : plan.parameters) wanted.push_back(r.key);
  if (keys != wanted) refuse("its swept keys are not the calibration's parameters, in order");
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
