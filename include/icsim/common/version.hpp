#pragma once
#include <string_view>

namespace icsim {
std::string_view version();     // semantic version of the engine, e.g. "0.1.0"
std::string_view git_commit();  // commit the binary was built from, or "unknown"
}  // namespace icsim
