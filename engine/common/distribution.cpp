#include "icsim/common/distribution.hpp"

#include <cmath>

namespace icsim {

double Distribution::expected() const {
  switch (kind) {
    case Kind::constant:
    case Kind::normal:
      return mean;
    case Kind::lognormal:  // of g, where 1 + g is lognormal with median 1 + median
      return (1.0 + median) * std::exp(0.5 * sigma * sigma) - 1.0;
    case Kind::triangular:
      return (low + mode + high) / 3.0;
    case Kind::uniform:
      return 0.5 * (low + high);
  }
  return mean;
}

}  // namespace icsim
