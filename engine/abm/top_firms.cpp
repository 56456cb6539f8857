// The output of the largest firms (include/icsim/abm/top_firms.hpp).
#include "icsim/abm/top_firms.hpp"

#include <algorithm>
#include <functional>
#include <vector>

namespace icsim::abm {

double top_firms_output(const FirmPopulation& firms, std::size_t n) {
  std::vector<double> active;
  active.reserve(firms.size());
  for (std::size_t i = 0; i < firms.size(); ++i)
    if (firms.flags[i] & kActive) active.push_back(firms.output[i]);
  const std::size_t k = std::min(n, active.size());
  const auto end = active.begin() + static_cast<std::ptrdiff_t>(k);
  std::nth_element(active.begin(), end == active.begin() ? active.begin() : end - 1, active.end(),
                   std::greater<>());
  std::sort(active.begin(), end, std::greater<>());
  double sum = 0;
  for (auto it = active.begin(); it != end; ++it) sum += *it;
  return sum;
}

}  // namespace icsim::abm
