#pragma once
// The industrial land market of each district (docs/model.md §3 step 9). Stocks in mu:
//   in_use                 occupied by firms (including plants under construction)
//   available              supplied but not used (供而未用), ready for projects
//   approved_not_supplied  approved for industrial use but not supplied yet (批而未供)
//   pending_redevelopment  land released by exiting firms, being redeveloped (低效用地再开发);
//                          it returns after `redevelopment_lag` years
// Each year (step) new approvals enter approved_not_supplied, the supply quota moves approved
// land to available (or, LandSupply::on_demand, allocate() supplies it as requests need it), and
// matured redevelopment land returns to available (the share
// `redevelopment_rate`; the rest leaves industrial use). allocate() serves queued projects in
// order of expected tax per mu (按标出让), programme projects first (要素保障, ProgrammeLand).
// Accounting identity, per district and every year:
//   in_use + available + approved_not_supplied + pending_redevelopment
//     = initial total + cumulative approvals − cumulative land taken out of industrial use.
// Deterministic, no random draws, no I/O. docs/mujun-and-land.md explains the rules.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "icsim/abm/firms.hpp"
#include "icsim/abm/rule_problem.hpp"

namespace icsim::abm {

// How programme projects (the plans' key projects, e.g. 双百) get land:
//   guaranteed  要素保障: served before every other request; what the district's available land
//               cannot give is supplied at once from its approved-but-not-supplied stock
//               (批而未供), and beyond that from an extra provincial construction-land indicator.
//               Sources: 《宁波市重大建设项目"十四五"规划》 (宁波市人民政府办公厅, 2021-08-12): the
//               plan is "合理配置土地、资金等资源要素的重要依据" for its projects; Zhejiang rewards
//               provincial key industrial projects with new construction-land plan indicators
//               once their land is supplied (《浙江省重大产业项目申报及奖励办法(修订)》, as
//               reported by 嘉兴日报, 2017-11-14: "在完成供地手续后…给予新增建设用地计划指标奖励").
//   priority    served before every other request, from available land only (they may wait).
//   queue       ranked with every other request by expected tax per mu.
enum class ProgrammeLand : std::uint8_t { guaranteed, priority, queue };

// How the yearly quota reaches the land pool:
//   on_demand  land is supplied as queued requests need it, up to the district's quota a year
//              (the rest of the quota is not supplied), and new approvals follow what is
//              supplied (approval_to_supply_ratio × supplied): 批而未供 and 供而未用 stay where
//              they start instead of filling up with land nobody asked for. Sources: Zhejiang
//              supplies industrial land with its project (标准地: the standards, then the plot),
//              and the national 增存挂钩 rule (自然资规〔2018〕1号) ties new construction-land
//              indicators to using up approved and idle land; Ningbo supplied 87 % of its 2019
//              land plan (docs/mujun-and-land.md §6).
//   quota      the whole quota moves to available land every year, used or not (approvals
//              approval_to_supply_ratio × quota).
enum class LandSupply : std::uint8_t { on_demand, quota };

struct LandRules {
  // Years from an exit (release) to the land being available again: land released in year t
  // becomes available at step(t + lag). Assumption: 2 (clearing, re-planning and re-tendering
  // of 低效用地; seed 001 plans 40 低效区块 renovations a year, no duration is stated).
  int redevelopment_lag = 2;
  // Share of matured redevelopment land that returns to industrial use; the rest is taken out
  // of industrial use (e.g. rezoned). Default 1: industrial land stays industrial inside the
  // 工业控制线 (seed 003: 推动工业企业(项目)向工业控制线内集聚).
  double redevelopment_rate = 1.0;
  // Industrial share of land sold (工业用地供应占出让土地比例) and the share the districts' supply
  // quotas were stated at: the quota (and the approvals, see below) are scaled by
  // industrial_share / reference_industrial_share. Default 0.35 for both (factor 1): Zhenhai's
  // 2024 goal "工业用地供应占出让土地35%以上" (seed 003). Raising it to 0.45 supplies 29 % more.
  double industrial_share = 0.35;
  double reference_industrial_share = 0.35;
  // Per-district override of industrial_share (empty: industrial_share everywhere).
  std::vector<double> industrial_share_by_district;
  // New industrial approvals per year as a multiple of the (scaled) supply quota. Default 1:
  // approvals keep pace with supply, so 批而未供 stays where it starts (assumption).
  double approval_to_supply_ratio = 1.0;
  // Highest plot ratio (容积率) a firm may reach by zero-land renovation (零土地技改), used by
  // firm decisions. ESTIMATE 1.5: Zhejiang asks new industrial projects for plants of three
  // storeys or more (2008, docs/mujun-and-land.md §6); three storeys on half the plot make a plot
  // ratio of 3 × 0.5 = 1.5, the norm an old plant can renovate up to. The national control
  // indicators (国土资发〔2008〕24号) set only minimum plot ratios.
  double plot_ratio_cap = 1.5;
  // true: a request may be granted less than it asks for (the rest stays queued); false: a
  // request is granted all it needs in one district or nothing this year. Default true.
  bool partial_grants = true;
  // Land for programme projects (above). Default guaranteed (the sources above).
  ProgrammeLand programme_land = ProgrammeLand::guaranteed;
  // How the quota is supplied (above). Default on_demand (the sources above).
  LandSupply supply = LandSupply::on_demand;
};

// Every rule the parameters break (fields relative to [land]); empty if none.
std::vector<RuleProblem> problems(const LandRules& rules);
// Throws InputError naming the field (as "land.<field>") of the first problem, if any.
void validate(const LandRules& rules);

// One district's initial stocks and quota, mu.
struct DistrictLandInit {
  double in_use = 0;
  double available = 0;
  double approved_not_supplied = 0;
  double annual_supply = 0;    // quota at reference_industrial_share, mu/year
  double plot_ratio_cap = -1;  // < 0: LandRules::plot_ratio_cap
};

constexpr std::int32_t kAnyDistrict = -1;

// A project waiting for land.
struct LandRequest {
  std::uint32_t project_id = 0;
  std::int32_t district = kAnyDistrict;  // or kAnyDistrict: the district with most available
  double mu_needed = 0;                  // still needed (reduced by partial grants)
  double expected_tax_per_mu = 0;        // 亿元 per mu per year: the ranking key (按标出让)
  bool programme = false;                // a programme project (LandRules::programme_land)
};

struct LandGrant {
  std::uint32_t project_id;
  std::uint16_t district;
  double mu;
};

// What step() moved in one district.
struct LandFlows {
  double approved = 0;     // new approvals into approved_not_supplied
  double supplied = 0;     // approved_not_supplied → available
  double redeveloped = 0;  // pending_redevelopment → available
  double taken_out = 0;    // pending_redevelopment → out of industrial use
  // Of `supplied` and `approved`: land guaranteed to programme projects by allocate() beyond the
  // available land, from 批而未供 (supplied only) and from the provincial indicator (both).
  double guaranteed = 0;
};

class LandMarket {
 public:
  LandMarket(std::vector<DistrictLandInit> districts, LandRules rules);
  // From the region's districts: industrial_land → in_use, land_available → available,
  // land_approved → approved_not_supplied, annual_land_supply → the quota.
  static LandMarket for_districts(const std::vector<District>& districts, LandRules rules);

  std::size_t district_count() const { return pools_.size(); }
  const LandRules& rules() const { return rules_; }

  // Land of exiting (or shrinking) firms enters redevelopment: in_use → pending, available
  // again at step(year + redevelopment_lag).
  void release(std::size_t district, double mu, int year);
  // Every district's releases at once (RectificationResult::land_released).
  void release(const std::vector<double>& mu_by_district, int year);
  // The year's supply: approvals, quota supply (limited by approved_not_supplied) and matured
  // redevelopment. Call once per year, years increasing, after that year's releases.
  void step(int year);
  // Serves the queue in order of expected tax per mu (descending; ties by project id), after
  // the programme requests unless rules().programme_land is queue, moving granted land
  // available → in_use. Guaranteed programme requests are served in full (the shortfall
  // approved_not_supplied → in_use, then a new approval straight into use; both counted in
  // last_flows() as supplied and guaranteed). Fully served requests leave the queue; partly
  // served or unserved ones stay (with mu_needed reduced), sorted in service order.
  std::vector<LandGrant> allocate(std::vector<LandRequest>& queue);
  // A firm occupies available land outside the queue (available → in_use); returns the mu
  // actually taken (at most what is available).
  double record_use(std::size_t district, double mu);
  // A firm frees land directly back to the pool (in_use → available), without redevelopment.
  void release_use(std::size_t district, double mu);

  // Stocks, mu.
  double in_use(std::size_t d) const { return pool(d).in_use; }
  double available(std::size_t d) const { return pool(d).available; }
  double approved_not_supplied(std::size_t d) const { return pool(d).approved; }
  double pending_redevelopment(std::size_t d) const { return pool(d).pending_total; }
  double plot_ratio_cap(std::size_t d) const { return pool(d).plot_ratio_cap; }
  // This year's quota after the industrial-share scaling, mu/year.
  double annual_supply(std::size_t d) const { return pool(d).quota; }
  // On-demand supply (LandSupply::on_demand): the part of this year's quota not supplied yet,
  // which a request could still get; 0 under LandSupply::quota, where it is all available.
  double quota_left(std::size_t d) const {
    return rules_.supply == LandSupply::on_demand ? pool(d).quota_left : 0.0;
  }
  // The flows of the last step().
  const LandFlows& last_flows(std::size_t d) const { return pool(d).last; }

  // Accounting identity: stocks() − (initial + approvals − taken out); 0 up to rounding.
  double stocks(std::size_t d) const;
  double expected_total(std::size_t d) const;
  double identity_residual(std::size_t d) const { return stocks(d) - expected_total(d); }
  // Cumulative flows since construction, mu.
  double cumulative_approved(std::size_t d) const { return pool(d).cum_approved; }
  double cumulative_supplied(std::size_t d) const { return pool(d).cum_supplied; }
  double cumulative_granted(std::size_t d) const { return pool(d).cum_granted; }
  double cumulative_taken_out(std::size_t d) const { return pool(d).cum_taken_out; }

 private:
  struct Pending {
    int ready_year;
    double mu;
  };
  struct Pool {
    double in_use = 0, available = 0, approved = 0, pending_total = 0;
    double quota = 0, quota_left = 0, plot_ratio_cap = 0;
    double initial_total = 0, cum_approved = 0, cum_supplied = 0, cum_granted = 0,
           cum_taken_out = 0;
    std::vector<Pending> pending;
    LandFlows last;
  };
  const Pool& pool(std::size_t d) const;
  Pool& pool(std::size_t d);
  // LandSupply::on_demand: supplies up to mu of the year's quota left (approving it first), into
  // available; returns the land supplied.
  double supply_on_demand(Pool& p, double mu);
  // Land a request could get in the pool this year: available, plus the quota left on demand.
  double offer(const Pool& p) const;

  LandRules rules_;
  std::vector<Pool> pools_;
  int last_step_year_;
  bool stepped_ = false;
};

}  // namespace icsim::abm
