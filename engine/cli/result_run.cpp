// Reading a run of a result file back (result_run.hpp).
#include "cli/result_run.hpp"

#include <cmath>

#include "icsim/common/error.hpp"
#include "icsim/output/result_reader.hpp"
#include "icsim/output/run_result.hpp"

namespace icsim::cli {
namespace {

// The per-replication verdicts of point `slot`: /targets value, reached and first_year_reached
// are (point, replication, target).
void read_verdicts(const output::ResultReader& file, std::size_t slot, ResultRun& run) {
  const std::size_t k = run.targets.size();
  const auto texts = file.strings("targets/text");
  const auto base_years = file.numbers("targets/base_year");
  const auto value = file.numbers_slice("targets/value", slot);
  const auto reached = file.numbers_slice("targets/reached", slot);
  const auto first = file.numbers_slice("targets/first_year_reached", slot);
  const std::size_t reps = k == 0 ? 0 : value.size() / k;
  for (std::size_t t = 0; t < k; ++t) {
    const auto& info = run.targets[t];
    experiment::TargetVerdict v;
    v.id = info.id;
    v.text = texts[t];
    v.metric = info.metric;
    v.op = info.op;
    v.kind = info.kind;
    v.unit = info.unit;
    v.threshold = info.threshold;
    v.year = info.year;
    v.base_year = std::isfinite(base_years[t]) ? static_cast<int>(base_years[t]) : 0;
    for (std::size_t r = 0; r < reps; ++r) {
      v.value.push_back(value[r * k + t]);
      v.reached.push_back(static_cast<signed char>(reached[r * k + t] != 0 ? 1 : 0));
      v.first_year.push_back(first[r * k + t]);
    }
    run.verdicts.push_back(std::move(v));
  }
}

}  // namespace

ResultRun open_result_run(const std::string& path, std::optional<std::size_t> point,
                          bool verdicts) {
  const output::ResultReader file(path);
  if (!file.has("region") || !file.has("targets"))
    throw InputError(path + ": not a result of icsim run (no /region or /targets group)");
  const auto shape = file.shape("region/gdp");
  const std::size_t points = shape.empty() ? 1 : shape.front();
  if (points > 1 && !point)
    throw InputError(path + ": a sweep of " + std::to_string(points) +
                     " points: choose one with --point N");
  const std::size_t slot = point.value_or(0);
  if (slot >= points)
    throw InputError("--point " + std::to_string(slot) + ": " + path + " has " +
                     std::to_string(points) + " point" + (points == 1 ? "" : "s") + " (0 .. " +
                     std::to_string(points - 1) + ")");
  ResultRun run;
  run.point = slot;
  run.projection = output::read_projection(file, slot);
  if (run.projection.years.empty()) throw InputError(path + ": the run has no years");
  run.money_unit = file.text_attribute("/", "units_money");
  if (file.has_attribute("region", "region")) run.region = file.text_attribute("region", "region");
  run.scenario_name = file.has_attribute("/", "scenario_name")
                          ? file.text_attribute("/", "scenario_name")
                          : std::string();
  run.seed = file.has_attribute("/", "seed")
                 ? static_cast<std::uint64_t>(file.integer_attribute("/", "seed"))
                 : 0;
  // The year axis starts at the base year; the root attribute says it explicitly.
  run.base_year = file.has_attribute("/", "base_year")
                      ? static_cast<int>(file.integer_attribute("/", "base_year"))
                      : run.projection.years.front();
  if (file.has("targets/target") && !file.shape("targets/target").empty() &&
      file.shape("targets/target").front() > 0) {
    const auto ids = file.strings("targets/target");
    const auto metrics = file.strings("targets/metric");
    const auto ops = file.strings("targets/operator");
    const auto kinds = file.strings("targets/kind");
    const auto units = file.strings("targets/unit");
    const auto thresholds = file.numbers("targets/threshold");
    const auto years = file.numbers("targets/year");
    const auto probability = file.numbers_slice("targets/probability", slot);
    for (std::size_t i = 0; i < ids.size(); ++i)
      run.targets.push_back({ids[i], metrics[i], ops[i], kinds[i], units[i], thresholds[i],
                             static_cast<int>(years[i]), probability[i]});
    if (verdicts) read_verdicts(file, slot, run);
  }
  return run;
}

}  // namespace icsim::cli
