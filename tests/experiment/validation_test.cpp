// Scoring a projection against observed figures (include/icsim/experiment/validation.hpp):
// which figures are comparable and why not, and their scores, on a hand-made projection.
#include "icsim/experiment/validation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "icsim/common/error.hpp"
#include "support/projections.hpp"

namespace icsim::experiment {
namespace {

results::Projection tiny() { return test::three_replication_gdp(); }

ObservedFigure figure(std::string metric, int year, double value, std::string unit = "CNY",
                      std::string scope = "Ningbo") {
  ObservedFigure f;
  f.id = metric + std::to_string(year);
  f.metric = std::move(metric);
  f.scope = std::move(scope);
  f.year = year;
  f.value = value;
  f.unit = std::move(unit);
  return f;
}

TEST(Validation, ScoresComparableFiguresAndSaysWhyNot) {
  const auto scores =
      score_figures(tiny(), "CNY", "Ningbo", 2017,
                    {figure("region/gdp", 2018, 125), figure("region/gdp", 2019, 250),
                     figure("region/gdp", 2017, 100), figure("region/gdp_growth", 2018, 7),
                     figure("region/gdp", 2018, 125, "percent"), figure("region/gdp", 2021, 125),
                     figure("region/gdp", 2018, 125, "CNY", "Zhenhai"),
                     figure("region/firms_above_scale", 2018, 5, "firms")});
  ASSERT_EQ(scores.size(), 8u);
  const FigureScore& a = scores[0];  // members 110, 120, 130; y = 125
  ASSERT_TRUE(a.comparable) << a.reason;
  EXPECT_FALSE(a.in_sample);
  EXPECT_DOUBLE_EQ(a.median, 120.0);
  EXPECT_DOUBLE_EQ(a.p25, 115.0);
  EXPECT_DOUBLE_EQ(a.p75, 125.0);
  EXPECT_DOUBLE_EQ(a.p05, 111.0);
  EXPECT_DOUBLE_EQ(a.p95, 129.0);
  EXPECT_TRUE(a.in_band_50);  // on the edge
  EXPECT_TRUE(a.in_band_90);
  EXPECT_DOUBLE_EQ(a.error_percent, -4.0);
  // mean|X - y| = (15 + 5 + 5)/3, mean|X - X'| = 2 (10 + 20 + 10)/9
  EXPECT_NEAR(a.crps, 25.0 / 3.0 - 40.0 / 9.0, 1e-12);
  EXPECT_NEAR(a.crps_relative, a.crps / 125.0, 1e-15);
  const FigureScore& b = scores[1];  // 200, 220, 240 against 250: outside both bands
  EXPECT_TRUE(b.comparable);
  EXPECT_FALSE(b.in_band_50);
  EXPECT_FALSE(b.in_band_90);
  EXPECT_TRUE(scores[2].comparable);
  EXPECT_TRUE(scores[2].in_sample);
  EXPECT_DOUBLE_EQ(scores[2].crps, 0.0);
  EXPECT_NE(scores[3].reason.find("no series"), std::string::npos);
  EXPECT_NE(scores[4].reason.find("unit 'percent'"), std::string::npos);
  EXPECT_NE(scores[5].reason.find("outside the run's years"), std::string::npos);
  EXPECT_NE(scores[6].reason.find("part of the region"), std::string::npos);
  EXPECT_NE(scores[7].reason.find("firm model"), std::string::npos);

  const ScoreSummary s = summarise(scores, {});
  EXPECT_EQ(s.out_of_sample.figures, 2);
  EXPECT_EQ(s.out_of_sample.in_band_90, 1);
  EXPECT_EQ(s.in_sample.figures, 1);
  EXPECT_TRUE(std::isnan(s.brier));
}

TEST(Validation, TargetsSettledByAFigure) {
  const std::vector<TargetInfo> targets{
      {"T1", "clusters/output[246/auto]", ">=", "level", "CNY", 300, 2019, 0.9},
      {"T2", "clusters/output[246/auto]", "<=", "level", "CNY", 300, 2019, 0.2},
      {"T3", "region/gdp", ">=", "level", "CNY", 100, 2019, 0.6},
      {"T4", "region/gdp", ">=", "growth", "percent", 7, 2019, 0.5},  // not a level target
      {"T5", "region/gdp", ">=", "level", "CNY", 100, 2020, 0.5}};    // no figure of 2020
  const auto scored = score_targets(
      targets, {figure("clusters/output:246/auto", 2019, 350), figure("region/gdp", 2019, 90)},
      2017, 20);
  ASSERT_EQ(scored.size(), 3u);
  EXPECT_TRUE(scored[0].reached);
  EXPECT_FALSE(scored[1].reached);
  EXPECT_FALSE(scored[2].reached);
  EXPECT_NEAR(scored[0].brier, 0.01, 1e-15);
  EXPECT_NEAR(scored[1].brier, 0.04, 1e-15);
  EXPECT_NEAR(scored[2].brier, 0.36, 1e-15);
  EXPECT_NEAR(scored[0].log_score, -std::log(0.9), 1e-15);
  const ScoreSummary s = summarise({}, scored);
  EXPECT_EQ(s.targets, 3);
  EXPECT_EQ(s.reached, 1);
  EXPECT_NEAR(s.brier, 0.41 / 3.0, 1e-15);
  EXPECT_NEAR(s.brier_reference, 2.0 / 9.0, 1e-15);
  EXPECT_NEAR(s.brier_skill, 1.0 - (0.41 / 3.0) / (2.0 / 9.0), 1e-12);
}

TEST(Validation, PitIsTheShareBelowWithTiesHalf) {
  const auto scores =
      score_figures(tiny(), "CNY", "Ningbo", 2017,
                    {figure("region/gdp", 2018, 125), figure("region/gdp", 2018, 120),
                     figure("region/gdp", 2018, 100), figure("region/gdp", 2017, 100)});
  EXPECT_NEAR(scores[0].pit, 2.0 / 3.0, 1e-15);  // 110, 120 below 125
  EXPECT_NEAR(scores[1].pit, 1.5 / 3.0, 1e-15);  // 110 below, 120 tied
  EXPECT_DOUBLE_EQ(scores[2].pit, 0.0);          // below every member
  EXPECT_DOUBLE_EQ(scores[3].pit, 0.5);          // three ties
}

TEST(Validation, ActualsOfAScenarioAreScoredWithTheirTargets) {
  const results::Projection p = tiny();
  std::vector<results::Actual> actuals(3);
  actuals[0].id = "gdp_2018";
  actuals[0].series.metric = "region/gdp";
  actuals[0].year = 2018;
  actuals[0].value = 125;
  actuals[0].unit = "CNY";
  actuals[1].series.metric = "region/gdp";
  actuals[1].year = 2019;
  actuals[1].value = 250;
  actuals[2].series.metric = "region/gdp";  // in sample
  actuals[2].year = 2017;
  actuals[2].value = 100;
  results::Target t1, t2, t3;
  t1.id = "T1";  // GDP 2018 >= 120: P = 2/3, reached by 125
  t1.series.metric = "region/gdp";
  t1.threshold = 120;
  t1.unit = "CNY";
  t1.year = 2018;
  t2 = t1;  // GDP 2019 <= 230 (unit empty in the figure: taken as the series'): not reached
  t2.id = "T2";
  t2.op = results::Target::Op::at_most;
  t2.threshold = 230;
  t2.year = 2019;
  t3 = t1;  // a growth target is not settled by a level figure
  t3.id = "T3";
  t3.kind = results::Target::Kind::growth;
  results::TargetReport report;
  for (const auto* t : {&t1, &t2, &t3}) {
    results::TargetOutcome o;
    o.target = t;
    o.probability = t == &t1 ? 2.0 / 3.0 : t == &t2 ? 2.0 / 3.0 : 0.5;
    report.evaluated.push_back(o);
  }
  const Validation v = validate_actuals(actuals, report, p, 2017);
  EXPECT_EQ(v.observed_from, "[[actual]]");
  EXPECT_EQ(v.replications, 3);
  ASSERT_EQ(v.figures.size(), 3u);
  EXPECT_EQ(v.figures[0].figure.id, "gdp_2018");
  EXPECT_EQ(v.figures[1].figure.id, "actual[1]");
  EXPECT_EQ(v.figures[0].figure.metric, "region/gdp");
  // The same numbers as the observed-file route (ScoresComparableFiguresAndSaysWhyNot).
  EXPECT_DOUBLE_EQ(v.figures[0].median, 120.0);
  EXPECT_NEAR(v.figures[0].crps, 25.0 / 3.0 - 40.0 / 9.0, 1e-12);
  EXPECT_TRUE(v.figures[0].in_band_50);
  EXPECT_FALSE(v.figures[1].in_band_90);
  EXPECT_TRUE(v.figures[2].in_sample);
  EXPECT_EQ(v.summary.out_of_sample.figures, 2);
  EXPECT_EQ(v.summary.out_of_sample.in_band_90, 1);
  ASSERT_EQ(v.targets.size(), 2u);
  EXPECT_EQ(v.targets[0].target, "T1");
  EXPECT_EQ(v.targets[0].figure, "gdp_2018");
  EXPECT_TRUE(v.targets[0].reached);
  EXPECT_NEAR(v.targets[0].brier, 1.0 / 9.0, 1e-15);
  EXPECT_EQ(v.targets[1].target, "T2");
  EXPECT_FALSE(v.targets[1].reached);  // 250 > 230
  EXPECT_NEAR(v.targets[1].brier, 4.0 / 9.0, 1e-15);
  EXPECT_EQ(v.summary.targets, 2);
  EXPECT_EQ(v.summary.reached, 1);
  EXPECT_NEAR(v.summary.brier_reference, 0.25, 1e-15);  // P = 1/2 for both
}

TEST(Validation, ReadObservedNamesFileAndLine) {
  const auto dir = std::filesystem::temp_directory_path() / "icsim_validation_test";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "observed.csv").string();
  std::ofstream(path) << "id,metric,scope,year,value,unit\na,region/gdp,Ningbo,2018,1,CNY\n"
                         "b,region/gdp,Ningbo,20x9,1,CNY\n";
  try {
    read_observed(path);
    FAIL() << "a bad year was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":3"), std::string::npos) << e.what();
  }
  std::ofstream(path) << "id,metric,scope,year,value,unit\na,region/gdp,Ningbo,2018,1,CNY\n";
  const auto rows = read_observed(path);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].where, path + ":2");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace icsim::experiment
