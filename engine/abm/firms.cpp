#include "icsim/abm/firms.hpp"

namespace icsim::abm {

void FirmPopulation::reserve(std::size_t n) {
  for_each_array([n](auto& v) { v.reserve(n); });
}

// New entries get neutral values: productivity and plot ratio 1, active, unrated, id = index.
void FirmPopulation::resize(std::size_t n) {
  const std::size_t old = size();
  for_each_array([n](auto& v) { v.resize(n); });
  for (std::size_t i = old; i < n; ++i) {
    id[i] = static_cast<std::uint32_t>(i);
    flags[i] = kActive;
    mujun_class[i] = MujunClass::unrated;
    productivity[i] = 1.0f;
    plot_ratio[i] = 1.0f;
  }
}

std::size_t FirmPopulation::push_back_defaults() {
  const std::size_t i = size();
  resize(i + 1);
  return i;
}

}  // namespace icsim::abm
