#pragma once
// The statistics of the firm and land model as the bureau counts them (MODEL.md §3 step 10), per
// district and year: firm counts and flows (entries, exits, 小升规, rectifications), 规上
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
  mujun_a,
  mujun_b,
  mujun_c,
  mujun_d,
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
  investment,             // industrial fixed investment located in the district
  renovation_investment,  // 技改: zero-land and digital renovation outlays
  inward_investment,      // outlays of arrivals (investment from outside the region)
  // Land (mu)
  land_above_scale,  // held by 规上 firms
  land_in_use,
  land_available,
  land_approved_not_supplied,
  land_pending_redevelopment,
  land_supplied,     // flow: approved -> available this year (quota)
  land_granted,      // flow: granted to projects and expansions this year
  land_released,     // flow: released by exits and returns this year
  land_redeveloped,  // flow: redevelopment land back in the pool this year
  // Ratios (computed from the sums above, never summed)
  tax_per_mu_above_scale,          // tax_above_scale / land_above_scale, 亿元 per mu
  value_added_per_mu_above_scale,  // value_added_above_scale / land_above_scale
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
