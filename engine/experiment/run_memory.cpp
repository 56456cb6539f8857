// The memory a run needs (include/icsim/experiment/run_memory.hpp).
#include "icsim/experiment/run_memory.hpp"

#include <algorithm>

#include "icsim/common/error.hpp"
#include "icsim/common/memory.hpp"
#include "icsim/results/projection.hpp"

namespace icsim::experiment {
namespace {

// Per replication and target: reached (1 byte), value (8) and first year (4) of TargetOutcome.
constexpr std::uint64_t kOutcomeBytes = 1 + 8 + 4;

}  // namespace

RunMemory run_memory(const scenario::LoadedScenario& loaded, long replications,
                     std::size_t points) {
  const auto& sc = loaded.scenario;
  results::Projection shape;
  for (int y = sc.base_year; y <= sc.horizon; ++y) shape.years.push_back(y);
  shape.sectors.resize(loaded.table.size());
  for (const auto& system : loaded.systems)
    shape.clusters.resize(shape.clusters.size() + system.clusters.size());
  shape.firm_model = sc.firms.enabled;
  if (shape.firm_model) shape.districts.resize(loaded.districts.size());
  const std::uint64_t results = results::values_per_replication(shape) * sizeof(double);
  const std::uint64_t outcomes = sc.targets.size() * kOutcomeBytes;
  const auto R = static_cast<std::uint64_t>(std::max(0L, replications));
  RunMemory m;
  m.per_replication = results + outcomes;
  // One point's results at a time, every point's outcomes.
  m.total = R * (results + outcomes * static_cast<std::uint64_t>(points));
  return m;
}

void check_run_fits(const scenario::LoadedScenario& loaded, long replications, std::size_t points,
                    const std::string& what) {
  const std::optional<MemoryLimit> limit = available_memory();
  if (!limit) return;
  const RunMemory m = run_memory(loaded, replications, points);
  if (m.total <= limit->bytes) return;
  const RunMemory one = run_memory(loaded, 1, points);
  const std::uint64_t fit = one.total > 0 ? limit->bytes / one.total : 0;
  throw InputError(
      "scenario.replications = " + std::to_string(replications) + ": " + what + " would hold " +
      format_bytes(static_cast<double>(m.total)) + " of results in memory (" +
      format_bytes(static_cast<double>(m.per_replication)) + " a replication" +
      (points > 1 ? ", " + std::to_string(points) + " points" : std::string()) + "), but only " +
      format_bytes(static_cast<double>(limit->bytes)) + " are available (limited by " +
      limit->what + "). At most " + std::to_string(fit) +
      " replications fit here: use fewer, or a machine with more memory "
      "(docs/scenario-reference.md, scenario.replications)");
}

}  // namespace icsim::experiment
