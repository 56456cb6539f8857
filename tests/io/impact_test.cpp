#include "icsim/io/impact.hpp"

#include <gtest/gtest.h>

#include "icsim/common/error.hpp"

using namespace icsim;

namespace {
// The toy table of docs/table-format.md: Z = [[10, 30], [20, 40]], x = [100, 180], household
// consumption [40, 50], compensation [35, 50], employment [5000, 1200] persons.
io::IOTable toy() {
  io::IOTable t;
  t.meta.name = "toy_2020";
  t.meta.region = "Toyland";
  t.meta.year = 2020;
  t.meta.money_unit = "CNY 100 million";
  t.codes = {"agri", "manu"};
  t.names = {"Agriculture", "Manufacturing"};
  t.names_zh = {"", ""};
  t.sector_region = {"", ""};
  t.Z.resize(2, 2);
  t.Z << 10, 30, 20, 40;
  t.final_demand.labels = {"household", "other"};
  t.final_demand.values.resize(2, 2);
  t.final_demand.values << 40, 20, 50, 70;
  t.value_added.labels = {"compensation", "operating_surplus"};
  t.value_added.values.resize(2, 2);
  t.value_added.values << 35, 50, 15, 20;
  t.imports.labels = {"imports"};
  t.imports.values.resize(1, 2);
  t.imports.values << 20, 40;
  t.satellites.labels = {"employment"};
  t.satellites.units = {"persons"};
  t.satellites.values.resize(1, 2);
  t.satellites.values << 5000, 1200;
  return t;
}
}  // namespace

// By hand: A = [[0.1, 1/6], [0.2, 2/9]], det(I - A) = 2/3, L = [[7/6, 1/4], [0.3, 1.35]].
// Δf = [0, 10] (manufacturing): x1 = L Δf = [2.5, 13.5], so direct output [0, 10] and indirect
// output [2.5, 3.5]. Type II: w = [0.35, 5/18] (compensation / x), c = [40, 50] / 85;
// household income y solves y = w·x1 + (w·L c) y: w·x1 = 37/8, w·L c = 1027/2040,
// y = 9435/1013, and induced output = L c y = [13135, 17649] / 2026.
TEST(Impact, HandWorkedTwoSectorCase) {
  const io::IOTable t = toy();
  io::LeontiefSystem sys(t.technical_coefficients());
  Eigen::VectorXd df(2);
  df << 0, 10;
  const io::Impact im = io::compute_impact(t, sys, df, true);
  const int out = im.indicators.find("output"), emp = im.indicators.find("employment"),
            comp = im.indicators.find("compensation");
  ASSERT_GE(out, 0);
  ASSERT_GE(emp, 0);
  ASSERT_GE(comp, 0);
  EXPECT_NEAR(im.direct(out, 0), 0.0, 1e-12);
  EXPECT_NEAR(im.direct(out, 1), 10.0, 1e-12);
  EXPECT_NEAR(im.indirect(out, 0), 2.5, 1e-12);
  EXPECT_NEAR(im.indirect(out, 1), 3.5, 1e-12);
  ASSERT_TRUE(im.induced.has_value());
  EXPECT_NEAR((*im.induced)(out, 0), 13135.0 / 2026.0, 1e-10);
  EXPECT_NEAR((*im.induced)(out, 1), 17649.0 / 2026.0, 1e-10);
  // Employment: 50 persons per unit in agriculture, 1200/180 in manufacturing.
  EXPECT_NEAR(im.direct(emp, 1), 10.0 * 1200.0 / 180.0, 1e-10);
  EXPECT_NEAR(im.indirect(emp, 0), 2.5 * 50.0, 1e-10);
  EXPECT_NEAR(im.indirect(emp, 1), 3.5 * 1200.0 / 180.0, 1e-10);
  // Labour income of the induced round, summed over sectors, is w·(induced output) = y - w·x1.
  EXPECT_NEAR(im.induced->row(comp).sum(), 9435.0 / 1013.0 - 37.0 / 8.0, 1e-10);
  const Eigen::MatrixXd total = im.total();
  EXPECT_NEAR(total(out, 0), 2.5 + 13135.0 / 2026.0, 1e-10);
}

TEST(Impact, Type1OnlyHasNoInducedEffectsAndMatchesMultipliers) {
  const io::IOTable t = toy();
  io::LeontiefSystem sys(t.technical_coefficients());
  // A unit of demand for sector j: total effects summed over sectors = the Type I multipliers.
  auto m = io::compute_multipliers(t, sys, true);
  for (Eigen::Index j = 0; j < 2; ++j) {
    Eigen::VectorXd df = Eigen::VectorXd::Zero(2);
    df(j) = 1.0;
    const io::Impact one = io::compute_impact(t, sys, df, false);
    EXPECT_FALSE(one.induced.has_value());
    const io::Impact two = io::compute_impact(t, sys, df, true);
    for (Eigen::Index k = 0; k < m.type1.rows(); ++k) {
      EXPECT_NEAR(one.total().row(k).sum(), m.type1(k, j), 1e-12);
      EXPECT_NEAR(two.total().row(k).sum(), (*m.type2)(k, j), 1e-12);
    }
  }
}

TEST(Impact, InducedEffectsNeedTheHouseholdColumns) {
  io::IOTable t = toy();
  t.final_demand.labels = {"consumption", "other"};
  io::LeontiefSystem sys(t.technical_coefficients());
  Eigen::VectorXd df = Eigen::VectorXd::Ones(2);
  EXPECT_THROW(io::compute_impact(t, sys, df, true), InputError);
  EXPECT_NO_THROW(io::compute_impact(t, sys, df, false));
}
