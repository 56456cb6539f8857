#include "icsim/abm/statistics.hpp"

#include <algorithm>

namespace icsim::abm {

namespace {

constexpr bool in_order() {
  for (std::size_t i = 0; i < kStatCount; ++i)
    if (static_cast<std::size_t>(kStatistics[i].stat) != i) return false;
  return true;
}
static_assert(in_order(), "kStatistics must list every Stat in enum order");

}  // namespace

const std::array<StatInfo, kStatCount>& statistics_info() { return kStatistics; }

const StatInfo& info(Stat s) { return kStatistics[static_cast<std::size_t>(s)]; }

int find_statistic(std::string_view name) {
  for (std::size_t i = 0; i < kStatCount; ++i)
    if (kStatistics[i].name == name) return static_cast<int>(i);
  return -1;
}

void DistrictStatistics::reset(std::size_t district_count) {
  districts = district_count;
  values.assign(district_count * kStatCount, 0.0);
  region.fill(0.0);
}

void DistrictStatistics::finish() {
  region.fill(0.0);
  for (std::size_t d = 0; d < districts; ++d)
    for (std::size_t k = 0; k < kStatCount; ++k)
      if (kStatistics[k].kind != StatInfo::Kind::ratio) region[k] += values[d * kStatCount + k];
  auto ratio = [](double num, double den) { return den > 0 ? num / den : 0.0; };
  for (const auto& s : kStatistics) {
    if (s.kind != StatInfo::Kind::ratio) continue;
    const auto k = static_cast<std::size_t>(s.stat), nu = static_cast<std::size_t>(s.numerator),
               de = static_cast<std::size_t>(s.denominator);
    for (std::size_t d = 0; d < districts; ++d)
      values[d * kStatCount + k] = ratio(values[d * kStatCount + nu], values[d * kStatCount + de]);
    region[k] = ratio(region[nu], region[de]);
  }
}

}  // namespace icsim::abm
