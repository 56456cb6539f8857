// Sweep points loaded on demand (include/icsim/experiment/sweep_points.hpp).
#include "icsim/experiment/sweep_points.hpp"

#include <algorithm>
#include <limits>

#include "icsim/common/error.hpp"

namespace icsim::experiment {

SweepPoints::SweepPoints(std::string path, std::vector<scenario::Override> overrides,
                         const scenario::SweepPlan& plan)
    : path_(std::move(path)),
      overrides_(std::move(overrides)),
      plan_(&plan),
      start_text_(scenario::parse_scenario(path_, overrides_).resolved_toml) {}

void SweepPoints::check_unchanged(std::size_t i) const {
  std::string now;
  try {
    now = scenario::parse_scenario(path_, overrides_).resolved_toml;
  } catch (const InputError&) {
    now.clear();
  }
  if (now != start_text_)
    throw InputError(path_ + ": the scenario (or a file it extends) changed while the sweep ran: " +
                     "point " + std::to_string(i) +
                     " would run another scenario than the points before it. Nothing was "
                     "written: run the sweep again");
}

void SweepPoints::check() const {
  const auto& points = plan_->points;
  if (points.empty()) return;
  // The override text of each key's smallest and largest value over the points.
  const std::size_t K = plan_->keys.size();
  std::vector<std::size_t> low(K, 0), high(K, 0);
  for (std::size_t i = 1; i < points.size(); ++i)
    for (std::size_t k = 0; k < K && k < points[i].values.size(); ++k) {
      if (points[i].values[k] < points[low[k]].values[k]) low[k] = i;
      if (points[i].values[k] > points[high[k]].values[k]) high[k] = i;
    }
  for (const bool largest : {false, true}) {
    const std::vector<std::size_t>& from = largest ? high : low;
    if (std::all_of(from.begin(), from.end(), [&](std::size_t i) { return i == from.front(); })) {
      at(from.front());  // one point holds every extreme: load it, named as a point
      continue;
    }
    std::vector<scenario::Override> all = overrides_;
    std::string label;
    for (std::size_t k = 0; k < K; ++k) {
      const auto& point = points[largest ? high[k] : low[k]];
      if (k >= point.overrides.size()) continue;
      all.push_back(point.overrides[k]);
      label +=
          (label.empty() ? "" : ", ") + point.overrides[k].key + "=" + point.overrides[k].value;
    }
    try {
      scenario::load_scenario(path_, all);
    } catch (const InputError& e) {
      throw InputError(std::string("the sweep's ") + (largest ? "largest" : "smallest") +
                       " values (" + label + ") do not make a valid scenario:\n" + e.what());
    }
  }
}

std::shared_ptr<const scenario::LoadedScenario> SweepPoints::at(std::size_t i) const {
  if (i == loaded_index_ && loaded_) return loaded_;
  const auto& point = plan_->points.at(i);
  check_unchanged(i);
  std::vector<scenario::Override> all = overrides_;
  all.insert(all.end(), point.overrides.begin(), point.overrides.end());
  std::shared_ptr<scenario::LoadedScenario> loaded;
  try {
    loaded = std::make_shared<scenario::LoadedScenario>(scenario::load_scenario(path_, all));
  } catch (const InputError& e) {
    throw InputError("sweep point " + std::to_string(i) + " (" + point.label +
                     ") is not a valid scenario:\n" + e.what());
  }
  if (!recorded_file_.empty()) loaded->scenario.file = recorded_file_;
  loaded_ = std::move(loaded);
  loaded_index_ = i;
  return loaded_;
}

}  // namespace icsim::experiment
