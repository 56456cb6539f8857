#pragma once
// 亩均论英雄: the yearly per-mu evaluation of firms on land (docs/model.md §3 step 8). Firms are
// graded A/B/C/D on a weighted per-mu score (by percentile or by score thresholds), C and D firms
// pay a differential electricity surcharge, and firms whose tax per mu is below the rectification
// line (1 万元/亩, seeds 000 and 001) upgrade with some probability or exit (腾笼换鸟), releasing
// their land. Every rule parameter is a field of MujunRules with its default and source; they
// become scenario keys. docs/mujun-and-land.md explains the rules. Pure functions over
// FirmPopulation: no I/O, no hidden state; random draws are keyed by (seed, replication, year, firm
// id) so results do not depend on the thread count or the order firms are stored in.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "icsim/abm/firms.hpp"
#include "icsim/abm/rule_problem.hpp"
#include "icsim/common/random.hpp"

namespace icsim::abm {

// How classes are assigned: by rank within the evaluation group (percentile) or by fixed cut-offs
// on the score (thresholds).
enum class MujunMethod : std::uint8_t { percentile, thresholds };

// Which firms are ranked together and share the benchmarks the score is measured against:
// each district (区县(市)) separately — the evaluation is run by districts (seed 003: 镇海区
// 工业"亩均效益"综合评价办法4.0版) — or the whole region as one group; district_scale ranks a
// district's 规上 and below-scale firms as two groups (the districts grade and publish them
// separately: 海曙区 lists its 规上 and 规下 results apart, 820 and 3,420 firms in its 2024
// evaluation), so every district has D firms among its 规上 firms too.
enum class MujunScope : std::uint8_t { district, region, district_scale };

// Score weights. Each indicator is scored as its ratio to the group benchmark (the group's
// aggregate: Σ tax / Σ land, Σ output / Σ land, Σ energy / Σ value added, Σ value added / Σ
// labour), capped at MujunRules::indicator_cap, times its weight; energy per value added enters
// inverted (lower is better). The score is normalised to 100 for a firm at every benchmark.
// Defaults: an analogue, another city's published weights (docs/mujun-and-land.md; Zhejiang's
// own v4.0 weights were not readable): 亩均税收 45, 销售/亩 20, 能耗 15, 研发 15,
// 劳动生产率 5. The firm layout holds no R&D data, so the R&D term (15) is dropped and the
// remaining weights are renormalised by their sum (85): 52.9 / 23.5 / 17.6 / 5.9 %.
struct MujunWeights {
  double tax_per_mu = 45;
  double sales_per_mu = 20;
  double energy_per_value_added = 15;
  double labour_productivity = 5;
};

struct MujunRules {
  MujunMethod method = MujunMethod::percentile;
  MujunScope scope = MujunScope::district;
  MujunWeights weights;
  // A ratio to the benchmark counts at most this much (so one indicator cannot carry a firm).
  // Assumption: 2 (a firm at twice the benchmark on every indicator scores 200).
  double indicator_cap = 2.0;

  // Percentile method: cumulative shares from the top. A firm ranked k-th (1 = best) of n in
  // its group is A if k/n <= a_share, else B if k/n <= b_share, else C if k/n <= c_share, else D.
  // Defaults: the analogue of docs/mujun-and-land.md — A top 25 %, B 26-70 %, C 71-95 %, D bottom 5
  // % (another city's rule; to be overridden by Ningbo's).
  double a_share = 0.25;
  double b_share = 0.70;
  double c_share = 0.95;

  // Threshold method: A if score >= a_min_score, B if >= b_min_score, C if >= c_min_score,
  // else D (score 100 = at every benchmark). Assumption: 120 / 80 / 50.
  double a_min_score = 120;
  double b_min_score = 80;
  double c_min_score = 50;

  // Which firms are evaluated: active firms on land (not under construction) that are above
  // scale (规上), or below scale with at least this much land. Ningbo 2018 evaluated the 1.91万
  // 规上 firms plus below-scale firms with >= 3 亩 (宁波日报 2019-04-12,
  // daily.cnnb.com.cn/nbrb/html/2019-04/12/content_1160421.htm).
  double min_land_below_scale = 3.0;  // mu

  // Differential electricity surcharge (差别化电价), 元 per kWh of electricity. D firms pay
  // d_surcharge[k-1] in their k-th consecutive D year (the last entry from then on). Default:
  // the Shandong analogue of docs/mujun-and-land.md, +0.05 / 0.10 / 0.15 元/kWh for 1 / 2 / 3+
  // years.
  std::vector<double> d_surcharge = {0.05, 0.10, 0.15};
  // C firms pay a flat surcharge. Default 0: no source gives one (the analogue surcharges D only).
  double c_surcharge = 0.0;
  // Only electricity is surcharged, but energy_per_output is total energy in tonnes of coal
  // equivalent (tce) per 亿元 of output. Electricity's share of a firm's energy use (in tce).
  // Assumption 0.27 (China's electrification of final energy use is about a quarter).
  double electricity_share = 0.27;
  // kWh per tce for electricity: calorific equivalent 0.1229 kgce/kWh (当量值, GB/T 2589-2020),
  // i.e. 1 tce = 1 / 0.0001229 = 8,137 kWh. (The coal-for-power equivalent, about 0.3 kgce/kWh,
  // would give about a third of that; set it here if the energy data are on that basis.)
  double kwh_per_tce = 1.0 / 0.0001229;

  // Rectification line: evaluated firms with tax per mu below it are rectified (整治提升):
  // "亩均税收1万元以下" (seed 000: 全面整治提升; seed 001: 动态清零). 1 万元 = 0.0001 亿元.
  double rectification_line = 0.0001;  // 亿元 tax per mu per year
  // true: only D-class firms below the line are rectified (docs/model.md §3 step 8 wording); false:
  // every evaluated firm below the line, as seed 001's 动态清零 demands. Default false.
  bool rectify_only_class_d = false;
  // true: every evaluated firm below the rectification line is graded D whatever its rank (Ningbo
  // counts its D firms as those with 亩均税收 below 1 万元/亩: "the number of D-grade enterprises
  // with an average tax per mu of less than 10,000 yuan decreased by 1,328", 2021). Default false.
  bool d_below_line = false;
  // true: D firms are rectified as well as the firms below the line (整治提升 of the 高耗低效
  // firms the evaluation lists at its bottom, whatever their tax per mu). Default false.
  bool rectify_class_d = false;
  // Share of the firms due for rectification that are taken on in a year (the others wait for a
  // later year): 1 takes every one at once. Default 1.
  double rectification_rate = 1.0;
  // From campaign_year on (0: never) the rate is campaign_rectification_rate instead: a
  // campaign such as Ningbo's 2021 round of 腾笼换鸟 (2021-2025: 4,000 高耗低效 firms to
  // upgrade, 5,000 散乱污 to rectify, 2,000 淘汰, against 249 low-efficiency firms upgraded in
  // 2018).
  int campaign_year = 0;
  double campaign_rectification_rate = 1.0;
  double rate_in(int year) const {
    return campaign_year > 0 && year >= campaign_year ? campaign_rectification_rate
                                                      : rectification_rate;
  }
  // Probability that a rectified firm upgrades (stays, with the uplifts below) rather than exits.
  // Assumption 0.5: Ningbo 2018 upgraded 249 low-efficiency firms (宁波日报 2019-04-12) but the
  // exit count of that year is not known; seed 001 aims to rectify (整治提升) 1,000 高耗低效
  // and 1,500 散乱弱 firms a year, most of them by upgrading.
  double upgrade_probability = 0.5;
  // An upgraded firm's productivity and capacity are multiplied by 1 + productivity_uplift and
  // its tax rate by 1 + tax_uplift. Assumption: 0.10 each.
  double upgrade_productivity_uplift = 0.10;
  double upgrade_tax_uplift = 0.10;
  // Share of an upgraded firm's land it hands back (减地提效); released like exit land.
  // Assumption 0.
  double upgrade_land_return_share = 0.0;
};

// Every rule the parameters break (fields relative to [mujun]); empty if none.
std::vector<RuleProblem> problems(const MujunRules& rules);
// Throws InputError naming the field (as "mujun.<field>") of the first problem, if any.
void validate(const MujunRules& rules);

// Tax per mu (亿元/亩/year) of firm i: tax_rate × output / land; 0 without land.
inline double tax_per_mu(const FirmPopulation& f, std::size_t i) {
  return f.land[i] > 0 ? static_cast<double>(f.tax_rate[i]) * f.output[i] / f.land[i] : 0.0;
}

// Whether firm i is evaluated under `rules` (active, built, on land, 规上 or land >= threshold).
inline bool is_evaluated(const FirmPopulation& f, std::size_t i, const MujunRules& rules) {
  const std::uint8_t flags = f.flags[i];
  if (!(flags & kActive) || (flags & kUnderConstruction) || !(f.land[i] > 0)) return false;
  return (flags & kAboveScale) || f.land[i] >= rules.min_land_below_scale;
}

struct MujunSummary {
  std::size_t evaluated = 0;
  std::array<std::size_t, 5> count{};  // indexed by MujunClass (0 = unrated)
  double land = 0;                     // mu held by evaluated firms
  double tax = 0;                      // their tax, 亿元
  double value_added = 0;              // their value added, 亿元
  double tax_per_mu() const { return land > 0 ? tax / land : 0; }
  double value_added_per_mu() const { return land > 0 ? value_added / land : 0; }
};

// Grades every firm: evaluated firms get A-D, the others unrated. years_in_d counts consecutive
// D years (incremented for D, saturating at 255; reset to 0 otherwise). `score`, if given, is
// resized to the population and receives each firm's score (0 for unrated). Ranks are total:
// equal scores are ordered by firm id (lower id ranks higher). O(n) plus O(n) selection per
// group (std::nth_element three times).
MujunSummary evaluate(FirmPopulation& firms, const MujunRules& rules,
                      std::vector<double>* score = nullptr);

// Electricity surcharge rate, 元/kWh, for a firm of class c in its years_in_d-th D year.
double surcharge_rate(const MujunRules& rules, MujunClass c, std::uint8_t years_in_d);
// Firm i's surcharge this year in 亿元: rate × energy_per_output × output × electricity_share
// × kwh_per_tce / 1e8 (元 → 亿元).
double surcharge(const FirmPopulation& firms, std::size_t i, const MujunRules& rules);
// Every firm's surcharge (0 for A, B, unrated), into `out` resized to the population.
void surcharges(const FirmPopulation& firms, const MujunRules& rules, std::vector<double>& out);

struct RectificationResult {
  std::vector<std::uint32_t> upgraded;  // firm indices, ascending
  std::vector<std::uint32_t> exited;    // firm indices, ascending
  std::vector<double> land_released;    // mu per district (exit land plus returned land)
  std::size_t rectified() const { return upgraded.size() + exited.size(); }
};

// The random draw of the evaluation (Purpose::firm_evaluation, keyed by (year, firm id)): a
// rectified firm's upgrade or exit.
namespace draws {
inline constexpr Draw rectification{
    .purpose = Purpose::firm_evaluation, .slot = 0, .name = "rectification"};
inline constexpr std::array kFirmEvaluationDraws{rectification};
static_assert(draws_are_distinct(kFirmEvaluationDraws));
}  // namespace draws

// Rectifies the firms due among those evaluate() graded (call evaluate first): below the line (D
// only with rectify_only_class_d), and D firms with rectify_class_d. Each draws u =
// keyed_uniform(seed, replication, draws::rectification, year, id); it is taken on this year if
// u < r (rate_in(year): rectification_rate, or the campaign's), and then upgrades if u < r ×
// upgrade_probability, otherwise it exits: kActive cleared, output and capacity set to 0, its land
// released (land set to 0). `district_count` sizes land_released (grown if a firm's district is
// beyond it). The caller passes land_released to LandMarket::release.
RectificationResult rectify(FirmPopulation& firms, const MujunRules& rules, std::uint64_t seed,
                            std::uint64_t replication, int year, std::size_t district_count);

}  // namespace icsim::abm
