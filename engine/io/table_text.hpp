#pragma once
// Small text helpers shared by the table readers, the table checks and the table writer
// (engine/io/table_*.cpp, pymrio_format.cpp); not part of the public interface.
#include <sstream>
#include <string>
#include <vector>

#include "icsim/io/table.hpp"

namespace icsim::io::detail {

inline std::string join(const std::vector<std::string>& items, const std::string& sep,
                        std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) out += (i ? sep : "") + items[i];
  if (items.size() > max) out += sep + "... (" + std::to_string(items.size() - max) + " more)";
  return out;
}

inline std::string fmt(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

inline std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// "'CODE' (name)": how messages name a sector.
inline std::string sector_label(const IOTable& t, Eigen::Index j) {
  const auto u = static_cast<std::size_t>(j);
  std::string name = !t.names_zh.empty() && !t.names_zh[u].empty() ? t.names_zh[u] : t.names[u];
  return "'" + t.codes[u] + "'" + (name.empty() || name == t.codes[u] ? "" : " (" + name + ")");
}

}  // namespace icsim::io::detail
