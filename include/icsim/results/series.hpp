#pragma once
// A series of a projection, named by its result variable (results/variables.hpp) and summed over
// a selection: metric "region/<variable>" (no selection), "clusters/<variable>",
// "sectors/<variable>" or "districts/<variable>" with codes ("SYSTEM/CODE" for clusters;
// "SYSTEM/*" = every cluster of a system; "*" = every sector or district). Scenario files name
// series in targets and reported figures (scenario::Series is this type).
#include <string>
#include <vector>

namespace icsim::results {

struct Series {
  std::string metric;
  std::vector<std::string> select;
  // prices = "constant": money values divided by the year's price index (base-year prices), for
  // targets stated in comparable prices (可比价, e.g. 增加值增长); default "current".
  bool constant_prices = false;
};

}  // namespace icsim::results
