// A sensitivity analysis as a job array (sensitivity_array.hpp).
#include "cli/sensitivity_array.hpp"

#include <cstdint>
#include <cstdlib>

#include "cli/list_sweep.hpp"
#include "icsim/common/error.hpp"
#include "icsim/experiment/targets.hpp"
#include "icsim/output/run_result.hpp"

namespace icsim::cli {

std::string design_sweep_text(const scenario::SweepPlan& design, const std::string& scenario_file,
                              const std::string& out_path, std::uint64_t seed, int replications,
                              const std::string& command) {
  std::vector<std::vector<std::string>> texts;
  for (const auto& p : design.points) {
    texts.emplace_back();
    for (const auto& o : p.overrides) texts.back().push_back(o.value);
  }
  const std::string header =
      "# The design of a sensitivity analysis as a list sweep, written by:\n#   " + command +
      "\n# " + std::to_string(design.points.size()) +
      " points. Run it as a sweep (shards in a job array, then icsim merge; pass the same --set "
      "as\n# to icsim sensitivity) and give the merged file to icsim sensitivity --from.\n";
  return list_sweep_text(header, scenario_file, out_path, seed, replications, design.keys, texts);
}

DesignOutputs read_design_outputs(const std::string& path, const scenario::SensitivityPlan& plan,
                                  const scenario::SweepPlan& design,
                                  const std::string& scenario_name, std::uint64_t seed,
                                  int replications) {
  const output::ResultReader f(path);
  auto refuse = [&](const std::string& why) { throw InputError(path + ": --from: " + why); };
  if (!f.has("sweep/parameter_value") || !f.has("targets/probability"))
    refuse("not a sweep result (no /sweep or /targets group)");
  check_joined_sweep(f, path, "--from", scenario_name, seed, replications, design.keys,
                     "the analysis");
  const auto values = f.numbers("sweep/parameter_value");
  const std::size_t D = design.keys.size(), P = design.points.size();
  bool same = values.size() == P * D;
  for (std::size_t p = 0; same && p < P; ++p)
    for (std::size_t j = 0; same && j < D; ++j)
      same = values[p * D + j] == std::strtod(design.points[p].overrides[j].value.c_str(), nullptr);
  if (!same)
    refuse(
        "its points are not the design's (write the sweep with icsim sensitivity "
        "--write-sweep and the same parameters file, seed and --set)");

  DesignOutputs out;
  const auto ids = f.strings("targets/target");
  const auto units = f.strings("targets/unit");
  for (std::size_t t = 0; t < ids.size(); ++t) {
    for (const char* stat : {"probability", "median value"}) {
      out.names.push_back(ids[t] + (std::string(stat) == "probability" ? " P" : " median"));
      out.target.push_back(ids[t]);
      out.statistic.push_back(stat);
      out.units.push_back(std::string(stat) == "probability" ? "1" : units[t]);
    }
  }
  for (const auto& o : plan.outputs) {
    out.names.push_back(o.name);
    out.target.push_back("");
    out.statistic.push_back("series median");
    out.units.push_back("");
  }
  out.values.assign(out.names.size(), std::vector<double>(P));
  for (std::size_t p = 0; p < P; ++p) {
    const auto probability = f.numbers_slice("targets/probability", p);
    const auto median = f.numbers_slice("targets/value_median", p);
    std::size_t k = 0;
    for (std::size_t t = 0; t < ids.size(); ++t) {
      out.values[k++][p] = probability[t];
      out.values[k++][p] = median[t];
    }
    if (plan.outputs.empty()) continue;
    const results::Projection projection = output::read_projection(f, p);
    for (const auto& o : plan.outputs) {
      std::vector<double> members;
      try {
        const std::size_t year = projection.year_index(o.year);
        for (int r = 0; r < projection.replications; ++r)
          members.push_back(projection.series(o.series, r)[year]);
      } catch (const std::exception& e) {
        throw InputError(o.where + ": sensitivity.output: " + e.what());
      }
      out.values[k++][p] = experiment::quantile(members, 0.5);
    }
  }
  return out;
}

}  // namespace icsim::cli
