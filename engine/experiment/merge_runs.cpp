// Joining shards of one run (include/icsim/experiment/merge_runs.hpp).
#include "icsim/experiment/merge_runs.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <utility>

#include "icsim/common/error.hpp"
#include "icsim/experiment/ensemble.hpp"
#include "icsim/experiment/evaluate.hpp"
#include "icsim/experiment/run_memory.hpp"
#include "icsim/experiment/sweep_points.hpp"
#include "icsim/output/result_file.hpp"
#include "icsim/output/result_reader.hpp"
#include "icsim/output/run_result.hpp"
#include "icsim/scenario/load.hpp"
#include "icsim/scenario/sweep.hpp"

namespace icsim::experiment {
namespace {

namespace fs = std::filesystem;
using output::ResultReader;

// The resolved scenario text placed next to the original scenario file (its relative paths
// resolve as they did), removed again when done.
class TemporaryScenario {
 public:
  TemporaryScenario(const std::string& scenario_file, const std::string& text,
                    const std::string& shard) {
    const fs::path original(scenario_file);
    std::string name = ".";
    name += original.stem().string();
    name += ".merge.";
    name += std::to_string(::getpid());
    name += ".toml";
    path_ = (original.parent_path() / name).string();
    std::ofstream out(path_, std::ios::binary);
    out << text;
    out.close();
    if (!out)
      throw InputError(shard + ": cannot write the resolved scenario to " + path_ +
                       " (icsim merge reloads the scenario's data from the folder of " +
                       scenario_file + ")");
  }
  ~TemporaryScenario() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  TemporaryScenario(const TemporaryScenario&) = delete;
  TemporaryScenario& operator=(const TemporaryScenario&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// "3, 5-9, 12"
std::string ranges(const std::vector<long>& numbers) {
  std::string out;
  for (std::size_t i = 0; i < numbers.size();) {
    std::size_t j = i;
    while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(numbers[i]);
    if (j > i) {
      out += '-';
      out += std::to_string(numbers[j]);
    }
    i = j + 1;
  }
  return out;
}

struct Shard {
  std::string path;
  std::vector<long> replications;  // global numbers
};

// The shards of one run: same resolved scenario, seed and sweep points everywhere; each holds a
// contiguous block of replications.
struct ShardSet {
  std::vector<Shard> shards;
  std::string scenario_text, scenario_file;
  std::int64_t seed = 0;
  std::vector<double> point_numbers;
  int threads = 1;
};

ShardSet read_shards(const std::vector<std::string>& shard_paths) {
  ShardSet set;
  auto& [shards, scenario_text, scenario_file, seed, point_numbers, threads] = set;
  for (const auto& path : shard_paths) {
    ResultReader file(path);
    if (!file.has("scenario") || !file.has("region/replication"))
      throw InputError(path +
                       ": not a result file of icsim run or sweep (no /scenario or /region)");
    const std::vector<std::string> text = file.strings("scenario");
    const std::string this_text = text.empty() ? std::string() : text.front();
    const std::int64_t this_seed = file.integer_attribute("/", "seed");
    const std::vector<double> these_points = file.numbers("region/point");
    if (shards.empty()) {
      scenario_text = this_text;
      seed = this_seed;
      point_numbers = these_points;
      scenario_file = file.text_attribute("/", "scenario_file");
    } else if (this_text != scenario_text) {
      throw InputError(path + ": its resolved scenario differs from that of " +
                       shards.front().path +
                       " (shards to merge must come from one scenario with the same --set "
                       "overrides)");
    } else if (this_seed != seed) {
      throw InputError(path + ": seed " + std::to_string(this_seed) + " differs from seed " +
                       std::to_string(seed) + " of " + shards.front().path);
    } else if (these_points != point_numbers) {
      throw InputError(path + ": holds " + std::to_string(these_points.size()) + " sweep points, " +
                       shards.front().path + " " + std::to_string(point_numbers.size()) +
                       " (shards of one sweep hold every point)");
    }
    if (file.has_attribute("/", "threads"))
      threads = std::max(threads, static_cast<int>(file.integer_attribute("/", "threads")));
    Shard shard{path, {}};
    for (double r : file.numbers("region/replication")) shard.replications.push_back(long(r));
    for (std::size_t i = 1; i < shard.replications.size(); ++i)
      if (shard.replications[i] != shard.replications[i - 1] + 1)
        throw InputError(path + ": its replications are not a contiguous block");
    shards.push_back(std::move(shard));
  }
  return set;
}

// Every replication 0 .. total-1 exactly once; sorts the shards by their first replication.
void check_coverage(std::vector<Shard>& shards, long total) {
  std::vector<std::vector<std::string>> holders(static_cast<std::size_t>(total));
  std::vector<long> outside;
  for (const auto& s : shards)
    for (long r : s.replications) {
      if (r < 0 || r >= total)
        outside.push_back(r);
      else
        holders[static_cast<std::size_t>(r)].push_back(s.path);
    }
  if (!outside.empty())
    throw InputError("replications " + ranges(outside) + " lie outside the scenario's " +
                     std::to_string(total) + " replications (0-" + std::to_string(total - 1) + ")");
  std::vector<long> missing, duplicate;
  std::string duplicate_files;
  for (long r = 0; r < total; ++r) {
    const auto& h = holders[static_cast<std::size_t>(r)];
    if (h.empty()) missing.push_back(r);
    if (h.size() > 1) {
      if (duplicate.empty())
        for (std::size_t i = 0; i < h.size(); ++i)
          duplicate_files += (i ? (i + 1 == h.size() ? " and " : ", ") : "") + h[i];
      duplicate.push_back(r);
    }
  }
  if (!missing.empty() || !duplicate.empty()) {
    std::string message =
        "the shards do not cover the " + std::to_string(total) + " replications exactly once:";
    if (!missing.empty()) message += " missing replications " + ranges(missing) + ";";
    if (!duplicate.empty())
      message += " replications " + ranges(duplicate) + " held more than once (e.g. by " +
                 duplicate_files + ");";
    message.pop_back();
    throw InputError(message);
  }
  std::sort(shards.begin(), shards.end(), [](const Shard& a, const Shard& b) {
    const long fa = a.replications.empty() ? -1 : a.replications.front();
    const long fb = b.replications.empty() ? -1 : b.replications.front();
    return fa < fb;
  });
}

// The shards' own per-replication verdicts must be what the merged evaluation gives: a shard
// written by an icsim that evaluates targets differently is refused.
void check_shard_verdicts(const std::vector<Shard>& shards, const TargetReport& report,
                          std::size_t slot) {
  for (const auto& s : shards) {
    if (s.replications.empty()) continue;
    ResultReader file(s.path);
    const std::vector<std::string> ids =
        file.has("targets/target") ? file.strings("targets/target") : std::vector<std::string>{};
    bool same = ids.size() == report.evaluated.size();
    for (std::size_t k = 0; same && k < ids.size(); ++k)
      same = ids[k] == report.evaluated[k].target->id;
    if (same && !ids.empty()) {
      const std::vector<double> value = file.numbers_slice("targets/value", slot);
      const std::vector<double> reached = file.numbers_slice("targets/reached", slot);
      const std::size_t K = ids.size();
      same = value.size() == s.replications.size() * K && reached.size() == value.size();
      for (std::size_t i = 0; same && i < s.replications.size(); ++i)
        for (std::size_t k = 0; same && k < K; ++k) {
          const auto r = static_cast<std::size_t>(s.replications[i]);
          const double a = value[i * K + k], b = report.evaluated[k].value[r];
          same = (a == b || (std::isnan(a) && std::isnan(b))) &&
                 reached[i * K + k] == report.evaluated[k].reached[r];
        }
    }
    if (!same)
      throw InputError(s.path +
                       ": its targets or per-replication target values differ from those "
                       "evaluated on its arrays (written by another version of icsim?)");
  }
}

}  // namespace

MergeSummary merge_runs(const std::vector<std::string>& shard_paths, const std::string& out_path) {
  if (shard_paths.empty()) throw InputError("no shard files given");
  ShardSet set = read_shards(shard_paths);
  auto& [shards, scenario_text, scenario_file, seed, point_numbers, threads] = set;

  // The scenario (and a sweep's points), reloaded from the resolved text for its targets,
  // figures and table.
  scenario::LoadedScenario base;
  std::optional<scenario::SweepPlan> plan;
  // Kept until the end: a sweep's points are loaded from it one at a time.
  TemporaryScenario temporary(scenario_file, scenario_text, shard_paths.front());
  base = scenario::load_scenario(temporary.path());
  // A sweep's files carry /sweep; `icsim run` of a file with a [sweep] section ran its base.
  if (ResultReader(shard_paths.front()).has("sweep")) {
    plan = scenario::read_sweep_plan(temporary.path(), {}, base.scenario.seed);
    if (!plan)
      throw InputError(shard_paths.front() +
                       ": has a /sweep group but its stored scenario no [sweep] section");
  }
  base.scenario.file = scenario_file;
  base.scenario.resolved_toml = scenario_text;
  std::optional<SweepPoints> swept;
  if (plan) {
    swept.emplace(temporary.path(), std::vector<scenario::Override>{}, *plan);
    swept->set_recorded_file(scenario_file);
  }
  const std::size_t point_count = plan ? swept->size() : 1;
  // Point `slot`, loaded when the merge reaches it.
  auto point = [&](std::size_t slot) -> std::shared_ptr<const scenario::LoadedScenario> {
    if (!plan) return {std::shared_ptr<const scenario::LoadedScenario>(), &base};
    return swept->at(slot);
  };
  if (point_numbers.size() != point_count)
    throw InputError(shard_paths.front() + ": holds " + std::to_string(point_numbers.size()) +
                     " points, its scenario's [sweep] gives " + std::to_string(point_count));
  const long total = base.scenario.replications;
  check_coverage(shards, total);
  check_run_fits(base, total, point_count, "the merge");

  output::ResultFile out(out_path);
  std::vector<std::int64_t> numbers(point_numbers.begin(), point_numbers.end());
  for (std::size_t slot = 0; slot < point_count; ++slot) {
    // Per-replication arrays of the point concatenated in replication order.
    Projection merged;
    for (const auto& s : shards) {
      if (s.replications.empty()) continue;
      ResultReader file(s.path);
      results::append_replications(merged, output::read_projection(file, slot), s.path);
    }
    const auto loaded = point(slot);
    const PointVerdicts verdicts = evaluate_point(*loaded, merged);
    const TargetReport& report = verdicts.targets;
    check_shard_verdicts(shards, report, slot);
    output::RunOutputs run{loaded.get(), &merged, &report, &verdicts.actuals, threads};
    run.validation = &verdicts.validation;
    run.processes = static_cast<int>(shards.size());
    run.point_numbers = numbers;
    run.point = slot;
    run.scenario_text = scenario_text;
    output::write_run(out, run);
  }
  if (plan) output::write_sweep(out, *plan);
  out.commit();
  return {base.scenario.name, total, static_cast<int>(shards.size())};
}

}  // namespace icsim::experiment
