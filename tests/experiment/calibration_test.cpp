// Calibration by simulated moments (include/icsim/experiment/calibration.hpp): moments measured on
// a hand-made projection, the loss on hand-worked numbers, the date rule, and the optimiser
// finding known optima of plain functions.
#include "icsim/experiment/calibration.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "icsim/common/error.hpp"
#include "support/projections.hpp"

namespace icsim::experiment {
namespace {

results::Projection tiny() { return test::three_replication_gdp(); }

MomentSpec moment(std::string metric, int year, double value, double weight = 1,
                  double tolerance = 0, std::string unit = "CNY") {
  MomentSpec m;
  m.figure.id = metric + std::to_string(year);
  m.figure.metric = std::move(metric);
  m.figure.scope = "Ningbo";
  m.figure.year = year;
  m.figure.value = value;
  m.figure.unit = std::move(unit);
  m.weight = weight;
  m.tolerance = tolerance;
  m.where = "cal.toml:" + std::to_string(year);
  return m;
}

TEST(Calibration, MomentsAndLossOnHandWorkedNumbers) {
  // 2018: members 110, 120, 130 -> median 120, p05 111, p95 129; observed 100 -> +20 %.
  // 2019: members 200, 220, 240 -> median 220; observed 250 -> -12 %.
  const std::vector<MomentSpec> moments = {moment("region/gdp", 2018, 100, 2, 0.25),
                                           moment("region/gdp", 2019, 250, 1, 0.1)};
  const auto fits = fit_moments(tiny(), "CNY", "Ningbo", 2017, moments);
  ASSERT_EQ(fits.size(), 2u);
  EXPECT_DOUBLE_EQ(fits[0].median, 120);
  EXPECT_DOUBLE_EQ(fits[0].p05, 111);
  EXPECT_DOUBLE_EQ(fits[0].p95, 129);
  EXPECT_DOUBLE_EQ(fits[0].deviation, 0.2);
  EXPECT_TRUE(fits[0].within);  // 20 % <= 25 %
  EXPECT_DOUBLE_EQ(fits[1].deviation, -0.12);
  EXPECT_FALSE(fits[1].within);  // 12 % > 10 %
  // 2 * 0.2^2 + 1 * 0.12^2 = 0.08 + 0.0144
  EXPECT_NEAR(moment_loss(moments, fits), 0.0944, 1e-15);
}

TEST(Calibration, AMomentTheRunCannotProduceIsRefusedWithItsPlace) {
  for (const auto& [m, reason] : std::vector<std::pair<MomentSpec, std::string>>{
           {moment("region/gdp_growth", 2018, 7), "no series"},
           {moment("region/gdp", 2018, 120, 1, 0, "percent"), "unit 'percent'"},
           {moment("region/firms_above_scale", 2018, 5, 1, 0, "firms"), "firm model"},
           {moment("region/gdp", 2016, 90), "outside the run's years"}}) {
    try {
      fit_moments(tiny(), "CNY", "Ningbo", 2017, {m});
      ADD_FAILURE() << m.figure.metric << " accepted";
    } catch (const InputError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(m.where + ": moment"), std::string::npos) << what;
      EXPECT_NE(what.find(reason), std::string::npos) << what;
    }
  }
}

TEST(Calibration, MomentsAreLookedUpAndDatedNoLaterThanTheBaseYear) {
  const auto dir = std::filesystem::temp_directory_path() / "icsim_calibration_test";
  std::filesystem::create_directories(dir);
  const auto csv = (dir / "observed.csv").string();
  std::ofstream(csv) << "id,metric,scope,year,value,unit\n"
                        "g18,region/gdp,Ningbo,2018,120,CNY\n"
                        "g22,region/gdp,Ningbo,2022,150,CNY\n";
  scenario::CalibrationPlan plan;
  plan.observed_file = csv;
  scenario::CalibrationMoment by_id;
  by_id.observed_id = "g18";
  by_id.tolerance = 0.1;
  by_id.weight = 100;
  by_id.where = "cal.toml:7";
  plan.moments = {by_id};
  const auto moments = resolve_moments(plan, {2021, "base.toml"});
  ASSERT_EQ(moments.size(), 1u);
  EXPECT_EQ(moments[0].figure.metric, "region/gdp");
  EXPECT_DOUBLE_EQ(moments[0].figure.value, 120);
  EXPECT_EQ(moments[0].source, csv + ":2");
  EXPECT_DOUBLE_EQ(moments[0].weight, 100);

  plan.moments[0].observed_id = "g22";  // after the base year
  try {
    resolve_moments(plan, {2021, "base.toml"});
    ADD_FAILURE() << "a 2022 moment accepted for a 2021 base";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cal.toml:7: moment 'g22'"), std::string::npos) << what;
    EXPECT_NE(what.find("dated 2022, after 2021, the base year of base.toml"), std::string::npos)
        << what;
  }
  plan.moments[0].observed_id = "nope";
  EXPECT_THROW(resolve_moments(plan, {2021, "base.toml"}), InputError);
  std::filesystem::remove_all(dir);
}

// A smooth bowl with its minimum at (0.3, 0.7).
double bowl(const std::vector<double>& u) {
  return (u[0] - 0.3) * (u[0] - 0.3) + 2 * (u[1] - 0.7) * (u[1] - 0.7);
}

BatchLoss batch_of(double (*f)(const std::vector<double>&)) {
  return [f](const std::vector<std::vector<double>>& xs, int) {
    std::vector<double> out;
    for (const auto& x : xs) out.push_back(f(x));
    return out;
  };
}

TEST(Calibration, TheOptimiserFindsTheKnownOptimum) {
  for (const std::string global : {"latin_hypercube", "crs2", "isres"}) {
    for (const std::string local : {"bobyqa", "neldermead"}) {
      OptimiserSettings s{global, 20, local, 200, 7};
      const OptimiserResult r = minimise(2, s, batch_of(bowl));
      const auto& best = r.points[r.best];
      EXPECT_NEAR(best.unit[0], 0.3, 1e-3) << global << " + " << local;
      EXPECT_NEAR(best.unit[1], 0.7, 1e-3) << global << " + " << local;
      EXPECT_LE(r.points.size(), 220u);
      int global_points = 0;
      for (const auto& p : r.points) global_points += p.stage == 0 ? 1 : 0;
      EXPECT_LE(global_points, 20) << global;
    }
  }
}

TEST(Calibration, TheOptimiserIsDeterministicInItsSeed) {
  OptimiserSettings s{"crs2", 30, "bobyqa", 20, 11};
  const OptimiserResult a = minimise(2, s, batch_of(bowl));
  const OptimiserResult b = minimise(2, s, batch_of(bowl));
  ASSERT_EQ(a.points.size(), b.points.size());
  for (std::size_t i = 0; i < a.points.size(); ++i) EXPECT_EQ(a.points[i].unit, b.points[i].unit);
  // The Latin hypercube stage is one batch of the requested size, each stratum hit once.
  std::size_t batches = 0;
  const BatchLoss counting = [&](const std::vector<std::vector<double>>& xs, int stage) {
    if (stage == 0) {
      ++batches;
      EXPECT_EQ(xs.size(), 8u);
    }
    return batch_of(bowl)(xs, stage);
  };
  minimise(2, {"latin_hypercube", 8, "bobyqa", 0, 3}, counting);
  EXPECT_EQ(batches, 1u);
}

TEST(Calibration, CalibrateMapsTheCubeToTheRangesAndEvaluatesEachPointOnce) {
  // One integer parameter 0..10 and one real 1..3: the loss has its minimum at (4, 2.5).
  scenario::ParameterRange n{"a.n", 0, 10, true, "", "t:1"};
  scenario::ParameterRange x{"a.x", 1, 3, false, "", "t:2"};
  std::vector<MomentSpec> moments = {moment("region/gdp", 2018, 4),
                                     moment("region/gdp", 2018, 2.5)};
  int evaluations = 0;
  const auto evaluate = [&](const std::vector<double>& v) {
    ++evaluations;
    EXPECT_EQ(v[0], std::round(v[0]));
    std::vector<MomentFit> fits(2);
    fits[0].deviation = (v[0] - 4) / 4;
    fits[1].deviation = (v[1] - 2.5) / 2.5;
    return fits;
  };
  const CalibrationResult r =
      calibrate({n, x}, moments, {"latin_hypercube", 11, "bobyqa", 60, 5}, evaluate);
  EXPECT_EQ(static_cast<std::size_t>(evaluations), r.points.size());  // no point twice
  EXPECT_DOUBLE_EQ(r.points[r.best].values[0], 4);
  EXPECT_NEAR(r.points[r.best].values[1], 2.5, 1e-3);
  EXPECT_NEAR(r.fits[1].deviation, 0, 1e-3);
}

}  // namespace
}  // namespace icsim::experiment
