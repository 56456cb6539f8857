#pragma once
// The yearly projection (docs/model.md §3 steps 1-3 with the input-output core), run as Monte
// Carlo replications. Per replication r and year t = base+1 .. horizon:
//  1. final demand by component grows by the scenario's growth draws (common shock times each
//     component's loading, plus its own part, plus sector-group extras for given products);
//  2. investment: industrial investment outside programmes grows by its own draw; programme
//     projects (delay, failure, construction, ramp-up drawn per project) and exogenous
//     investments add outlays; investment by investing sector becomes product demand through
//     the bridge matrix and is added to GFCF;
//  3. output x = L f, with capacity constraints: a sector whose demand exceeds its capacity is
//     held at capacity and the excess is imported (mixed exogenous/endogenous solution).
// Completed projects add capacity and, at ramped-up utilisation, sales outside the region.
// Money values are in current prices (price index from the scenario; 1 in the base year).
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "icsim/results/projection.hpp"
#include "icsim/scenario/load.hpp"

namespace icsim::experiment {

// The result: every result variable per replication and year (results/projection.hpp).
using Projection = results::Projection;

struct RunOptions {
  int threads = 0;  // 0 = all cores; results do not depend on it
  // Called from the calling thread as replications finish (done, total); may be empty.
  std::function<void(int, int)> progress;
  // Run only replications first_replication .. first_replication + replication_count - 1
  // (-1 = through the scenario's last): each gives the same numbers as in a full run, so runs
  // can be split across processes.
  int first_replication = 0;
  int replication_count = -1;
  // When set and true (Ctrl-C, SIGTERM), replications not yet started are skipped and project()
  // throws icsim::Interrupted once those in flight have finished.
  const std::atomic<bool>* stop = nullptr;
};

// What a projection builds from the scenario alone, before any replication: the Leontief
// factorisation, the shares and bridges, and with the firm model the synthesised firm
// population and its calibration. Built once, it serves any number of project() calls on any
// replications (the blocks of a resumable or MPI run). Refers to `loaded`, which must outlive it.
class PreparedScenario {
 public:
  explicit PreparedScenario(const scenario::LoadedScenario& loaded);
  const scenario::LoadedScenario& loaded() const { return *loaded_; }

 private:
  friend Projection project(const PreparedScenario&, const RunOptions&);
  struct Impl;
  const scenario::LoadedScenario* loaded_;
  std::shared_ptr<const Impl> impl_;
};

// Runs every replication of the scenario (OpenMP over replications, BLAS single-threaded inside).
Projection project(const scenario::LoadedScenario& loaded, const RunOptions& options = {});
Projection project(const PreparedScenario& prepared, const RunOptions& options = {});

}  // namespace icsim::experiment
