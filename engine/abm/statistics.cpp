#include "icsim/abm/statistics.hpp"

#include <algorithm>

namespace icsim::abm {

namespace {

using K = StatInfo::Kind;

constexpr std::array<StatInfo, kStatCount> kStatistics = {{
    {Stat::firms, "firms", "firms",
     "active firms at the end of the year (built or under construction)", K::count},
    {Stat::firms_above_scale, "firms_above_scale", "firms",
     "规上 firms (revenue >= the above-scale threshold)", K::count},
    {Stat::firms_digital_above_scale, "firms_digital_above_scale", "firms",
     "规上 firms that have done digital renovation (数字化改造)", K::count},
    {Stat::mujun_a, "mujun_a", "firms", "firms graded A in the 亩均 evaluation", K::count},
    {Stat::mujun_b, "mujun_b", "firms", "firms graded B in the 亩均 evaluation", K::count},
    {Stat::mujun_c, "mujun_c", "firms", "firms graded C in the 亩均 evaluation", K::count},
    {Stat::mujun_d, "mujun_d", "firms", "firms graded D in the 亩均 evaluation", K::count},
    {Stat::firms_below_rectification_line, "firms_below_rectification_line", "firms",
     "evaluated firms whose tax per mu is still below the rectification line after this year's "
     "rectification",
     K::count},
    {Stat::firms_entered, "firms_entered", "firms", "new firms this year (projects granted land)",
     K::count},
    {Stat::firms_exited, "firms_exited", "firms",
     "firms that stopped operating this year: rectification exits (firms_rectified - "
     "firms_upgraded) and loss-making firms",
     K::count},
    {Stat::firms_crossed_above_scale, "firms_crossed_above_scale", "firms",
     "小升规: firms that became 规上 this year", K::count},
    {Stat::firms_rectified, "firms_rectified", "firms",
     "firms rectified (整治提升) this year: upgraded or exited", K::count},
    {Stat::firms_rectified_above_scale, "firms_rectified_above_scale", "firms",
     "规上 firms rectified this year", K::count},
    {Stat::firms_rectified_below_scale, "firms_rectified_below_scale", "firms",
     "below-scale firms rectified this year", K::count},
    {Stat::firms_upgraded, "firms_upgraded", "firms",
     "rectified firms that upgraded instead of exiting", K::count},
    {Stat::projects_started, "projects_started", "projects",
     "projects of at least the counted investment that started construction", K::count},
    {Stat::projects_completed, "projects_completed", "projects",
     "projects of at least the counted investment whose plant started producing", K::count},
    {Stat::output, "output", "CNY 100 million", "industrial output of the district's firms",
     K::money},
    {Stat::output_above_scale, "output_above_scale", "CNY 100 million", "output of 规上 firms",
     K::money},
    {Stat::value_added, "value_added", "CNY 100 million", "value added of the district's firms",
     K::money},
    {Stat::value_added_above_scale, "value_added_above_scale", "CNY 100 million",
     "value added of 规上 firms", K::money},
    {Stat::tax_above_scale, "tax_above_scale", "CNY 100 million",
     "taxes of 规上 firms (net production taxes)", K::money},
    {Stat::investment, "investment", "CNY 100 million",
     "industrial fixed investment located in the district", K::money},
    {Stat::renovation_investment, "renovation_investment", "CNY 100 million",
     "技改: zero-land and digital renovation outlays", K::money},
    {Stat::inward_investment, "inward_investment", "CNY 100 million",
     "outlays of inward-investment arrivals", K::money},
    {Stat::land_above_scale, "land_above_scale", "mu", "land held by 规上 firms", K::land},
    {Stat::land_in_use, "land_in_use", "mu",
     "industrial land in use (firms and plants under construction)", K::land},
    {Stat::land_available, "land_available", "mu",
     "industrial land supplied but not used (供而未用)", K::land},
    {Stat::land_approved_not_supplied, "land_approved_not_supplied", "mu",
     "industrial land approved but not supplied (批而未供)", K::land},
    {Stat::land_pending_redevelopment, "land_pending_redevelopment", "mu",
     "land released by exits, being redeveloped", K::land},
    {Stat::land_supplied, "land_supplied", "mu", "land supplied this year (quota)", K::land},
    {Stat::land_granted, "land_granted", "mu", "land granted to projects and expansions this year",
     K::land},
    {Stat::land_released, "land_released", "mu", "land released by exits and upgrades this year",
     K::land},
    {Stat::land_redeveloped, "land_redeveloped", "mu",
     "redeveloped land back in the pool this year", K::land},
    {Stat::tax_per_mu_above_scale, "tax_per_mu_above_scale", "CNY 100 million per mu",
     "规上 亩均税收: tax_above_scale / land_above_scale", K::ratio, Stat::tax_above_scale,
     Stat::land_above_scale},
    {Stat::value_added_per_mu_above_scale, "value_added_per_mu_above_scale",
     "CNY 100 million per mu", "规上 亩均增加值: value_added_above_scale / land_above_scale",
     K::ratio, Stat::value_added_above_scale, Stat::land_above_scale},
}};

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
