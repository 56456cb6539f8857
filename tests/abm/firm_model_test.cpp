// The firm model's year (abm/firm_model.hpp) on a population small enough to follow by hand, and
// its identities on the synthesised Ningbo population.
#include "icsim/abm/firm_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "icsim/abm/districts.hpp"
#include "icsim/io/table_format.hpp"

using namespace icsim;
using abm::FirmModel;
using abm::FirmModelBase;
using abm::Stat;

namespace {

// Two sectors (0 has firms, 1 none), one district with 100 mu approved, a quota of 5 mu/year and
// nothing available. Three firms of sector 0, capacities 10, 10, 20 (productivity 1, β = 0:
// output in proportion to capacity), land 10, 10, 20 mu, plot ratios 1.0, 1.0, 2.9 (cap 3.0).
// Labour costs half of value added, no depreciation: profit > 0. Expansion on (trigger 0.85,
// target 0.775, every firm over the trigger invests, construction 1 year, zero-land premium 0.1),
// output per investment 1.5; digital, NC and green renovation, arrivals, loss exits and
// rectification off.
std::shared_ptr<const FirmModelBase> three_firms(double drift_sd = 0) {
  auto b = std::make_shared<FirmModelBase>();
  abm::FirmPopulation& f = b->population;
  const double cap[3] = {10, 10, 20}, land[3] = {10, 10, 20};
  const float plot[3] = {1.0f, 1.0f, 2.9f};
  for (std::uint32_t i = 0; i < 3; ++i) {
    f.push_back_defaults();
    f.id[i] = i;
    f.sector[i] = 0;
    f.district[i] = 0;
    f.flags[i] = abm::kActive;
    f.capacity[i] = cap[i];
    f.output[i] = 0.8 * cap[i];
    f.capital[i] = cap[i] / 1.5;
    f.productivity[i] = 1.0f;
    f.value_added_rate[i] = 0.3f;
    f.tax_rate[i] = 0.05f;
    f.labour_per_output[i] = 10.0f;
    f.land[i] = land[i];
    f.plot_ratio[i] = plot[i];
  }
  b->index = abm::SectorIndex::build(f, 2);
  abm::District d;
  d.code = "d";
  d.name = "district";
  d.industrial_land = 40;
  d.land_approved = 100;
  d.annual_land_supply = 5;
  d.sector_share = {1.0, 1.0};
  b->districts = {d};
  b->industrial = {0};
  b->sector_tax_rate = {0.05, 0};
  b->new_firm_rates = {{0.3f, 0.05f, 10.0f, 0.0f}, {}};
  auto& p = b->parameters;
  p.competitiveness_beta = 0;
  p.expansion.adjustment_speed = 1;  // every firm over the trigger invests
  p.output_per_investment = 1.5;
  p.accounts.labour_share_of_value_added = 0.5;
  p.accounts.above_scale_threshold = 0.2;
  p.synthesis.plot_ratio_median = 1.0;
  p.digital.enabled = false;
  p.digital.initial_share_above_scale = 0;
  p.numerical_control.enabled = false;
  p.green.enabled = false;
  p.arrivals.per_year = 0;
  p.exit.loss_exit_probability = 0;
  p.mujun.rectification_line = 0;
  // The rules the hand-worked numbers were made with: the whole quota supplied every year, the
  // plot-ratio cap 3.0, no productivity drift.
  p.land.supply = abm::LandSupply::quota;
  p.land.plot_ratio_cap = 3.0;
  p.drift.productivity_sd = drift_sd;
  b->seed = 7;
  return b;
}

double sum(std::span<const double> v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

}  // namespace

TEST(FirmModel, ThreeFirmsExpandByZeroLandRenovationAndNewLandWorkedByHand) {
  FirmModel m(three_firms(), 0, 2020);
  // Base year: utilisation 0.8 < 0.85, nobody expands.
  EXPECT_DOUBLE_EQ(m.statistics().region[static_cast<std::size_t>(Stat::output)], 32);
  EXPECT_DOUBLE_EQ(m.statistics().region[static_cast<std::size_t>(Stat::land_in_use)], 40);

  // 2021: demand 36 -> outputs 9, 9, 18 (utilisation 0.9). Each firm closes its gap to
  // output / 0.775: firms 0 and 1 add 9 / 0.775 - 10 = 1.612903, firm 2 adds
  // 18 / 0.775 - 20 = 3.225806 (all below 25 % of capacity).
  m.begin_year(2021, 1.0);
  EXPECT_DOUBLE_EQ(sum(m.outlays()), 0);
  EXPECT_DOUBLE_EQ(m.capacity()[0], 40);
  EXPECT_TRUE(std::isinf(m.capacity()[1]));
  const std::vector<double> demand = {36, 0};
  m.produce(demand);
  EXPECT_DOUBLE_EQ(m.firms().output[0], 9);
  EXPECT_DOUBLE_EQ(m.firms().output[2], 18);
  m.end_year(2021, 1.0, {});
  const double add01 = 9 / 0.775 - 10, add2 = 18 / 0.775 - 20;
  // Firms 0 and 1 raise their plot ratio to 1.0 (10 + add01) / 10 with no new land. Firm 2 can
  // go from 2.9 to the cap 3.0, housing 20 (3.0 / 2.9 - 1) = 0.689655; the rest needs land at
  // 20 mu per 20.689655 of capacity.
  EXPECT_NEAR(m.firms().plot_ratio[0], 1.0 * (10 + add01) / 10, 1e-6);
  EXPECT_NEAR(m.firms().plot_ratio[2], 3.0, 1e-6);
  // (Plot ratios are stored in single precision: 2.9f.)
  const double housed2 = 20 * (3.0 / static_cast<double>(2.9f) - 1), rest2 = add2 - housed2;
  const double mu2 = rest2 * 20 / (20 + housed2);

  // 2022: the quota supplies 5 mu, the queue gets mu2; outlays: renovations cost 1.1 / 1.5 per
  // unit of capacity, building on new land 1 / 1.5.
  m.begin_year(2022, 1.0);
  EXPECT_NEAR(m.firms().land[2], 20 + mu2, 1e-12);
  EXPECT_NEAR(m.land().in_use(0), 40 + mu2, 1e-12);
  EXPECT_NEAR(m.land().available(0), 10 - mu2, 1e-12);  // 5 in 2021 (unused) + 5 in 2022
  const double outlay = (2 * add01 + housed2) * 1.1 / 1.5 + rest2 / 1.5;
  EXPECT_NEAR(sum(m.outlays()), outlay, 1e-12);
  EXPECT_DOUBLE_EQ(m.capacity()[0], 40);  // not built yet
  m.produce(demand);
  m.end_year(2022, 1.0, {});
  EXPECT_NEAR(m.statistics().region[static_cast<std::size_t>(Stat::land_granted)], mu2, 1e-12);
  EXPECT_NEAR(m.statistics().region[static_cast<std::size_t>(Stat::renovation_investment)],
              (2 * add01 + housed2) * 1.1 / 1.5, 1e-12);

  // 2023: the new capacity produces.
  m.begin_year(2023, 1.0);
  EXPECT_NEAR(m.capacity()[0], 40 + 2 * add01 + add2, 1e-12);
}

TEST(FirmModel, CountsEntriesAndKeepsLandAndFirmsConserved) {
  auto base = three_firms();
  auto b = std::make_shared<FirmModelBase>(*base);
  b->parameters.arrivals.per_year = 3;
  b->parameters.arrivals.failure_probability = 0;
  FirmModel m(b, 1, 2020);
  double firms = m.statistics().region[static_cast<std::size_t>(Stat::firms)];
  for (int year = 2021; year <= 2030; ++year) {
    m.begin_year(year, 1.0);
    m.produce(std::vector<double>{0.9 * m.capacity()[0], 0});
    m.end_year(year, 1.0, {});
    const auto& r = m.statistics().region;
    const double now = r[static_cast<std::size_t>(Stat::firms)];
    EXPECT_DOUBLE_EQ(now - firms, r[static_cast<std::size_t>(Stat::firms_entered)] -
                                      r[static_cast<std::size_t>(Stat::firms_exited)])
        << year;
    firms = now;
    // Land: the market's land in use is the firms' land plus what waiting projects hold.
    double firm_land = 0;
    const auto& f = m.firms();
    for (std::size_t i = 0; i < f.size(); ++i)
      if (f.flags[i] & abm::kActive) firm_land += f.land[i];
    EXPECT_NEAR(m.land().in_use(0), firm_land + m.land_held_by_projects(0), 1e-9) << year;
    EXPECT_NEAR(m.land().identity_residual(0), 0, 1e-9) << year;
  }
  EXPECT_GT(firms, 3);  // arrivals came
}

TEST(FirmModel, ProductivityDriftIsKeyedAndOffAtZero) {
  // Drift off (the hand-worked setting): productivities stay 1. On: each firm's productivity
  // moves at the end of the base year, the same in two models of the same replication, and
  // differently in another replication.
  FirmModel still(three_firms(), 0, 2020);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(still.firms().productivity[i], 1.0f);
  auto drifting = [](std::uint64_t replication) {
    return FirmModel(three_firms(0.3), replication, 2020);
  };
  FirmModel a = drifting(0), b = drifting(0), c = drifting(1);
  bool moved = false, differs = false;
  for (std::size_t i = 0; i < 3; ++i) {
    const float p = a.firms().productivity[i];
    EXPECT_EQ(p, b.firms().productivity[i]);
    EXPECT_GT(p, 0.0f);
    // Bounded step: |z| <= 2 sqrt(3), so the factor is within exp(±0.3 × 3.47) of its scale.
    EXPECT_LT(std::abs(std::log(p)), 0.3 * 3.47 + 0.1);
    moved |= p != 1.0f;
    differs |= p != c.firms().productivity[i];
  }
  EXPECT_TRUE(moved);
  EXPECT_TRUE(differs);
}
