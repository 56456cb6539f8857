#pragma once
// How much memory this process may still take, for commands that check a run fits before they
// start it (a run holds every replication's results until it writes them).
#include <cstdint>
#include <optional>
#include <string>

namespace icsim {

struct MemoryLimit {
  std::uint64_t bytes = 0;
  std::string what;  // the least limit: "MemAvailable, the memory the system has available", ...
};

// The least of: the system's available memory (MemAvailable in /proc/meminfo), the cgroup v2
// limit less the cgroup's current use (memory.max - memory.current), and the address-space and
// data-segment limits (ulimit -v, RLIMIT_DATA) less what the process already maps. Empty when
// none of them can be read (not Linux).
std::optional<MemoryLimit> available_memory();

// "33.6 GB", "512 MB", "3.4 kB" (decimal units, three significant figures).
std::string format_bytes(double bytes);

}  // namespace icsim
