// Names of seek statuses and directions (include/icsim/results/seek.hpp).
#include "icsim/results/seek.hpp"

namespace icsim::results {

const char* to_string(SeekAnswer::Status status, SeekOptions::Direction direction) {
  switch (status) {
    case SeekAnswer::Status::found:
      return "found";
    case SeekAnswer::Status::at_range_end:
      return direction == SeekOptions::Direction::smallest ? "at the low end" : "at the high end";
    case SeekAnswer::Status::not_reached:
      return "not reached in range";
  }
  return "?";
}

const char* to_string(SeekOptions::Direction direction) {
  return direction == SeekOptions::Direction::smallest ? "smallest" : "largest";
}

}  // namespace icsim::results
