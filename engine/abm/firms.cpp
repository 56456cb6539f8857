#include "icsim/abm/firms.hpp"

namespace icsim::abm {

namespace {

// Applies f to every per-firm vector. Adding a field to FirmPopulation means adding it here
// (tests/abm/firms_test.cpp checks the byte total against bytes_per_firm()).
template <class F>
void for_each_array(FirmPopulation& p, F&& f) {
  f(p.id);
  f(p.sector);
  f(p.district);
  f(p.flags);
  f(p.mujun_class);
  f(p.years_in_d);
  f(p.capacity);
  f(p.output);
  f(p.capital);
  f(p.productivity);
  f(p.value_added_rate);
  f(p.tax_rate);
  f(p.labour_per_output);
  f(p.energy_per_output);
  f(p.land);
  f(p.plot_ratio);
}

}  // namespace

void FirmPopulation::reserve(std::size_t n) {
  for_each_array(*this, [n](auto& v) { v.reserve(n); });
}

// New entries get the same neutral values as push_back_defaults.
void FirmPopulation::resize(std::size_t n) {
  const std::size_t old = size();
  for_each_array(*this, [n](auto& v) { v.resize(n); });
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
  id.push_back(static_cast<std::uint32_t>(i));
  sector.push_back(0);
  district.push_back(0);
  flags.push_back(kActive);
  mujun_class.push_back(MujunClass::unrated);
  years_in_d.push_back(0);
  capacity.push_back(0.0);
  output.push_back(0.0);
  capital.push_back(0.0);
  productivity.push_back(1.0f);
  value_added_rate.push_back(0.0f);
  tax_rate.push_back(0.0f);
  labour_per_output.push_back(0.0f);
  energy_per_output.push_back(0.0f);
  land.push_back(0.0);
  plot_ratio.push_back(1.0f);
  return i;
}

}  // namespace icsim::abm
