// Memory available to the process (include/icsim/common/memory.hpp), from Linux's /proc and
// /sys/fs/cgroup files and getrlimit.
#include "icsim/common/memory.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace icsim {
namespace {

// A "Key: N kB" line of a /proc file, in bytes.
std::optional<std::uint64_t> proc_field(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size() + 1, key + ":") != 0) continue;
    std::istringstream fields(line.substr(key.size() + 1));
    std::uint64_t value = 0;
    std::string unit;
    if (!(fields >> value)) return std::nullopt;
    fields >> unit;
    return unit == "kB" ? value * 1024 : value;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> read_number(const std::string& file) {
  std::ifstream in(file);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The cgroup v2 folder of this process ("0::/path" in /proc/self/cgroup).
std::optional<std::string> cgroup_folder() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("0::", 0) == 0) return "/sys/fs/cgroup" + line.substr(3);
  return std::nullopt;
}

void consider(std::optional<MemoryLimit>& least, std::uint64_t bytes, const char* what) {
  if (!least || bytes < least->bytes) least = MemoryLimit{bytes, what};
}

std::uint64_t remaining(std::uint64_t limit, std::uint64_t used) {
  return limit > used ? limit - used : 0;
}

}  // namespace

std::optional<MemoryLimit> available_memory() {
  std::optional<MemoryLimit> least;
  if (auto a = proc_field("/proc/meminfo", "MemAvailable"))
    consider(least, *a, "MemAvailable, the memory the system has available");
  if (auto folder = cgroup_folder()) {
    const auto max = read_number(*folder + "/memory.max");
    const auto current = read_number(*folder + "/memory.current");
    if (max && current)
      consider(least, remaining(*max, *current), "memory.max, the cgroup's limit");
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    consider(least,
             remaining(limit.rlim_cur, proc_field("/proc/self/status", "VmSize").value_or(0)),
             "ulimit -v, the address-space limit");
  if (getrlimit(RLIMIT_DATA, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    consider(least,
             remaining(limit.rlim_cur, proc_field("/proc/self/status", "VmData").value_or(0)),
             "ulimit -d, the data-segment limit");
  return least;
}

std::string format_bytes(double bytes) {
  static const char* units[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (bytes >= 999.5 && u < 5) {
    bytes /= 1000;
    ++u;
  }
  char text[32];
  if (u == 0)
    std::snprintf(text, sizeof text, "%.0f bytes", bytes);
  else
    std::snprintf(text, sizeof text,
                  bytes < 9.995   ? "%.2f %s"
                  : bytes < 99.95 ? "%.1f %s"
                                  : "%.0f %s",
                  bytes, units[u]);
  return text;
}

}  // namespace icsim
