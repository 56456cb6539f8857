#pragma once
// The points of a sweep, loaded one at a time when the work reaches them. A point is the
// scenario file loaded with the command's overrides and then the point's own; loading one takes
// about 0.2 MB and, with the firm model, a good part of a second, so a Latin hypercube of a
// million points could never be loaded up front. Memory stays at one loaded point whatever the
// number of points.
//
// check() loads, before any work, the scenario with every swept key at its smallest value over
// the points and with every key at its largest (the point itself when one point holds them): a
// value outside a key's documented range is reported before the first replication runs. A point
// that is invalid only through a combination of values fails when the work reaches it, naming the
// point (nothing is written: result files are committed only when complete).
//
// The points are read from the files when the work reaches them, so each load first checks that
// the scenario (after extends and the command's overrides) still reads as it did when the sweep
// started: an edit during a long sweep is an InputError, not a file mixing two scenarios.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "icsim/scenario/load.hpp"
#include "icsim/scenario/sweep.hpp"

namespace icsim::experiment {

class SweepPoints {
 public:
  SweepPoints(std::string path, std::vector<scenario::Override> overrides,
              const scenario::SweepPlan& plan);

  std::size_t size() const { return plan_->points.size(); }
  const scenario::SweepPlan& plan() const { return *plan_; }
  // Throws InputError naming the values that failed (or the point holding them all).
  void check() const;
  // Point i, loaded (or the one loaded last, when it is i). The pointer keeps the point alive
  // after another one is loaded. Throws InputError "sweep point i (label) is not a valid
  // scenario: ...". `file`, when not empty, replaces scenario.file of the loaded point.
  std::shared_ptr<const scenario::LoadedScenario> at(std::size_t i) const;
  void set_recorded_file(std::string file) { recorded_file_ = std::move(file); }

 private:
  std::string path_;
  std::vector<scenario::Override> overrides_;
  const scenario::SweepPlan* plan_;
  std::string recorded_file_;
  std::string start_text_;  // the resolved scenario when the sweep started
  void check_unchanged(std::size_t i) const;
  mutable std::size_t loaded_index_ = static_cast<std::size_t>(-1);
  mutable std::shared_ptr<const scenario::LoadedScenario> loaded_;
};

}  // namespace icsim::experiment
