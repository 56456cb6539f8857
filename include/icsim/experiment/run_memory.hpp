#pragma once
// Whether a run fits in memory before it starts. A run holds every replication's results of a
// point (and, for a sweep, every point's target outcomes) until it writes them, so a documented
// maximum such as scenario.replications = 10,000,000 fits only on a machine with the memory
// for it: the commands check and refuse with the figures instead of failing part-way.
#include <cstddef>
#include <cstdint>
#include <string>

#include "icsim/scenario/load.hpp"

namespace icsim::experiment {

struct RunMemory {
  std::uint64_t per_replication = 0;  // one replication's results and target outcomes, bytes
  std::uint64_t total = 0;            // what the run holds at its peak, bytes
};

// `replications` of `points` points of `loaded`'s shape (years, sectors, clusters, districts,
// targets): one point's results at a time and every point's target outcomes. Measured: the
// Ningbo baseline without the firm model, 20,000 replications, 796 MB by this count and 799 MB
// peak resident memory, with or without parts (benchmarks/README.md, "Memory").
RunMemory run_memory(const scenario::LoadedScenario& loaded, long replications, std::size_t points);

// Throws InputError when run_memory() exceeds the memory available to the process
// (common/memory.hpp), with both figures, the largest replication count that fits and what to
// do. `what` names the command's work ("the run", "the merge").
void check_run_fits(const scenario::LoadedScenario& loaded, long replications, std::size_t points,
                    const std::string& what);

}  // namespace icsim::experiment
