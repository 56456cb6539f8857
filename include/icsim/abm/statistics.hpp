#pragma once
// The statistics of the firm and land model as the bureau counts them (docs/model.md §3 step 10),
// per district and year: firm counts and flows (entries, exits, 小升规, rectifications), 规上
// aggregates, 亩均 figures, investment and the land stocks and flows. One list of variables
// (kStatistics) drives the projection's arrays, the /districts and /region groups of the result
// file and the "districts/<variable>" series of targets, so a variable is added in one place.
// Money in current prices (亿元), land in mu, counts in firms or projects.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace icsim::abm {

enum class Stat : std::uint8_t {
  // Counts at the end of the year (active firms, built or under construction)
  firms,
  firms_above_scale,
  firms_digital_above_scale,  // 规上 firms that have done digital renovation
  firms_nc_above_scale,       // 规上 firms with NC / intelligent equipment (数控化)
  firms_green_above_scale,    // 规上 firms that have done green renovation (绿色化改造)
  mujun_a,
  mujun_b,
  mujun_c,
  mujun_d,
  firms_evaluated,   // graded A-D this year and still active (mujun_a + ... + mujun_d)
  mujun_d_decrease,  // D firms left on the list last year - this year (negative: an increase)
  firms_below_rectification_line,  // evaluated firms still below the line after rectification
  // Flows during the year
  firms_entered,  // new firms (programme projects and arrivals whose land was granted)
  firms_exited,   // firms that stopped operating (rectification exits and loss-making firms)
  firms_crossed_above_scale,  // 小升规: became 规上 this year
  firms_rectified,            // rectified (整治提升): upgraded + exited
  firms_rectified_above_scale,
  firms_rectified_below_scale,
  firms_upgraded,
  projects_started,    // counted projects (>= ProjectRules::counted_investment) starting
  projects_completed,  // counted projects whose plant came into production
  // Money (current prices, 亿元/year)
  output,
  output_above_scale,
  value_added,
  value_added_above_scale,
  tax_above_scale,
  employment_above_scale,  // persons employed by 规上 firms (labour per output × output)
  investment,              // industrial fixed investment located in the district
  renovation_investment,   // 技改: zero-land, digital, NC and green renovation outlays
  inward_investment,       // outlays of arrivals (investment from outside the region)
  // Land (mu)
  land_above_scale,  // held by 规上 firms
  land_in_use,
  land_available,
  land_approved_not_supplied,
  land_pending_redevelopment,
  land_supplied,     // flow: approved -> available this year (on demand up to the quota)
  land_granted,      // flow: granted to projects and expansions this year
  land_released,     // flow: released by exits and returns this year
  land_redeveloped,  // flow: redevelopment land back in the pool this year
  land_quota_left,   // this year's on-demand quota not supplied at the year's end
  // Ratios (computed from the sums above, never summed)
  tax_per_mu_above_scale,              // tax_above_scale / land_above_scale, 亿元 per mu
  value_added_per_mu_above_scale,      // value_added_above_scale / land_above_scale
  value_added_rate_above_scale,        // value_added_above_scale / output_above_scale
  value_added_per_worker_above_scale,  // value_added_above_scale / employment_above_scale
  count
};

inline constexpr std::size_t kStatCount = static_cast<std::size_t>(Stat::count);

struct StatInfo {
  enum class Kind : std::uint8_t { count, money, land, ratio };
  Stat stat;
  std::string_view name;  // variable name in results and series
  std::string_view unit;
  std::string_view description;
  Kind kind;
  Stat numerator = Stat::count, denominator = Stat::count;  // ratios only
};

// Every statistic in Stat order: a new statistic is one enumerator above and one entry here
// (statistics.cpp checks the order), plus the line that computes it.
inline constexpr std::array<StatInfo, kStatCount> kStatistics = {{
    {Stat::firms, "firms", "firms",
     "active firms at the end of the year (built or under construction)", StatInfo::Kind::count},
    {Stat::firms_above_scale, "firms_above_scale", "firms",
     "规上 firms (revenue >= the above-scale threshold)", StatInfo::Kind::count},
    {Stat::firms_digital_above_scale, "firms_digital_above_scale", "firms",
     "规上 firms that have done digital renovation (数字化改造)", StatInfo::Kind::count},
    {Stat::firms_nc_above_scale, "firms_nc_above_scale", "firms",
     "规上 firms with NC / intelligent equipment (数控化、智能化改造)", StatInfo::Kind::count},
    {Stat::firms_green_above_scale, "firms_green_above_scale", "firms",
     "规上 firms that have done green renovation (绿色化改造)", StatInfo::Kind::count},
    {Stat::mujun_a, "mujun_a", "firms", "firms graded A in the 亩均 evaluation",
     StatInfo::Kind::count},
    {Stat::mujun_b, "mujun_b", "firms", "firms graded B in the 亩均 evaluation",
     StatInfo::Kind::count},
    {Stat::mujun_c, "mujun_c", "firms", "firms graded C in the 亩均 evaluation",
     StatInfo::Kind::count},
    {Stat::mujun_d, "mujun_d", "firms", "firms graded D in the 亩均 evaluation",
     StatInfo::Kind::count},
    {Stat::firms_evaluated, "firms_evaluated", "firms",
     "firms in the 亩均 evaluation (graded A to D) and still active at the end of the year",
     StatInfo::Kind::count},
    {Stat::mujun_d_decrease, "mujun_d_decrease", "firms",
     "decrease from last year of the D firms left at the end of the year (mujun_d less the D "
     "firms upgraded this year; negative: an increase; 0 in the base year)",
     StatInfo::Kind::count},
    {Stat::firms_below_rectification_line, "firms_below_rectification_line", "firms",
     "evaluated firms whose tax per mu is still below the rectification line after this year's "
     "rectification",
     StatInfo::Kind::count},
    {Stat::firms_entered, "firms_entered", "firms", "new firms this year (projects granted land)",
     StatInfo::Kind::count},
    {Stat::firms_exited, "firms_exited", "firms",
     "firms that stopped operating this year: rectification exits (firms_rectified - "
     "firms_upgraded) and loss-making firms",
     StatInfo::Kind::count},
    {Stat::firms_crossed_above_scale, "firms_crossed_above_scale", "firms",
     "小升规: firms that became 规上 this year", StatInfo::Kind::count},
    {Stat::firms_rectified, "firms_rectified", "firms",
     "firms rectified (整治提升) this year: upgraded or exited", StatInfo::Kind::count},
    {Stat::firms_rectified_above_scale, "firms_rectified_above_scale", "firms",
     "规上 firms rectified this year", StatInfo::Kind::count},
    {Stat::firms_rectified_below_scale, "firms_rectified_below_scale", "firms",
     "below-scale firms rectified this year", StatInfo::Kind::count},
    {Stat::firms_upgraded, "firms_upgraded", "firms",
     "rectified firms that upgraded instead of exiting", StatInfo::Kind::count},
    {Stat::projects_started, "projects_started", "projects",
     "projects of at least the counted investment that started construction",
     StatInfo::Kind::count},
    {Stat::projects_completed, "projects_completed", "projects",
     "projects of at least the counted investment whose plant started producing",
     StatInfo::Kind::count},
    {Stat::output, "output", "CNY 100 million", "industrial output of the district's firms",
     StatInfo::Kind::money},
    {Stat::output_above_scale, "output_above_scale", "CNY 100 million", "output of 规上 firms",
     StatInfo::Kind::money},
    {Stat::value_added, "value_added", "CNY 100 million", "value added of the district's firms",
     StatInfo::Kind::money},
    {Stat::value_added_above_scale, "value_added_above_scale", "CNY 100 million",
     "value added of 规上 firms", StatInfo::Kind::money},
    {Stat::tax_above_scale, "tax_above_scale", "CNY 100 million",
     "taxes of 规上 firms (net production taxes)", StatInfo::Kind::money},
    {Stat::employment_above_scale, "employment_above_scale", "persons",
     "persons employed by 规上 firms (labour per unit of output × output)", StatInfo::Kind::count},
    {Stat::investment, "investment", "CNY 100 million",
     "industrial fixed investment located in the district", StatInfo::Kind::money},
    {Stat::renovation_investment, "renovation_investment", "CNY 100 million",
     "技改: zero-land, digital, NC and green renovation outlays", StatInfo::Kind::money},
    {Stat::inward_investment, "inward_investment", "CNY 100 million",
     "outlays of inward-investment arrivals", StatInfo::Kind::money},
    {Stat::land_above_scale, "land_above_scale", "mu", "land held by 规上 firms",
     StatInfo::Kind::land},
    {Stat::land_in_use, "land_in_use", "mu",
     "industrial land in use (firms and plants under construction)", StatInfo::Kind::land},
    {Stat::land_available, "land_available", "mu",
     "industrial land supplied but not used (供而未用)", StatInfo::Kind::land},
    {Stat::land_approved_not_supplied, "land_approved_not_supplied", "mu",
     "industrial land approved but not supplied (批而未供)", StatInfo::Kind::land},
    {Stat::land_pending_redevelopment, "land_pending_redevelopment", "mu",
     "land released by exits, being redeveloped", StatInfo::Kind::land},
    {Stat::land_supplied, "land_supplied", "mu",
     "land supplied this year: on demand up to the quota (land.supply), programme land (要素保障) "
     "beyond it",
     StatInfo::Kind::land},
    {Stat::land_granted, "land_granted", "mu", "land granted to projects and expansions this year",
     StatInfo::Kind::land},
    {Stat::land_released, "land_released", "mu", "land released by exits and upgrades this year",
     StatInfo::Kind::land},
    {Stat::land_redeveloped, "land_redeveloped", "mu",
     "redeveloped land back in the pool this year", StatInfo::Kind::land},
    {Stat::land_quota_left, "land_quota_left", "mu",
     "this year's supply quota not supplied at the year's end (land.supply = \"on_demand\"; 0 "
     "under \"quota\", which supplies it all)",
     StatInfo::Kind::land},
    {Stat::tax_per_mu_above_scale, "tax_per_mu_above_scale", "CNY 100 million per mu",
     "规上 亩均税收: tax_above_scale / land_above_scale", StatInfo::Kind::ratio,
     Stat::tax_above_scale, Stat::land_above_scale},
    {Stat::value_added_per_mu_above_scale, "value_added_per_mu_above_scale",
     "CNY 100 million per mu", "规上 亩均增加值: value_added_above_scale / land_above_scale",
     StatInfo::Kind::ratio, Stat::value_added_above_scale, Stat::land_above_scale},
    {Stat::value_added_rate_above_scale, "value_added_rate_above_scale", "1",
     "规上 增加值率: value_added_above_scale / output_above_scale", StatInfo::Kind::ratio,
     Stat::value_added_above_scale, Stat::output_above_scale},
    {Stat::value_added_per_worker_above_scale, "value_added_per_worker_above_scale",
     "CNY 100 million per person",
     "规上 全员劳动生产率: value_added_above_scale / employment_above_scale (current prices)",
     StatInfo::Kind::ratio, Stat::value_added_above_scale, Stat::employment_above_scale},
}};

// Every statistic in Stat order.
const std::array<StatInfo, kStatCount>& statistics_info();
const StatInfo& info(Stat s);
// Index of a statistic by name, or -1.
int find_statistic(std::string_view name);

// One year's values: per district (districts × kStatCount, row-major) and the region.
struct DistrictStatistics {
  std::size_t districts = 0;
  std::vector<double> values;               // [d * kStatCount + stat]
  std::array<double, kStatCount> region{};  // sums over districts, ratios recomputed

  void reset(std::size_t district_count);
  double& at(std::size_t d, Stat s) { return values[d * kStatCount + static_cast<std::size_t>(s)]; }
  double at(std::size_t d, Stat s) const {
    return values[d * kStatCount + static_cast<std::size_t>(s)];
  }
  // Sums districts into region and computes every ratio (districts and region); 0 when the
  // denominator is 0.
  void finish();
};

}  // namespace icsim::abm
