// Joining shards of one run (include/icsim/output/merge_runs.hpp).
#include "icsim/output/merge_runs.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <utility>

#include "icsim/abm/statistics.hpp"
#include "icsim/common/error.hpp"
#include "icsim/experiment/targets.hpp"
#include "icsim/output/run_result.hpp"
#include "icsim/scenario/load.hpp"

namespace icsim::output {
namespace {

namespace fs = std::filesystem;

std::vector<int> to_int(const std::vector<double>& v) {
  std::vector<int> out;
  out.reserve(v.size());
  for (double x : v) out.push_back(static_cast<int>(x));
  return out;
}

// A firm-model statistic stored one variable per statistic over (replication, year, inner),
// interleaved back into (replication, year, inner, statistic).
std::vector<double> read_statistics(const ResultReader& file, const std::string& group,
                                    std::size_t outer, std::size_t inner) {
  const std::size_t K = abm::kStatCount;
  std::vector<double> out(outer * inner * K, 0.0);
  for (const auto& s : abm::statistics_info()) {
    const std::string name = group + "/" + std::string(s.name);
    if (!file.has(name))
      throw InputError(file.path() + ": no /" + name + " (written by an older icsim?)");
    const std::vector<double> v = file.numbers(name);
    if (v.size() != outer * inner)
      throw InputError(file.path() + ": /" + name + " has " + std::to_string(v.size()) +
                       " values, expected " + std::to_string(outer * inner));
    for (std::size_t i = 0; i < outer * inner; ++i)
      out[i * K + static_cast<std::size_t>(s.stat)] = v[i];
  }
  return out;
}

void append(std::vector<double>& to, const std::vector<double>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

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

}  // namespace

experiment::Projection read_projection(const ResultReader& file) {
  for (const char* group : {"sectors", "region", "targets"})
    if (!file.has(group))
      throw InputError(file.path() + ": no /" + std::string(group) +
                       " group (not a result of icsim run)");
  experiment::Projection p;
  p.years = to_int(file.numbers("region/year"));
  const std::vector<double> reps = file.numbers("region/replication");
  p.replications = static_cast<int>(reps.size());
  p.first_replication = reps.empty() ? 0 : static_cast<int>(reps.front());
  p.sectors = file.strings("sectors/sector");
  p.sector_names = file.strings("sectors/sector_name");
  p.sector_output = file.numbers("sectors/output");
  p.sector_value_added = file.numbers("sectors/value_added");
  p.sector_employment = file.numbers("sectors/employment");
  p.sector_investment = file.numbers("sectors/investment");
  p.sector_capacity = file.numbers("sectors/capacity");
  p.sector_imports = file.numbers("sectors/imports");
  if (file.has("clusters")) {
    p.clusters = file.strings("clusters/cluster");
    p.cluster_system = file.strings("clusters/system");
    p.cluster_names = file.strings("clusters/cluster_name");
    p.cluster_output = file.numbers("clusters/output");
    p.cluster_value_added = file.numbers("clusters/value_added");
    p.cluster_investment = file.numbers("clusters/investment");
    p.cluster_output_above_scale = file.numbers("clusters/output_above_scale");
  }
  p.gdp = file.numbers("region/gdp");
  p.industrial_output = file.numbers("region/industrial_output");
  p.industrial_value_added = file.numbers("region/industrial_value_added");
  p.industrial_output_above_scale = file.numbers("region/industrial_output_above_scale");
  p.industrial_value_added_above_scale = file.numbers("region/industrial_value_added_above_scale");
  p.industrial_investment = file.numbers("region/industrial_investment");
  p.price_index = file.numbers("region/price_index");
  p.firm_model =
      file.has_attribute("/", "firm_model") && file.integer_attribute("/", "firm_model") != 0;
  if (p.firm_model) {
    p.districts = file.strings("districts/district");
    p.district_names = file.strings("districts/district_name");
    const std::size_t outer = reps.size() * p.years.size();
    p.district_statistics = read_statistics(file, "districts", outer, p.districts.size());
    p.region_statistics = read_statistics(file, "region", outer, 1);
    p.sector_land_in_use = file.numbers("sectors/land_in_use");
    p.sector_firms = file.numbers("sectors/firms");
    if (file.has("clusters")) {
      p.cluster_land_in_use = file.numbers("clusters/land_in_use");
      p.cluster_firms = file.numbers("clusters/firms");
    }
  }
  return p;
}

MergeSummary merge_runs(const std::vector<std::string>& shard_paths, const std::string& out_path) {
  if (shard_paths.empty()) throw InputError("no shard files given");
  // Same resolved scenario and seed everywhere.
  std::vector<Shard> shards;
  std::string scenario_text, scenario_file;
  std::int64_t seed = 0;
  int threads = 1;
  for (const auto& path : shard_paths) {
    ResultReader file(path);
    if (!file.has("scenario") || !file.has("region/replication"))
      throw InputError(path + ": not a result file of icsim run (no /scenario or /region)");
    const std::vector<std::string> text = file.strings("scenario");
    const std::string this_text = text.empty() ? std::string() : text.front();
    const std::int64_t this_seed = file.integer_attribute("/", "seed");
    if (shards.empty()) {
      scenario_text = this_text;
      seed = this_seed;
      scenario_file = file.text_attribute("/", "scenario_file");
    } else if (this_text != scenario_text) {
      throw InputError(path + ": its resolved scenario differs from that of " +
                       shards.front().path +
                       " (shards to merge must come from one scenario with the same --set "
                       "overrides)");
    } else if (this_seed != seed) {
      throw InputError(path + ": seed " + std::to_string(this_seed) + " differs from seed " +
                       std::to_string(seed) + " of " + shards.front().path);
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

  // The scenario, reloaded from its resolved text (for its targets, figures and table).
  scenario::LoadedScenario loaded = [&] {
    TemporaryScenario temporary(scenario_file, scenario_text, shard_paths.front());
    return scenario::load_scenario(temporary.path());
  }();
  loaded.scenario.file = scenario_file;
  loaded.scenario.resolved_toml = scenario_text;
  const long total = loaded.scenario.replications;

  // Every replication exactly once.
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

  // Per-replication arrays concatenated in replication order.
  std::sort(shards.begin(), shards.end(), [](const Shard& a, const Shard& b) {
    const long fa = a.replications.empty() ? -1 : a.replications.front();
    const long fb = b.replications.empty() ? -1 : b.replications.front();
    return fa < fb;
  });
  experiment::Projection merged;
  bool first = true;
  for (const auto& s : shards) {
    if (s.replications.empty()) continue;
    ResultReader file(s.path);
    experiment::Projection p = read_projection(file);
    if (first) {
      merged = std::move(p);
      merged.first_replication = 0;
      first = false;
      continue;
    }
    if (p.years != merged.years || p.sectors != merged.sectors || p.clusters != merged.clusters ||
        p.districts != merged.districts || p.firm_model != merged.firm_model)
      throw InputError(s.path + ": years, sectors, clusters or districts differ from " +
                       shards.front().path);
    merged.replications += p.replications;
    for (auto member : {&experiment::Projection::sector_output,
                        &experiment::Projection::sector_value_added,
                        &experiment::Projection::sector_employment,
                        &experiment::Projection::sector_investment,
                        &experiment::Projection::sector_capacity,
                        &experiment::Projection::sector_imports,
                        &experiment::Projection::cluster_output,
                        &experiment::Projection::cluster_value_added,
                        &experiment::Projection::cluster_investment,
                        &experiment::Projection::cluster_output_above_scale,
                        &experiment::Projection::gdp,
                        &experiment::Projection::industrial_output,
                        &experiment::Projection::industrial_value_added,
                        &experiment::Projection::industrial_output_above_scale,
                        &experiment::Projection::industrial_value_added_above_scale,
                        &experiment::Projection::industrial_investment,
                        &experiment::Projection::price_index,
                        &experiment::Projection::district_statistics,
                        &experiment::Projection::region_statistics,
                        &experiment::Projection::cluster_land_in_use,
                        &experiment::Projection::cluster_firms,
                        &experiment::Projection::sector_land_in_use,
                        &experiment::Projection::sector_firms})
      append(merged.*member, p.*member);
  }

  const experiment::TargetReport report =
      experiment::evaluate_targets(loaded.scenario.targets, merged);
  const auto actuals = experiment::compare_actuals(loaded.scenario.actuals, merged);
  // The shards' own per-replication verdicts must be what the merged evaluation gives: a shard
  // written by an icsim that evaluates targets differently is refused.
  for (const auto& s : shards) {
    if (s.replications.empty()) continue;
    ResultReader file(s.path);
    const std::vector<std::string> ids =
        file.has("targets/target") ? file.strings("targets/target") : std::vector<std::string>{};
    bool same = ids.size() == report.evaluated.size();
    for (std::size_t k = 0; same && k < ids.size(); ++k)
      same = ids[k] == report.evaluated[k].target->id;
    if (same && !ids.empty()) {
      const std::vector<double> value = file.numbers("targets/value");
      const std::vector<double> reached = file.numbers("targets/reached");
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

  ResultFile out(out_path);
  RunOutputs run{&loaded, &merged, &report, &actuals, threads};
  run.processes = static_cast<int>(shards.size());
  write_run(out, run);
  out.commit();
  return {loaded.scenario.name, total, static_cast<int>(shards.size())};
}

}  // namespace icsim::output
