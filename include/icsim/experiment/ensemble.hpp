#pragma once
// An ensemble: the points of a sweep (a single point for a plain run) times their Monte Carlo
// replications, run as work units and written as one result file (docs/results.md).
//
// A work unit is a block of replications of one point. Every replication is keyed by (seed,
// replication) alone, so a unit gives the same numbers whichever process or thread runs it, and
// the file is identical, bit for bit, however the work was split: one process, shards
// (icsim run|sweep --shard i/N, joined by icsim merge), or MPI ranks.
//
// Without parts (the default for one process) each point runs as one unit and is written to the
// result file as soon as it is done. With parts (resumable runs, shards, MPI), each finished
// unit is written at once to its own small file in `parts_dir`; a re-run with the same
// parts_dir skips the units already there, so a killed job loses only the units in flight. Under
// MPI every rank takes units from a shared counter (dynamic load balancing) and writes its
// parts; rank 0 then reads them back in order, evaluates the targets of each point over all its
// replications and writes the result file. The parts folder is removed once the file is
// committed.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "icsim/experiment/projection.hpp"
#include "icsim/experiment/sweep_points.hpp"
#include "icsim/experiment/targets.hpp"
#include "icsim/results/validation.hpp"
#include "icsim/scenario/load.hpp"
#include "icsim/scenario/sweep.hpp"

namespace icsim::output {
class ResultFile;
}

namespace icsim::experiment {

struct EnsembleSpec {
  // The scenario as given (after --set): its resolved text is stored in the result; for a sweep
  // its [sweep] section names every point.
  const scenario::LoadedScenario* base = nullptr;
  std::optional<scenario::SweepPlan> plan;  // empty: a plain run, whose one point is `base`
  // A sweep's points, loaded when the work reaches them; ignored for a plain run.
  const SweepPoints* points = nullptr;
  // Optional, on rank 0: called with each point's projection (all its replications) and
  // verdicts, in point order; then once after the last point with the result file before it is
  // committed (nullptr without -o), to add groups such as /sensitivity.
  std::function<void(std::size_t, const Projection&, const TargetReport&)> observe_point;
  std::function<void(output::ResultFile*)> finish;
};

struct EnsembleOptions {
  int threads = 0;  // per process; results do not depend on it
  // Replications first_replication .. + replication_count - 1 of every point (a shard's slice;
  // -1 = through the last), and the shard recorded in the file (0 = not a shard).
  int first_replication = 0, replication_count = -1;
  int shard = 0, shard_count = 0;
  // Resumable work: finished units in this folder (empty = none; required under MPI).
  std::string parts_dir;
  // Replications per unit with parts; 0 = 50, under MPI fewer when needed for 8 units a rank.
  int block = 0;
  const std::atomic<bool>* stop = nullptr;
  // On rank 0, as replications finish: (done over all ranks, total, each rank's done count).
  std::function<void(long, long, const std::vector<long>&)> progress;
};

struct EnsembleResult {
  bool root = true;  // false on MPI ranks other than 0, which hold no results and write no file
  std::vector<TargetReport> targets;  // per point (rank 0)
  // What the reports' targets point into: the scenario of point 0, and of any point whose
  // targets read differently (a swept threshold); other points are not kept loaded.
  std::vector<std::shared_ptr<const scenario::LoadedScenario>> scenarios;
  std::vector<ActualComparison> actuals;  // plain runs: reported figures against the projection
  results::Validation validation;         // plain runs: their forecast scores (validate_actuals)
  long replications_held = 0;             // per point: the slice's replications
  long units = 0, units_resumed = 0;      // units in all; found finished in parts_dir
  int processes = 1;
};

// Runs the ensemble and, when out_path is not empty, writes its result file atomically. Throws
// InputError (e.g. a sweep point that evaluates other targets than point 0, or a parts folder
// holding another scenario's parts), Interrupted when options.stop is raised.
EnsembleResult run_ensemble(const EnsembleSpec& spec, const EnsembleOptions& options,
                            const std::string& out_path);

}  // namespace icsim::experiment
