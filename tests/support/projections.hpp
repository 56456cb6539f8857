#pragma once
// Hand-made projections shared by the tests of scoring and calibration.
#include "icsim/results/projection.hpp"

namespace icsim::test {

// Three replications, years 2017-2019, no sectors or clusters; GDP 100 in 2017, 110/120/130 in
// 2018 and 200/220/240 in 2019.
inline results::Projection three_replication_gdp() {
  results::Projection p;
  p.years = {2017, 2018, 2019};
  p.replications = 3;
  results::allocate(p);
  const double gdp[3][3] = {{100, 110, 200}, {100, 120, 220}, {100, 130, 240}};
  for (int r = 0; r < 3; ++r)
    for (int y = 0; y < 3; ++y) p.gdp[static_cast<std::size_t>(r * 3 + y)] = gdp[r][y];
  return p;
}

}  // namespace icsim::test
