#include "icsim/common/error.hpp"

namespace icsim {
std::string located(const std::string& file, long line, const std::string& message) {
  if (line > 0) return file + ":" + std::to_string(line) + ": " + message;
  return file + ": " + message;
}
}  // namespace icsim
