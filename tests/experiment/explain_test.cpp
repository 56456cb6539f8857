// Why a verdict is what it is (include/icsim/experiment/explain.hpp): the flags on hand-made
// verdicts, the metric text read back, and the series and constraints of a hand-made projection
// with the firm model, worked by hand.
#include "icsim/experiment/explain.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "icsim/abm/statistics.hpp"
#include "icsim/common/error.hpp"

namespace icsim::experiment {
namespace {

std::vector<std::string> codes(const std::vector<VerdictFlag>& flags) {
  std::vector<std::string> out;
  for (const auto& f : flags) out.push_back(f.code);
  return out;
}

TEST(VerdictFlags, ConstantZeroAndCertainVerdicts) {
  using V = std::vector<std::string>;
  EXPECT_EQ(codes(verdict_flags({5, 5, 5}, {0, 0, 0}, 10)), V{"constant_value"});
  EXPECT_EQ(codes(verdict_flags({0, 0, NAN}, {0, 0, 0}, 10)), V{"zero_value"});
  // Varying values, all below 10: the nearest (8) is 20 % short.
  const auto certain = verdict_flags({6, 8, 7}, {0, 0, 0}, 10);
  ASSERT_EQ(codes(certain), V{"certain_verdict"});
  EXPECT_NE(certain[0].message.find("falls short of the threshold by 20 % or more"),
            std::string::npos)
      << certain[0].message;
  // All above 10 and reached: the nearest (12) is 20 % past.
  EXPECT_NE(verdict_flags({12, 15}, {1, 1}, 10)[0].message.find("P = 1: every replication clears "
                                                                "the threshold by 20 %"),
            std::string::npos);
  // An uncertain verdict has no flag.
  EXPECT_TRUE(verdict_flags({8, 12}, {0, 1}, 10).empty());
  EXPECT_TRUE(verdict_flags({}, {}, 10).empty());
}

TEST(Explain, MetricTextGivesTheNumerator) {
  const auto s = numerator_series("districts/output[zhenhai,beilun] / region/output");
  EXPECT_EQ(s.metric, "districts/output");
  EXPECT_EQ(s.select, (std::vector<std::string>{"zhenhai", "beilun"}));
  EXPECT_EQ(numerator_series("region/gdp").select.size(), 0u);
  EXPECT_THROW(numerator_series("region/nothing"), InputError);
}

// Two replications, years 2021-2023, one sector with a capacity, the firm model with one
// district. Replication r, year y: land available (end of year) 100, then 50 / 2 (r = 0) and
// 60 / 40 (r = 1); supplied 10 a year; granted 60 / 58 and 50 / 30; released and redeveloped 0.
results::Projection tiny() {
  results::Projection p;
  p.years = {2021, 2022, 2023};
  p.replications = 2;
  p.sectors = {"S"};
  p.firm_model = true;
  p.districts = {"d"};
  results::allocate(p);
  std::fill(p.region_statistics.begin(), p.region_statistics.end(), 0.0);
  std::fill(p.district_statistics.begin(), p.district_statistics.end(), 0.0);
  const double available[2][3] = {{100, 50, 2}, {100, 60, 40}};
  const double granted[2][3] = {{0, 60, 58}, {0, 50, 30}};
  auto set = [&](int r, int y, abm::Stat s, double v) {
    const std::size_t i =
        (static_cast<std::size_t>(r) * 3 + static_cast<std::size_t>(y)) * abm::kStatCount +
        static_cast<std::size_t>(s);
    p.region_statistics[i] = v;
    p.district_statistics[i] = v;  // one district
  };
  for (int r = 0; r < 2; ++r)
    for (int y = 0; y < 3; ++y) {
      set(r, y, abm::Stat::land_available, available[r][y]);
      set(r, y, abm::Stat::land_granted, granted[r][y]);
      set(r, y, abm::Stat::land_supplied, y > 0 ? 10 : 0);
      // Capacity: sector at capacity in replication 0, year 2023 only.
      const std::size_t i = static_cast<std::size_t>(r * 3 + y);
      p.sector_capacity[i] = 100;
      p.sector_output[i] = (r == 0 && y == 2) ? 100 : 80;
      p.gdp[i] = 10.0 * (y + 1) + r;  // 10/11, 20/21, 30/31
    }
  return p;
}

TargetVerdict gdp_target() {
  TargetVerdict t;
  t.id = "T";
  t.metric = "region/gdp";
  t.op = ">=";
  t.kind = "level";
  t.threshold = 31;
  t.year = 2023;
  t.value = {30, 31};
  t.reached = {0, 1};
  return t;
}

TEST(Explain, SeriesShareAndConstraintsByHand) {
  const Explanation e = explain(tiny(), gdp_target());
  EXPECT_DOUBLE_EQ(e.probability, 0.5);
  EXPECT_TRUE(e.flags.empty());
  EXPECT_EQ(e.scope, "region");
  ASSERT_EQ(e.series.size(), 3u);
  EXPECT_DOUBLE_EQ(e.series[2].median, 30.5);
  EXPECT_DOUBLE_EQ(e.series[2].p05, 30.05);
  ASSERT_EQ(e.share_past.size(), 3u);
  EXPECT_DOUBLE_EQ(e.share_past[1], 0.0);
  EXPECT_DOUBLE_EQ(e.share_past[2], 0.5);

  ASSERT_EQ(e.constraints.size(), 4u);
  const Constraint& capacity = e.constraints[0];
  EXPECT_EQ(capacity.name, "capacity");
  ASSERT_EQ(capacity.years.size(), 2u);
  EXPECT_DOUBLE_EQ(capacity.years[1].share, 0.5);  // replication 0 at capacity in 2023
  EXPECT_DOUBLE_EQ(capacity.years[1].value, 50);   // median of 100 and 0
  EXPECT_TRUE(capacity.binding);

  const Constraint& land = e.constraints[1];
  EXPECT_EQ(land.name, "land");
  // 2022: during = 100 + 10 in both; left 50 and 60: never binds. 2023: during 60 / 70, left
  // 2 (< 5 % of 60) and 40: binds in replication 0.
  EXPECT_DOUBLE_EQ(land.years[0].limit, 110);
  EXPECT_DOUBLE_EQ(land.years[0].share, 0);
  EXPECT_DOUBLE_EQ(land.years[1].value, 44);  // median of 58 and 30
  EXPECT_DOUBLE_EQ(land.years[1].limit, 65);
  EXPECT_DOUBLE_EQ(land.years[1].share, 0.5);
  EXPECT_TRUE(land.binding);
}

TEST(Explain, ADistrictSeriesScopesTheConstraints) {
  TargetVerdict t = gdp_target();
  t.metric = "districts/land_in_use[d]";
  t.threshold = 1000;
  t.value = {0, 0};
  t.reached = {0, 0};
  const Explanation e = explain(tiny(), t);
  EXPECT_EQ(e.scope, "d");
  ASSERT_EQ(e.flags.size(), 1u);
  EXPECT_EQ(e.flags[0].code, "zero_value");
}

}  // namespace
}  // namespace icsim::experiment
