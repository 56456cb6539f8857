#include "icsim/io/multipliers.hpp"

#include <Eigen/Dense>
#include <gtest/gtest.h>

#include <cmath>

#include "icsim/common/error.hpp"
#include "support/tables.hpp"

using namespace icsim;

namespace {
// Miller & Blair (2009) §2.5 close their 2-sector economy with w = [0.3, 0.25] (labour income
// per unit output) and c = [0.05, 0.4] (consumption per unit of income), plus a household-to-
// household coefficient of 0.05 that a table without a household row cannot carry. With that
// coefficient 0 the closed matrix is [[.15, .25, .05], [.2, .05, .4], [.3, .25, 0]], whose
// inverse (numpy, 10 digits) is
//   [[1.3583699561, 0.4194966041, 0.2357171394],
//    [0.5113863364, 1.3343987215, 0.5593288054],
//    [0.5353575709, 0.4594486616, 1.2105473432]].
// Income = [300, 500] (total 800), so household consumption = c * 800 = [40, 320].
io::IOTable miller_blair_households() {
  auto t = test::miller_blair_2x2();
  t.final_demand.labels = {"household", "other"};
  t.final_demand.values.resize(2, 2);
  t.final_demand.values << 40, 310, 320, 1380;
  t.value_added.labels = {"compensation", "operating_surplus"};
  t.value_added.values.resize(2, 2);
  t.value_added.values << 300, 500, 350, 900;
  return t;
}
}  // namespace

TEST(Multipliers, TypeIOutputMultipliersAreColumnSumsOfL) {
  auto t = test::miller_blair_2x2();
  io::LeontiefSystem sys(t.technical_coefficients());
  auto m = io::compute_multipliers(t, sys, false);
  // (0.95 + 0.2) / 0.7575 and (0.25 + 0.85) / 0.7575.
  EXPECT_NEAR(m.type1(m.indicators.find("output"), 0), 1.15 / 0.7575, 1e-14);
  EXPECT_NEAR(m.type1(m.indicators.find("output"), 1), 1.10 / 0.7575, 1e-14);
  EXPECT_FALSE(m.type2.has_value());
}

TEST(Multipliers, ValueAddedPlusImportsMultipliersSumToOne) {
  // Every unit of final demand ends up as local value added or imports: v^T L + m^T L = 1^T.
  auto t = test::three_sector();
  io::LeontiefSystem sys(t.technical_coefficients());
  auto m = io::compute_multipliers(t, sys, false);
  for (int j = 0; j < 3; ++j)
    EXPECT_NEAR(
        m.type1(m.indicators.find("value_added"), j) + m.type1(m.indicators.find("imports"), j),
        1.0, 1e-14);
  // No imports in the closed textbook economy: value added multiplier is exactly 1.
  auto mb = test::miller_blair_2x2();
  io::LeontiefSystem sys2(mb.technical_coefficients());
  auto m2 = io::compute_multipliers(mb, sys2, false);
  EXPECT_NEAR(m2.type1(m2.indicators.find("value_added"), 0), 1.0, 1e-14);
}

TEST(Multipliers, IndicatorsCoverEveryRowOfTheTable) {
  auto t = test::three_sector();
  auto ind = io::standard_indicators(t);
  std::vector<std::string> expected{
      "output", "value_added", "compensation", "net_production_taxes", "imports", "employment"};
  EXPECT_EQ(ind.names, expected);
  EXPECT_EQ(ind.units[5], "persons per CNY 100 million of final demand");
  // Employment coefficient = persons / output.
  EXPECT_NEAR(ind.coefficients(5, 0), 5000.0 / t.total_output()(0), 1e-12);
}

TEST(Multipliers, TypeIIMatchesMillerBlairClosedModel) {
  auto t = miller_blair_households();
  io::LeontiefSystem sys(t.technical_coefficients());
  auto m = io::compute_multipliers(t, sys, true);
  ASSERT_TRUE(m.type2.has_value());
  const int out = m.indicators.find("output"), inc = m.indicators.find("compensation");
  // Column sums of the top-left 2x2 block of the closed inverse.
  EXPECT_NEAR((*m.type2)(out, 0), 1.3583699561 + 0.5113863364, 1e-9);
  EXPECT_NEAR((*m.type2)(out, 1), 0.4194966041 + 1.3343987215, 1e-9);
  // Household-income row of the closed inverse: the Type II income effects.
  EXPECT_NEAR((*m.type2)(inc, 0), 0.5353575709, 1e-9);
  EXPECT_NEAR((*m.type2)(inc, 1), 0.4594486616, 1e-9);
  // Type II ratio ("income multiplier") = total income effect / direct income coefficient.
  EXPECT_NEAR((*m.type2_ratio())(inc, 0), 0.5353575709 / 0.3, 1e-9);
  // The book's own closed inverse, with a_hh = 0.05, for comparison: Type I < ours < book's.
  EXPECT_LT((*m.type2)(out, 0), 1.3651 + 0.5273);
  EXPECT_GT((*m.type2)(out, 0), m.type1(out, 0));
}

TEST(Multipliers, TypeIIIsAtLeastTypeI) {
  auto t = test::three_sector();
  io::LeontiefSystem sys(t.technical_coefficients());
  auto m = io::compute_multipliers(t, sys, true);
  EXPECT_TRUE(((*m.type2).array() >= m.type1.array() - 1e-15).all());
  EXPECT_TRUE(((*m.type2).array() > m.type1.array()).row(0).all());
}

TEST(Multipliers, TypeIIWithoutLabourIncomeRowSaysWhatIsMissing) {
  auto t = test::three_sector();
  t.meta.labour_income = "wages";
  io::LeontiefSystem sys(t.technical_coefficients());
  try {
    io::compute_multipliers(t, sys, true);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("value-added row 'wages'"), std::string::npos) << e.what();
  }
}

TEST(Multipliers, InvestmentMultipliersGoThroughTheBridge) {
  auto t = test::three_sector();
  Eigen::MatrixXd C(3, 3);
  C << 0.0, 0.1, 0.0,  //
      0.4, 0.5, 0.3,   //
      0.5, 0.2, 0.6;
  t.gfcf_bridge = C;
  io::LeontiefSystem sys(t.technical_coefficients());
  auto m = io::compute_multipliers(t, sys, true);
  auto inv = io::compute_investment_multipliers(t, m);
  // Output per unit invested by sector j = 1^T L C e_j.
  Eigen::RowVectorXd expected = Eigen::RowVectorXd::Ones(3) * sys.inverse() * C;
  EXPECT_TRUE(inv.type1.row(0).isApprox(expected, 1e-13));
  EXPECT_EQ(inv.bridge_source, "gfcf_bridge.csv");
  EXPECT_TRUE(inv.type2.has_value());
}

TEST(Multipliers, DefaultBridgeIsTheGfcfColumnMix) {
  auto t = test::three_sector();
  io::LeontiefSystem sys(t.technical_coefficients());
  auto m = io::compute_multipliers(t, sys, false);
  auto inv = io::compute_investment_multipliers(t, m);
  Eigen::VectorXd mix = t.final_demand.values.col(1) / t.final_demand.values.col(1).sum();
  EXPECT_TRUE(inv.bridge.col(2).isApprox(mix, 1e-15));
  EXPECT_NEAR(inv.type1(0, 0), m.type1.row(0).dot(mix), 1e-13);
}

TEST(Linkages, RasmussenIndicesHaveMeanOneAndClassify) {
  auto t = test::three_sector();
  io::LeontiefSystem sys(t.technical_coefficients());
  auto l = io::compute_linkages(sys, t.total_output());
  EXPECT_NEAR(l.backward.mean(), 1.0, 1e-14);
  EXPECT_NEAR(l.forward.mean(), 1.0, 1e-14);
  Eigen::MatrixXd L = sys.inverse();
  Eigen::VectorXd cs = L.colwise().sum().transpose();
  EXPECT_TRUE(l.backward.isApprox(cs / cs.mean(), 1e-14));
  for (int j = 0; j < 3; ++j) {
    const bool b = l.backward(j) > 1, f = l.forward(j) > 1;
    EXPECT_EQ(l.classification[j], b && f ? "key" : b ? "backward" : f ? "forward" : "weak");
  }
}

TEST(Linkages, ZeroOutputSectorIsAbsentAndLeftOutOfTheMean) {
  auto t = test::three_sector();
  t.final_demand.values(0, 0) += t.Z(0, 1);
  t.final_demand.values(2, 0) += t.Z(2, 1);
  t.Z.row(1).setZero();
  t.Z.col(1).setZero();
  t.final_demand.values.row(1).setZero();
  io::LeontiefSystem sys(t.technical_coefficients());
  auto l = io::compute_linkages(sys, t.total_output());
  EXPECT_EQ(l.classification[1], "absent");
  EXPECT_TRUE(std::isnan(l.backward(1)));
  EXPECT_NEAR((l.backward(0) + l.backward(2)) / 2, 1.0, 1e-14);
  EXPECT_NEAR((l.forward(0) + l.forward(2)) / 2, 1.0, 1e-14);
}
