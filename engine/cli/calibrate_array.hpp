#pragma once
// The global stage of `icsim calibrate` run as a sweep (docs/calibrate.md, "Larger budgets: a
// Slurm array"): `--write-sweep OUT.toml` writes the Latin hypercube's points as a list sweep of
// the calibration file, which a job array runs in shards (`icsim sweep --shard`, `icsim
// merge`); `--global-from SWEEP.h5` then takes each global point's moments from the merged
// sweep instead of running it, so the calibration continues with the local stage and ends with
// the same parameters as a run on one node.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "icsim/experiment/calibration.hpp"
#include "icsim/output/result_reader.hpp"
#include "icsim/scenario/calibration.hpp"

namespace icsim::cli {

// The points of the global Latin hypercube as parameter values, distinct, in design order.
// InputError unless the plan's global method is latin_hypercube.
std::vector<std::vector<double>> global_points(const scenario::CalibrationPlan& plan);

// The sweep scenario: extends the calibration file (its path relative to `out_path`'s folder),
// the calibration's seed and replications, and a list sweep of the global points.
std::string global_sweep_text(const scenario::CalibrationPlan& plan,
                              const std::string& calibration_file, const std::string& out_path,
                              const std::string& command);

// A merged sweep of those points, read back.
class GlobalFromSweep {
 public:
  // InputError naming the file when it is not a sweep of the plan's parameters with its seed and
  // replications, is a shard, or does not hold every global point.
  GlobalFromSweep(const std::string& path, const scenario::CalibrationPlan& plan,
                  const std::string& scenario_name);
  // The moments of the point with exactly these parameter values; nullopt when the sweep has no
  // such point (a local-stage point: the caller runs it).
  std::optional<std::vector<experiment::MomentFit>> fits(
      const std::vector<double>& values, const std::vector<experiment::MomentSpec>& moments);
  std::size_t used() const { return used_; }

 private:
  std::string path_;
  std::unique_ptr<output::ResultReader> file_;
  std::map<std::vector<double>, std::size_t> slots_;
  std::string money_unit_, region_;
  int base_year_ = 0;
  std::size_t used_ = 0;
};

}  // namespace icsim::cli
