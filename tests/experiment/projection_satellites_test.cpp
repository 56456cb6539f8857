// The satellite accounts of the projection (experiment/projection.hpp, docs/results.md
// "Satellite accounts"): a hand-worked case on the three-sector table and the accounting
// identities (sector sums, intensity x value added, the base year = the table's rows) under
// every source of randomness.
#include <gtest/gtest.h>

#include <cmath>

#include "icsim/experiment/projection.hpp"
#include "support/tables.hpp"

using namespace icsim;
using experiment::project;
using experiment::Projection;

namespace {

using Dist = scenario::Distribution;

scenario::Growth fixed(double rate) {
  scenario::Growth g;
  g.rate = Dist::constant(rate);
  return g;
}

// The three-sector table (outputs A 100, M 400, S 300; value added 60, 100, 205) with
// satellites: energy A 200, M 8000, S 600 tce; water M 5000 m3; R&D M 4, S 1 (money).
// Base 2020, horizon 2023, M industrial, no capacity limit.
scenario::LoadedScenario with_satellites() {
  scenario::LoadedScenario L;
  L.table = test::three_sector();
  auto& sat = L.table.satellites;
  sat.labels = {"employment", "energy", "water", "rd_expenditure"};
  sat.units = {"persons", "tce", "m3", "CNY 100 million"};
  sat.values.resize(4, 3);
  sat.values << 5000, 3000, 8000,  //
      200, 8000, 600,              //
      0, 5000, 0,                  //
      0, 4, 1;
  auto& s = L.scenario;
  s.name = "satellites";
  s.base_year = 2020;
  s.horizon = 2023;
  s.seed = 7;
  s.replications = 1;
  s.region.industrial_sectors = {"M"};
  s.capacity.enabled = false;
  return L;
}

std::size_t at(const Projection& p, int r, std::size_t t, std::size_t j) {
  return (static_cast<std::size_t>(r) * p.years.size() + t) * p.sectors.size() + j;
}

}  // namespace

// Demand and GFCF grow 4 %/year, prices 2 %/year, so real output is x0 1.04^t in every sector;
// energy per unit falls 5 %/year, water 10 %/year, R&D per unit rises 10 %/year.
TEST(ProjectionSatellites, HandWorkedTrends) {
  auto L = with_satellites();
  auto& s = L.scenario;
  s.growth.final_demand = {{"household", fixed(0.04)}};
  s.investment.other_gfcf_growth = fixed(0.04);
  s.price_growth = fixed(0.02);
  s.satellites.energy_intensity_trend = fixed(-0.05);
  s.satellites.water_intensity_trend = fixed(-0.10);
  s.satellites.rd_intensity_trend = fixed(0.10);
  // The trends do not load on the common shock: a shock changes output, not the trend index.
  s.growth.common = fixed(0.0);
  const Projection p = project(L);
  ASSERT_EQ(p.years.size(), 4u);
  // Year 2022 (t = 2): M's energy 8000 x 1.04^2 x 0.95^2 = 8000 x 1.0816 x 0.9025 = 7809.152.
  EXPECT_NEAR(p.sector_energy_use[at(p, 0, 2, 1)], 7809.152, 1e-9);
  // A: 200 x 1.0816 x 0.9025 = 195.2288; S: 600 x 1.0816 x 0.9025 = 585.6864.
  EXPECT_NEAR(p.sector_energy_use[at(p, 0, 2, 0)], 195.2288, 1e-9);
  EXPECT_NEAR(p.energy_use[2], 195.2288 + 7809.152 + 585.6864, 1e-8);
  EXPECT_NEAR(p.industrial_energy_use[2], 7809.152, 1e-9);
  // Water of M: 5000 x 1.0816 x 0.81 = 4380.48.
  EXPECT_NEAR(p.sector_water_use[at(p, 0, 2, 1)], 4380.48, 1e-9);
  EXPECT_NEAR(p.industrial_water_use[2], 4380.48, 1e-9);
  // R&D is money in current prices: S 1 x 1.0816 x 1.21 x 1.0404 = 1.3615...; M 4 x the same.
  const double f = 1.0816 * 1.21 * 1.0404;
  EXPECT_NEAR(p.sector_rd_expenditure[at(p, 0, 2, 2)], f, 1e-12);
  EXPECT_NEAR(p.industrial_rd_expenditure[2], 4 * f, 1e-12);
  EXPECT_NEAR(p.rd_expenditure[2], 5 * f, 1e-12);
  // Intensity per 万元 of industrial value added at base-year prices: M's real value added is
  // 100 x 1.0816 亿 = 1,081,600 万元; 7809.152 / 1,081,600 = 0.0072200 = 0.008 x 0.9025.
  EXPECT_NEAR(p.industrial_energy_intensity[2], 0.008 * 0.9025, 1e-15);
  // Water: 5000 m3 over 100 亿 = 0.005 m3/万元 in the base year, x 0.81 in 2022.
  EXPECT_NEAR(p.industrial_water_intensity[0], 0.005, 1e-15);
  EXPECT_NEAR(p.industrial_water_intensity[2], 0.005 * 0.81, 1e-15);
}

// Under every source of randomness (demand, prices, random trends, capacity binding, a
// programme): the sector accounts sum to the region's, the intensity times industrial value
// added at base-year prices (万元) is the industrial account, each sector's account is its
// coefficient times its real output times one trend index common to all sectors, and the base
// year holds the table's rows.
TEST(ProjectionSatellites, AccountingIdentities) {
  auto L = with_satellites();
  auto& s = L.scenario;
  s.replications = 20;
  s.horizon = 2026;
  s.growth.common.rate = Dist::normal(0, 0.01);
  s.growth.final_demand = {{"household", {Dist::normal(0.06, 0.03), 1.0, true}}};
  s.price_growth.rate = Dist::normal(0.02, 0.01);
  s.investment.industrial_base = 60;
  s.investment.growth.rate = Dist::normal(0.05, 0.05);
  s.capacity.enabled = true;
  s.capacity.utilisation = 0.95;
  s.satellites.energy_intensity_trend.rate = Dist::normal(-0.04, 0.02);
  s.satellites.water_intensity_trend.rate = Dist::normal(-0.05, 0.02);
  s.satellites.rd_intensity_trend.rate = Dist::normal(0.05, 0.03);
  s.satellites.rd_intensity_trend.per_year = false;
  const Projection p = project(L);
  const auto& sat = L.table.satellites.values;
  const Eigen::VectorXd x0 = L.table.total_output();
  const std::size_t Y = p.years.size(), n = p.sectors.size();
  for (int r = 0; r < 20; ++r)
    for (std::size_t t = 0; t < Y; ++t) {
      const std::size_t g = static_cast<std::size_t>(r) * Y + t;
      double e = 0, w = 0, d = 0;
      for (std::size_t j = 0; j < n; ++j) {
        e += p.sector_energy_use[at(p, r, t, j)];
        w += p.sector_water_use[at(p, r, t, j)];
        d += p.sector_rd_expenditure[at(p, r, t, j)];
      }
      EXPECT_NEAR(e, p.energy_use[g], 1e-9 * e);
      EXPECT_NEAR(d, p.rd_expenditure[g], 1e-12 * d);
      EXPECT_NEAR(w, p.industrial_water_use[g], 1e-9 * w);  // water only in M, the industry
      EXPECT_NEAR(p.industrial_energy_use[g], p.sector_energy_use[at(p, r, t, 1)], 0);
      const double va_wan = p.industrial_value_added[g] / p.price_index[g] * 1e4;
      EXPECT_NEAR(p.industrial_energy_intensity[g] * va_wan, p.industrial_energy_use[g],
                  1e-9 * p.industrial_energy_use[g]);
      EXPECT_NEAR(p.industrial_water_intensity[g] * va_wan, p.industrial_water_use[g],
                  1e-9 * p.industrial_water_use[g]);
      // One trend index per year for all sectors: energy / (coefficient x real output) agrees.
      double index = -1;
      for (std::size_t j = 0; j < n; ++j) {
        const auto jj = static_cast<Eigen::Index>(j);
        const double real = p.sector_output[at(p, r, t, j)] / p.price_index[g];
        const double k = p.sector_energy_use[at(p, r, t, j)] / (sat(1, jj) / x0(jj) * real);
        if (index < 0) index = k;
        EXPECT_NEAR(k, index, 1e-9);
        if (t == 0) {
          EXPECT_NEAR(p.sector_energy_use[at(p, r, t, j)], sat(1, jj), 1e-9 * sat(1, jj));
          EXPECT_NEAR(p.sector_rd_expenditure[at(p, r, t, j)], sat(3, jj), 1e-12);
        }
      }
      if (t == 0) EXPECT_DOUBLE_EQ(index, 1.0);
    }
}

// A table without the rows gives zeros; the intensities are 0 then (not NaN).
TEST(ProjectionSatellites, NoRowsGiveZeros) {
  auto L = with_satellites();
  L.table = test::three_sector();
  const Projection p = project(L);
  for (double v : p.sector_energy_use) EXPECT_EQ(v, 0.0);
  for (double v : p.rd_expenditure) EXPECT_EQ(v, 0.0);
  for (double v : p.industrial_energy_intensity) EXPECT_EQ(v, 0.0);
}
