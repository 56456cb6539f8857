// List sweeps for job arrays (list_sweep.hpp).
#include "cli/list_sweep.hpp"

#include <filesystem>

#include "icsim/common/error.hpp"

namespace icsim::cli {

std::string list_sweep_text(const std::string& header, const std::string& scenario_file,
                            const std::string& out_path, std::uint64_t seed, long replications,
                            const std::vector<std::string>& keys,
                            const std::vector<std::vector<std::string>>& points) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::absolute(out_path).parent_path();
  const std::string parent =
      fs::absolute(scenario_file).lexically_normal().lexically_relative(folder).generic_string();
  std::string s = header + "extends = \"" + parent +
                  "\"\n\n[scenario]\nseed = " + std::to_string(seed) +
                  "\nreplications = " + std::to_string(replications) +
                  "\n\n[sweep]\nmethod = \"list\"\nkeys = [";
  for (std::size_t j = 0; j < keys.size(); ++j) s += (j ? ", \"" : "\"") + keys[j] + "\"";
  s += "]\npoints = [\n";
  for (const auto& p : points) {
    s += "  [";
    for (std::size_t j = 0; j < p.size(); ++j) s += (j ? ", " : "") + p[j];
    s += "],\n";
  }
  return s + "]\n";
}

void check_joined_sweep(const output::ResultReader& f, const std::string& path,
                        const std::string& option, const std::string& scenario_name,
                        std::uint64_t seed, long replications, const std::vector<std::string>& keys,
                        const std::string& whose) {
  auto refuse = [&](const std::string& why) {
    throw InputError(path + ": " + option + ": " + why);
  };
  if (!f.has("sweep/parameter_value")) refuse("not a sweep (no /sweep group)");
  if (f.has_attribute("/", "shard"))
    refuse("a shard of a sweep: join the shards with 'icsim merge' first");
  if (f.text_attribute("/", "scenario_name") != scenario_name)
    refuse("a sweep of scenario '" + f.text_attribute("/", "scenario_name") + "', not '" +
           scenario_name + "'");
  if (f.integer_attribute("/", "seed") != static_cast<std::int64_t>(seed) ||
      f.integer_attribute("/", "replications") != replications)
    refuse("seed " + std::to_string(f.integer_attribute("/", "seed")) + " and " +
           std::to_string(f.integer_attribute("/", "replications")) + " replications, but " +
           whose + " runs with seed " + std::to_string(seed) + " and " +
           std::to_string(replications));
  if (f.strings("sweep/parameter") != keys)
    refuse("its swept keys are not the parameters of " + whose + ", in order");
}

}  // namespace icsim::cli
