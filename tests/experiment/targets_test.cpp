#include "icsim/experiment/targets.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support/checks.hpp"

using namespace icsim;
using experiment::evaluate_targets;
using experiment::Projection;
using scenario::Target;

namespace {

// Years 2020-2024, four replications, region series only:
//   gdp:               r0 100 105 110 120 130 | r1 100 102 104 106 108
//                      r2 100 110  99 120 125 | r3 100 100 100 100 100
//   industrial_output: 40 throughout;  price_index (an "intensity"): 1 .97 .94 .92 .90
Projection hand_made() {
  Projection p;
  p.years = {2020, 2021, 2022, 2023, 2024};
  p.replications = 4;
  p.gdp = {100, 105, 110, 120, 130, 100, 102, 104, 106, 108,
           100, 110, 99,  120, 125, 100, 100, 100, 100, 100};
  p.industrial_output.assign(20, 40.0);
  for (int r = 0; r < 4; ++r)
    for (double v : {1.0, 0.97, 0.94, 0.92, 0.90}) p.price_index.push_back(v);
  return p;
}

Target target(const std::string& id, Target::Kind kind, const std::string& metric, int year,
              double threshold, Target::Op op = Target::Op::at_least, int base_year = 0) {
  Target t;
  t.id = id;
  t.kind = kind;
  t.series.metric = metric;
  t.year = year;
  t.threshold = threshold;
  t.op = op;
  t.base_year = base_year;
  return t;
}

}  // namespace

TEST(Targets, WilsonIntervalMatchesHandComputedValues) {
  auto i = experiment::wilson_interval(8, 10);
  EXPECT_NEAR(i.low, 0.49016247153664183, 1e-12);
  EXPECT_NEAR(i.high, 0.9433178485456247, 1e-12);
  i = experiment::wilson_interval(0, 10);
  EXPECT_EQ(i.low, 0.0);
  EXPECT_NEAR(i.high, 0.2775327998628892, 1e-12);
  i = experiment::wilson_interval(10, 10);
  EXPECT_NEAR(i.low, 0.7224672001371107, 1e-12);
  EXPECT_EQ(i.high, 1.0);
  i = experiment::wilson_interval(1, 3);
  EXPECT_NEAR(i.low, 0.06149194472039621, 1e-12);
  EXPECT_NEAR(i.high, 0.7923403991979522, 1e-12);
  i = experiment::wilson_interval(0, 0);
  EXPECT_EQ(i.low, 0.0);
  EXPECT_EQ(i.high, 1.0);
}

TEST(Targets, QuantileIsNumpysLinearMethod) {
  // numpy.quantile([3.5, -1, 7, 2, 2, 10, 0.25], q)
  const std::vector<double> v = {3.5, -1, 7, 2, 2, 10, 0.25};
  const std::vector<std::pair<double, double>> expected = {
      {0, -1.0}, {0.05, -0.625}, {0.1, -0.25}, {0.5, 2.0}, {0.9, 8.2}, {0.95, 9.1}, {1, 10.0}};
  for (const auto& [q, value] : expected)
    EXPECT_NEAR(experiment::quantile(v, q), value, 1e-12) << "q = " << q;
  EXPECT_EQ(experiment::quantile({4.0}, 0.3), 4.0);
  EXPECT_TRUE(std::isnan(experiment::quantile({}, 0.5)));
}

TEST(Targets, LevelTarget) {
  const Projection p = hand_made();
  const std::vector<Target> ts = {target("gdp120", Target::Kind::level, "region/gdp", 2023, 120)};
  const auto report = evaluate_targets(ts, p);
  ASSERT_EQ(report.evaluated.size(), 1u);
  const auto& o = report.evaluated[0];
  EXPECT_EQ(o.target, &ts[0]);
  EXPECT_EQ(o.reached, (std::vector<signed char>{1, 0, 1, 0}));
  EXPECT_EQ(o.value, (std::vector<double>{120, 106, 120, 100}));
  EXPECT_EQ(o.first_year, (std::vector<int>{2023, 0, 2023, 0}));
  EXPECT_DOUBLE_EQ(o.probability, 0.5);
  const auto w = experiment::wilson_interval(2, 4);
  EXPECT_DOUBLE_EQ(o.interval.low, w.low);
  EXPECT_DOUBLE_EQ(o.interval.high, w.high);
  EXPECT_DOUBLE_EQ(o.value_median, 113);
  EXPECT_NEAR(o.value_p05, 100.9, 1e-12);
  EXPECT_DOUBLE_EQ(o.value_p95, 120);
  ASSERT_TRUE(o.first_year_median.has_value());
  EXPECT_DOUBLE_EQ(*o.first_year_median, 2023);
}

TEST(Targets, GrowthAgainstThePreviousYear) {
  const Projection p = hand_made();
  const std::vector<Target> ts = {target("g", Target::Kind::growth, "region/gdp", 2022, 4.5)};
  const auto o = evaluate_targets(ts, p).evaluated.at(0);
  EXPECT_NEAR(o.value[0], (110.0 / 105 - 1) * 100, 1e-12);
  EXPECT_NEAR(o.value[2], -10, 1e-12);
  EXPECT_EQ(o.reached, (std::vector<signed char>{1, 0, 0, 0}));
  // 2021: r0 +5 %, r2 +10 %.
  EXPECT_EQ(o.first_year, (std::vector<int>{2021, 0, 2021, 0}));
}

TEST(Targets, GrowthFromAnExplicitBaseYearIsCumulative) {
  const Projection p = hand_made();
  const std::vector<Target> ts = {
      target("g", Target::Kind::growth, "region/gdp", 2024, 19.5, Target::Op::at_least, 2020)};
  const auto o = evaluate_targets(ts, p).evaluated.at(0);
  EXPECT_NEAR(o.value[0], 30, 1e-12);
  EXPECT_EQ(o.reached, (std::vector<signed char>{1, 0, 1, 0}));
  EXPECT_EQ(o.first_year, (std::vector<int>{2023, 0, 2023, 0}));
  EXPECT_DOUBLE_EQ(o.probability, 0.5);
}

TEST(Targets, CagrFromTheProjectionBaseYear) {
  const Projection p = hand_made();
  const std::vector<Target> ts = {target("c", Target::Kind::cagr, "region/gdp", 2024, 5.5)};
  const auto o = evaluate_targets(ts, p).evaluated.at(0);
  EXPECT_NEAR(o.value[0], (std::pow(1.3, 0.25) - 1) * 100, 1e-12);
  EXPECT_NEAR(o.value[1], (std::pow(1.08, 0.25) - 1) * 100, 1e-12);
  EXPECT_EQ(o.reached, (std::vector<signed char>{1, 0, 1, 0}));
  // r0: 2021 5 %, 2022 4.88 %, 2023 6.27 %; r2: 2021 10 %.
  EXPECT_EQ(o.first_year, (std::vector<int>{2023, 0, 2021, 0}));
  EXPECT_DOUBLE_EQ(*o.first_year_median, 2022);
}

TEST(Targets, ShareOfADenominator) {
  const Projection p = hand_made();
  auto t =
      target("s", Target::Kind::share, "region/industrial_output", 2024, 35, Target::Op::at_most);
  t.denominator = scenario::Series{"region/gdp", {}};
  const std::vector<Target> ts = {t};
  const auto o = evaluate_targets(ts, p).evaluated.at(0);
  EXPECT_NEAR(o.value[0], 40.0 / 130 * 100, 1e-12);
  EXPECT_NEAR(o.value[3], 40, 1e-12);
  EXPECT_EQ(o.reached, (std::vector<signed char>{1, 0, 1, 0}));
  // r0: 38.1, 36.4, 33.3 -> 2023; r2: 36.4, 40.4, 33.3 -> 2023; r1: 37.0 at best -> never.
  EXPECT_EQ(o.first_year, (std::vector<int>{2023, 0, 2023, 0}));
}

TEST(Targets, ChangeAtMost) {
  const Projection p = hand_made();
  const std::vector<Target> ts = {
      target("i", Target::Kind::change, "region/price_index", 2024, -5, Target::Op::at_most, 2021)};
  const auto o = evaluate_targets(ts, p).evaluated.at(0);
  EXPECT_NEAR(o.value[0], (0.90 / 0.97 - 1) * 100, 1e-12);
  EXPECT_DOUBLE_EQ(o.probability, 1.0);
  EXPECT_EQ(o.interval.high, 1.0);
  // Cumulative from 2021: 2022 -3.1 %, 2023 -5.2 %.
  EXPECT_EQ(o.first_year, (std::vector<int>{2023, 2023, 2023, 2023}));
}

TEST(Targets, NotEvaluatedWithReasons) {
  const Projection p = hand_made();
  std::vector<Target> ts = {
      target("needs", Target::Kind::level, "region/gdp", 2023, 1),
      target("late", Target::Kind::level, "region/gdp", 2030, 1),
      target("early_base", Target::Kind::growth, "region/gdp", 2022, 1, Target::Op::at_least, 2019),
      target("first_year", Target::Kind::growth, "region/gdp", 2020, 1),
      target("share", Target::Kind::share, "region/gdp", 2022, 1),
      target("ok", Target::Kind::level, "region/gdp", 2022, 1)};
  ts[0].needs = "the firm model";
  const auto report = evaluate_targets(ts, p);
  ASSERT_EQ(report.evaluated.size(), 1u);
  EXPECT_EQ(report.evaluated[0].target->id, "ok");
  ASSERT_EQ(report.not_evaluated.size(), 5u);
  EXPECT_EQ(report.not_evaluated[0].first->id, "needs");
  EXPECT_EQ(report.not_evaluated[0].second, "needs the firm model");
  test::expect_contains(report.not_evaluated[1].second, "year 2030");
  test::expect_contains(report.not_evaluated[1].second, "2020-2024");
  test::expect_contains(report.not_evaluated[2].second, "base year 2019");
  test::expect_contains(report.not_evaluated[3].second, "base year 2019");
  test::expect_contains(report.not_evaluated[4].second, "denominator");
}

TEST(Targets, NeverReachedHasNoFirstYear) {
  const Projection p = hand_made();
  const std::vector<Target> ts = {target("x", Target::Kind::level, "region/gdp", 2024, 1000)};
  const auto o = evaluate_targets(ts, p).evaluated.at(0);
  EXPECT_EQ(o.probability, 0.0);
  EXPECT_FALSE(o.first_year_median.has_value());
}

TEST(Targets, CompareActualsWithMedianAndBand) {
  const Projection p = hand_made();
  std::vector<scenario::Actual> actuals(2);
  actuals[0].series.metric = "region/gdp";
  actuals[0].year = 2024;
  actuals[0].value = 110;
  actuals[1].series.metric = "region/gdp";
  actuals[1].year = 2031;
  actuals[1].value = 1;
  const auto c = experiment::compare_actuals(actuals, p);
  ASSERT_EQ(c.size(), 2u);
  // 2024 values 130, 108, 125, 100 -> sorted 100 108 125 130.
  EXPECT_DOUBLE_EQ(c[0].median, 116.5);
  EXPECT_NEAR(c[0].p05, 101.2, 1e-12);
  EXPECT_NEAR(c[0].p95, 129.25, 1e-12);
  EXPECT_NEAR(c[0].error_percent, (116.5 - 110) / 110 * 100, 1e-12);
  EXPECT_EQ(c[0].actual, &actuals[0]);
  EXPECT_TRUE(std::isnan(c[1].median));
}
