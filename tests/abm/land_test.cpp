#include "icsim/abm/land.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "icsim/common/error.hpp"

using namespace icsim;
using abm::DistrictLandInit;
using abm::kAnyDistrict;
using abm::LandMarket;
using abm::LandRequest;
using abm::LandRules;

namespace {

void expect_identity(const LandMarket& m, const char* where) {
  for (std::size_t d = 0; d < m.district_count(); ++d) {
    EXPECT_NEAR(m.identity_residual(d), 0.0, 1e-9 * (1 + m.expected_total(d)))
        << where << " district " << d;
    EXPECT_GE(m.in_use(d), 0) << where;
    EXPECT_GE(m.available(d), 0) << where;
    EXPECT_GE(m.approved_not_supplied(d), 0) << where;
    EXPECT_GE(m.pending_redevelopment(d), 0) << where;
  }
}

// The rules these tests were worked out under: the whole quota supplied every year (the
// on-demand default has tests of its own below).
LandRules quota_rules() {
  LandRules r;
  r.supply = abm::LandSupply::quota;
  return r;
}

double granted(const std::vector<abm::LandGrant>& grants) {
  double s = 0;
  for (const auto& g : grants) s += g.mu;
  return s;
}

}  // namespace

TEST(Land, AllocatesByExpectedTaxPerMuThenIdAndCarriesOverPartialRequests) {
  // District 0: 100 mu available, 100 approved-not-supplied, quota 50 mu/year.
  // Queue: p1 60 mu at 20 万/亩; p3 30 mu and p2 50 mu at 50 万/亩 (tie: p2 first).
  // Served: p2 50, p3 30, p1 20 of 60 (40 still queued). Next year the quota supplies 50:
  // p1 gets its 40, 10 mu stay available.
  LandMarket m({{1000, 100, 100, 50}}, quota_rules());
  std::vector<LandRequest> queue = {{1, 0, 60, 0.002}, {3, 0, 30, 0.005}, {2, 0, 50, 0.005}};
  auto g = m.allocate(queue);
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].project_id, 2u);
  EXPECT_DOUBLE_EQ(g[0].mu, 50);
  EXPECT_EQ(g[1].project_id, 3u);
  EXPECT_DOUBLE_EQ(g[1].mu, 30);
  EXPECT_EQ(g[2].project_id, 1u);
  EXPECT_DOUBLE_EQ(g[2].mu, 20);
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].project_id, 1u);
  EXPECT_DOUBLE_EQ(queue[0].mu_needed, 40);
  EXPECT_DOUBLE_EQ(m.available(0), 0);
  EXPECT_DOUBLE_EQ(m.in_use(0), 1100);
  expect_identity(m, "after first allocation");

  m.step(2025);
  EXPECT_DOUBLE_EQ(m.last_flows(0).approved, 50);  // approvals keep pace with the quota
  EXPECT_DOUBLE_EQ(m.last_flows(0).supplied, 50);
  EXPECT_DOUBLE_EQ(m.approved_not_supplied(0), 100);
  g = m.allocate(queue);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_DOUBLE_EQ(g[0].mu, 40);
  EXPECT_TRUE(queue.empty());
  EXPECT_DOUBLE_EQ(m.available(0), 10);
  EXPECT_DOUBLE_EQ(m.cumulative_granted(0), 140);
  expect_identity(m, "after second allocation");
}

TEST(Land, ProgrammeProjectsAreGuaranteedTheirLand) {
  // District 0: 100 mu available, 150 approved-not-supplied. A programme project p9 asks for
  // 400 mu at a low tax per mu, an arrival p1 for 30 mu at a high one. Guaranteed (default):
  // p9 first, 100 from the available land, 150 from 批而未供 and 150 from a provincial
  // indicator; p1 gets nothing this year.
  LandMarket m({{1000, 100, 150, 50}}, quota_rules());
  m.step(2022);  // approvals 50 in, quota 50 out: 批而未供 stays 150, available 150
  std::vector<LandRequest> queue = {{1, 0, 30, 0.009, false}, {9, 0, 400, 0.001, true}};
  const auto g = m.allocate(queue);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].project_id, 9u);
  EXPECT_DOUBLE_EQ(g[0].mu, 400);
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].project_id, 1u);
  EXPECT_DOUBLE_EQ(m.available(0), 0);
  EXPECT_DOUBLE_EQ(m.approved_not_supplied(0), 0);
  EXPECT_DOUBLE_EQ(m.in_use(0), 1400);
  // The year's flows: 50 quota + 250 guaranteed supplied; 50 + 100 indicator approved.
  EXPECT_DOUBLE_EQ(m.last_flows(0).guaranteed, 250);
  EXPECT_DOUBLE_EQ(m.last_flows(0).supplied, 300);
  EXPECT_DOUBLE_EQ(m.last_flows(0).approved, 150);
  EXPECT_DOUBLE_EQ(m.cumulative_approved(0), 150);
  expect_identity(m, "after the guarantee");
}

TEST(Land, ProgrammePriorityAndQueueModes) {
  for (const auto mode : {abm::ProgrammeLand::priority, abm::ProgrammeLand::queue}) {
    LandRules rules = quota_rules();
    rules.programme_land = mode;
    LandMarket m({{1000, 100, 150, 50}}, rules);
    std::vector<LandRequest> queue = {{1, 0, 30, 0.009, false}, {9, 0, 400, 0.001, true}};
    const auto g = m.allocate(queue);
    // priority: p9 takes the 100 available first and p1 waits; queue: p1 (higher tax per mu)
    // takes its 30 first and p9 the other 70. Either way p9 waits for 300 more.
    if (mode == abm::ProgrammeLand::priority) {
      ASSERT_EQ(g.size(), 1u);
      EXPECT_EQ(g[0].project_id, 9u);
      EXPECT_DOUBLE_EQ(g[0].mu, 100);
      ASSERT_EQ(queue.size(), 2u);
      EXPECT_EQ(queue[0].project_id, 9u);
      EXPECT_DOUBLE_EQ(queue[0].mu_needed, 300);
      EXPECT_DOUBLE_EQ(queue[1].mu_needed, 30);
    } else {
      ASSERT_EQ(g.size(), 2u);
      EXPECT_EQ(g[0].project_id, 1u);
      EXPECT_DOUBLE_EQ(g[0].mu, 30);
      EXPECT_EQ(g[1].project_id, 9u);
      EXPECT_DOUBLE_EQ(g[1].mu, 70);
      ASSERT_EQ(queue.size(), 1u);
      EXPECT_DOUBLE_EQ(queue[0].mu_needed, 330);
    }
    EXPECT_DOUBLE_EQ(m.approved_not_supplied(0), 150);  // never drawn on
    EXPECT_DOUBLE_EQ(m.last_flows(0).guaranteed, 0);
    expect_identity(m, "priority or queue");
  }
}

TEST(Land, AllOrNothingGrantsSkipRequestsThatDoNotFit) {
  LandRules rules = quota_rules();
  rules.partial_grants = false;
  LandMarket m({{0, 50, 0, 0}}, rules);
  std::vector<LandRequest> queue = {{1, 0, 60, 0.009}, {2, 0, 30, 0.004}, {3, 0, 30, 0.001}};
  const auto g = m.allocate(queue);
  ASSERT_EQ(g.size(), 1u);  // p1 does not fit, p2 does, p3 no longer fits
  EXPECT_EQ(g[0].project_id, 2u);
  ASSERT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue[0].project_id, 1u);
  EXPECT_DOUBLE_EQ(queue[0].mu_needed, 60);
  EXPECT_EQ(queue[1].project_id, 3u);
}

TEST(Land, AnyDistrictRequestGoesWhereMostLandIsAvailable) {
  LandMarket m({{0, 10, 0, 0}, {0, 30, 0, 0}, {0, 30, 0, 0}}, quota_rules());
  std::vector<LandRequest> queue = {{7, kAnyDistrict, 25, 0.003}, {8, kAnyDistrict, 25, 0.002}};
  const auto g = m.allocate(queue);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].district, 1u);  // tie 30/30: lower index
  EXPECT_EQ(g[1].district, 2u);  // now 5 / 30
  EXPECT_TRUE(queue.empty());
  std::vector<LandRequest> bad = {{9, 3, 1, 0}};
  EXPECT_THROW(m.allocate(bad), std::out_of_range);
}

TEST(Land, RedevelopmentLagIsExact) {
  for (int lag : {0, 1, 2, 5}) {
    LandRules rules = quota_rules();
    rules.redevelopment_lag = lag;
    LandMarket m({{100, 0, 0, 0}}, rules);
    m.release(0, 40, 2030);
    for (int year = 2030; year < 2030 + lag; ++year) {
      m.step(year);
      EXPECT_DOUBLE_EQ(m.available(0), 0) << "lag " << lag << " year " << year;
      EXPECT_DOUBLE_EQ(m.pending_redevelopment(0), 40);
    }
    m.step(2030 + lag);
    EXPECT_DOUBLE_EQ(m.available(0), 40) << "lag " << lag;
    EXPECT_DOUBLE_EQ(m.last_flows(0).redeveloped, 40);
    EXPECT_DOUBLE_EQ(m.pending_redevelopment(0), 0);
    expect_identity(m, "lag");
  }
}

TEST(Land, RedevelopmentRateTakesLandOutOfIndustrialUse) {
  LandRules rules = quota_rules();
  rules.redevelopment_lag = 1;
  rules.redevelopment_rate = 0.75;
  LandMarket m({{100, 0, 0, 0}}, rules);
  m.release(0, 40, 2030);
  m.step(2030);
  m.step(2031);
  EXPECT_DOUBLE_EQ(m.available(0), 30);
  EXPECT_DOUBLE_EQ(m.cumulative_taken_out(0), 10);
  EXPECT_DOUBLE_EQ(m.expected_total(0), 90);
  expect_identity(m, "rate");
}

TEST(Land, SupplyIsLimitedByApprovedStockAndScaledByIndustrialShare) {
  LandRules rules = quota_rules();
  rules.approval_to_supply_ratio = 0;  // no new approvals: supply draws the stock down
  LandMarket m({{0, 0, 120, 50}}, rules);
  m.step(1);
  m.step(2);
  m.step(3);
  EXPECT_DOUBLE_EQ(m.last_flows(0).supplied, 20);
  EXPECT_DOUBLE_EQ(m.available(0), 120);
  EXPECT_DOUBLE_EQ(m.approved_not_supplied(0), 0);
  // Zhenhai's 35 % lever: a 45 % industrial share supplies 45/35 of the stated quota.
  rules = quota_rules();
  rules.industrial_share = 0.45;
  LandMarket s({{0, 0, 0, 35}}, rules);
  EXPECT_NEAR(s.annual_supply(0), 45, 1e-12);
  s.step(1);
  EXPECT_NEAR(s.available(0), 45, 1e-12);
  rules.industrial_share_by_district = {0.35, 0.0};
  LandMarket t({{0, 0, 0, 35}, {0, 0, 0, 35}}, rules);
  EXPECT_NEAR(t.annual_supply(0), 35, 1e-12);
  EXPECT_EQ(t.annual_supply(1), 0);
}

TEST(Land, IdentityHoldsEveryStepOverRandomYears) {
  LandRules rules = quota_rules();
  rules.redevelopment_lag = 2;
  rules.redevelopment_rate = 0.8;
  rules.approval_to_supply_ratio = 0.9;
  LandMarket m({{5000, 300, 800, 120}, {2000, 0, 100, 40}, {800, 50, 0, 0}}, rules);
  std::mt19937_64 gen(2024);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<LandRequest> queue;
  std::uint32_t next_id = 0;
  expect_identity(m, "start");
  for (int year = 2025; year < 2045; ++year) {
    for (std::size_t d = 0; d < 3; ++d) {
      m.release(d, m.in_use(d) * 0.02 * u(gen), year);
      m.release_use(d, m.in_use(d) * 0.01 * u(gen));
      m.record_use(d, 30 * u(gen));
    }
    m.step(year);
    expect_identity(m, "after step");
    const int arrivals = static_cast<int>(10 * u(gen));
    for (int k = 0; k < arrivals; ++k) {
      const std::int32_t d = u(gen) < 0.2 ? kAnyDistrict : static_cast<std::int32_t>(3 * u(gen));
      queue.push_back({next_id++, d, 5 + 80 * u(gen), 0.001 + 0.01 * u(gen)});
    }
    m.allocate(queue);
    expect_identity(m, "after allocation");
    for (const auto& r : queue) EXPECT_GT(r.mu_needed, 0);
  }
}

TEST(Land, MoreSupplyNeverAllocatesLess) {
  // Same queue of district-bound requests, supply quota scaled 0.5x ... 3x (through the
  // industrial share): cumulative land granted is non-decreasing in supply, every year.
  std::vector<double> previous(15, -1.0);
  for (double share : {0.2, 0.35, 0.5, 0.7, 1.0}) {
    LandRules rules = quota_rules();
    rules.industrial_share = share;
    LandMarket m({{1000, 20, 200, 40}, {500, 0, 50, 15}}, rules);
    std::mt19937_64 gen(77);  // the same requests for every share
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<LandRequest> queue;
    std::uint32_t id = 0;
    double total = 0;
    for (int t = 0; t < 15; ++t) {
      for (int k = 0; k < 4; ++k)
        queue.push_back({id++, static_cast<std::int32_t>(u(gen) < 0.6 ? 0 : 1), 10 + 30 * u(gen),
                         0.01 * u(gen)});
      m.step(2025 + t);
      total += granted(m.allocate(queue));
      EXPECT_GE(total, previous[t] - 1e-9) << "share " << share << " year " << t;
      previous[t] = total;
      expect_identity(m, "monotonicity");
    }
  }
}

TEST(Land, FromDistrictsAndValidation) {
  abm::District beilun;
  beilun.code = "beilun";
  beilun.industrial_land = 1000;
  beilun.land_available = 100;
  beilun.land_approved = 50;
  beilun.annual_land_supply = 30;
  auto m = LandMarket::for_districts({beilun}, quota_rules());
  EXPECT_DOUBLE_EQ(m.in_use(0), 1000);
  EXPECT_DOUBLE_EQ(m.available(0), 100);
  EXPECT_DOUBLE_EQ(m.approved_not_supplied(0), 50);
  EXPECT_DOUBLE_EQ(m.annual_supply(0), 30);
  EXPECT_DOUBLE_EQ(m.plot_ratio_cap(0), 1.5);  // the default
  EXPECT_DOUBLE_EQ(m.expected_total(0), 1150);

  m.step(2025);
  EXPECT_THROW(m.step(2025), std::invalid_argument);              // years must increase
  EXPECT_THROW(m.release(0, 5000, 2025), std::invalid_argument);  // more than in use
  EXPECT_THROW(m.in_use(1), std::out_of_range);
  EXPECT_DOUBLE_EQ(m.record_use(0, 1e6), 130);  // capped at what is available

  LandRules bad = quota_rules();
  bad.industrial_share = 1.2;
  EXPECT_THROW(abm::validate(bad), InputError);
  bad = quota_rules();
  bad.redevelopment_lag = -1;
  EXPECT_THROW(LandMarket({{1, 0, 0, 0}}, bad), InputError);
  bad = quota_rules();
  bad.industrial_share_by_district = {0.3, 0.4};
  EXPECT_THROW(LandMarket({{1, 0, 0, 0}}, bad), InputError);
  EXPECT_THROW(LandMarket({{-1, 0, 0, 0}}, quota_rules()), InputError);
}

TEST(Land, OnDemandSupplyFollowsTheQueueUpToTheQuota) {
  // District 0: 1000 in use, 20 available, 200 approved, quota 50 a year (on demand). A 30 mu
  // request takes the 20 available and 10 of the quota (10 approved first: 增存挂钩); a 100 mu
  // request gets the 40 left of the quota and waits for 60. Nothing is supplied without a
  // request, so unused land does not pile up.
  LandRules rules;  // on_demand by default
  ASSERT_EQ(rules.supply, abm::LandSupply::on_demand);
  LandMarket m({{1000, 20, 200, 50}}, rules);
  m.step(2022);
  EXPECT_DOUBLE_EQ(m.last_flows(0).supplied, 0);
  std::vector<LandRequest> queue = {{1, 0, 30, 0.005}, {2, 0, 100, 0.001}};
  auto g = m.allocate(queue);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_DOUBLE_EQ(g[0].mu, 30);
  EXPECT_DOUBLE_EQ(g[1].mu, 40);
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_DOUBLE_EQ(queue[0].mu_needed, 60);
  EXPECT_DOUBLE_EQ(m.last_flows(0).supplied, 50);
  EXPECT_DOUBLE_EQ(m.last_flows(0).approved, 50);
  EXPECT_DOUBLE_EQ(m.approved_not_supplied(0), 200);  // approvals follow supply
  EXPECT_DOUBLE_EQ(m.available(0), 0);
  expect_identity(m, "on demand, first year");
  // A year without requests supplies nothing.
  m.step(2023);
  std::vector<LandRequest> none;
  m.allocate(none);
  EXPECT_DOUBLE_EQ(m.last_flows(0).supplied, 0);
  EXPECT_DOUBLE_EQ(m.available(0), 0);
  // The waiting request gets the next quota: 50 of its 60.
  m.step(2024);
  g = m.allocate(queue);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_DOUBLE_EQ(g[0].mu, 50);
  EXPECT_DOUBLE_EQ(queue[0].mu_needed, 10);
  expect_identity(m, "on demand, third year");
}

TEST(Land, OnDemandAllOrNothingRequestsTakeTheQuotaOnlyIfItCoversThem) {
  LandRules rules;
  rules.partial_grants = false;
  LandMarket m({{0, 10, 100, 50}}, rules);
  m.step(2022);
  std::vector<LandRequest> queue = {{1, 0, 80, 0.005}, {2, 0, 40, 0.001}};
  auto g = m.allocate(queue);
  // 80 > 10 + 50: nothing supplied for it; 40 <= 10 + 50: 30 supplied.
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].project_id, 2u);
  EXPECT_DOUBLE_EQ(m.last_flows(0).supplied, 30);
  EXPECT_DOUBLE_EQ(m.available(0), 0);
  expect_identity(m, "all or nothing");
}

TEST(Land, GuaranteedProgrammeLandLeavesTheQuotaToOthers) {
  // 要素保障 on demand: the programme's 100 mu come from the 20 available, then 批而未供 (60)
  // and the provincial indicator (20); the quota of 50 stays for the other request.
  LandRules rules;
  LandMarket m({{0, 20, 60, 50}}, rules);
  m.step(2022);
  LandRequest programme{1, 0, 100, 0.001};
  programme.programme = true;
  std::vector<LandRequest> queue = {{2, 0, 50, 0.009}, programme};
  auto g = m.allocate(queue);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].project_id, 1u);
  EXPECT_DOUBLE_EQ(g[0].mu, 100);
  EXPECT_EQ(g[1].project_id, 2u);
  EXPECT_DOUBLE_EQ(g[1].mu, 50);
  EXPECT_TRUE(queue.empty());
  EXPECT_DOUBLE_EQ(m.last_flows(0).guaranteed, 80);
  EXPECT_DOUBLE_EQ(m.last_flows(0).supplied, 80 + 50);
  // Approvals follow supply: the 60 from 批而未供 approved again, the indicator's 20, the 50.
  EXPECT_DOUBLE_EQ(m.last_flows(0).approved, 60 + 20 + 50);
  EXPECT_DOUBLE_EQ(m.approved_not_supplied(0), 60);
  expect_identity(m, "guaranteed on demand");
}
