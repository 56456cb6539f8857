// The renovations of decisions.hpp (digital, NC / intelligent equipment, green) in the firm
// model's year, on three firms small enough to follow by hand, and their accounting identities.
#include "icsim/abm/decisions.hpp"

#include <gtest/gtest.h>

#include "icsim/abm/districts.hpp"
#include "icsim/abm/firm_model.hpp"

using namespace icsim;
using abm::FirmModel;
using abm::FirmModelBase;
using abm::Stat;

namespace {

double region(const FirmModel& m, Stat s) {
  return m.statistics().region[static_cast<std::size_t>(s)];
}

// Three 规上 firms of sector 0 (capacities 10, 10, 20; output in proportion to capacity, β = 0),
// value-added rate 0.3, energy 2 per unit of output. Expansion (utilisation 0.8 stays under the
// trigger), arrivals, exits and rectification off. Digital renovation off; NC and green
// renovation with no base-year adopters and adoption probability 1 (innovation 1), so every
// 规上 firm adopts both at the end of the first year.
std::shared_ptr<const FirmModelBase> three_firms() {
  auto b = std::make_shared<FirmModelBase>();
  abm::FirmPopulation& f = b->population;
  const double cap[3] = {10, 10, 20};
  for (std::uint32_t i = 0; i < 3; ++i) {
    f.push_back_defaults();
    f.id[i] = i;
    f.flags[i] = abm::kActive;
    f.capacity[i] = cap[i];
    f.output[i] = 0.8 * cap[i];
    f.capital[i] = cap[i] / 1.5;
    f.productivity[i] = 1.0f;
    f.value_added_rate[i] = 0.3f;
    f.tax_rate[i] = 0.05f;
    f.labour_per_output[i] = 10.0f;
    f.energy_per_output[i] = 2.0f;
    f.land[i] = cap[i];
    f.plot_ratio[i] = 1.0f;
  }
  b->index = abm::SectorIndex::build(f, 2);
  abm::District d;
  d.code = "d";
  d.name = "district";
  d.industrial_land = 40;
  d.annual_land_supply = 0;
  d.sector_share = {1.0, 1.0};
  b->districts = {d};
  b->industrial = {0};
  b->sector_tax_rate = {0.05, 0};
  b->new_firm_rates = {{0.3f, 0.05f, 10.0f, 2.0f}, {}};
  auto& p = b->parameters;
  p.competitiveness_beta = 0;
  p.output_per_investment = 1.5;
  p.accounts.labour_share_of_value_added = 0.5;
  p.accounts.above_scale_threshold = 0.2;
  p.expansion.enabled = false;
  p.digital.enabled = false;
  p.digital.initial_share_above_scale = 0;
  p.drift.productivity_sd = 0;  // no drift: the uplifts alone move productivity
  for (abm::RenovationRules* r : {&p.numerical_control, &p.green}) {
    r->initial_share_above_scale = 0;
    r->innovation = 1;
    r->imitation = 0;
  }
  p.numerical_control.cost_per_capacity = 0.03;
  p.numerical_control.productivity_uplift = 0.03;
  p.numerical_control.value_added_rate_uplift = 0.02;
  p.numerical_control.energy_uplift = 0;
  p.green.cost_per_capacity = 0.01;
  p.green.productivity_uplift = 0;
  p.green.value_added_rate_uplift = 0.01;
  p.green.energy_uplift = -0.1;
  p.arrivals.per_year = 0;
  p.exit.loss_exit_probability = 0;
  p.mujun.rectification_line = 0;
  b->seed = 11;
  return b;
}

}  // namespace

TEST(Renovations, NcAndGreenWorkedByHand) {
  FirmModel m(three_firms(), 0, 2020);
  EXPECT_DOUBLE_EQ(region(m, Stat::firms_above_scale), 3);
  EXPECT_DOUBLE_EQ(region(m, Stat::firms_nc_above_scale), 0);  // initial shares 0
  EXPECT_DOUBLE_EQ(region(m, Stat::firms_green_above_scale), 0);
  const std::vector<double> demand = {32, 0};

  // 2021: produced at the base rates; at the end of the year every 规上 firm adopts both.
  m.begin_year(2021, 1.0);
  m.produce(demand);
  m.end_year(2021, 1.0, {});
  EXPECT_DOUBLE_EQ(region(m, Stat::value_added), 0.3f * 32.0);
  EXPECT_DOUBLE_EQ(region(m, Stat::firms_nc_above_scale), 3);
  EXPECT_DOUBLE_EQ(region(m, Stat::firms_green_above_scale), 3);
  const auto& f = m.firms();
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(f.flags[i] & (abm::kNumericalControl | abm::kGreen),
              abm::kNumericalControl | abm::kGreen);
    EXPECT_FLOAT_EQ(f.productivity[i], 1.03f);                     // NC +3 %, green 0
    EXPECT_FLOAT_EQ(f.value_added_rate[i], 0.3f * 1.02f * 1.01f);  // NC +2 %, green +1 %
    EXPECT_FLOAT_EQ(f.energy_per_output[i], 2.0f * 0.9f);          // green -10 %
    EXPECT_DOUBLE_EQ(f.capacity[i], i == 2 ? 20 : 10);             // no capacity effect
  }

  // 2022: the outlays, (0.03 + 0.01) x 40 = 1.6, are renovation investment; the year's value
  // added is at the new rate: 32 x 0.3 x 1.02 x 1.01.
  m.begin_year(2022, 1.0);
  m.produce(demand);
  m.end_year(2022, 1.0, {});
  EXPECT_NEAR(region(m, Stat::renovation_investment), 0.04 * 40, 1e-12);
  EXPECT_NEAR(region(m, Stat::value_added), 32 * static_cast<double>(0.3f * 1.02f * 1.01f), 1e-9);
  // No second adoption: the uplifts apply once.
  EXPECT_FLOAT_EQ(f.value_added_rate[0], 0.3f * 1.02f * 1.01f);
  EXPECT_DOUBLE_EQ(region(m, Stat::firms_nc_above_scale), 3);
}

TEST(Renovations, AccountingIdentities) {
  // With adoption by chance (p = 0.3, q = 0.4) over several years: adopters never exceed the
  // 规上 firms, flags never clear, value added is the output-weighted sum of the firms' rates,
  // and renovation investment is the cost of last year's adopters.
  auto base = three_firms();
  auto b = std::make_shared<FirmModelBase>(*base);
  for (abm::RenovationRules* r : {&b->parameters.numerical_control, &b->parameters.green}) {
    r->innovation = 0.3;
    r->imitation = 0.4;
  }
  FirmModel m(b, 2, 2020);
  const std::vector<double> demand = {32, 0};
  double due = 0;  // outlays of last year's adopters
  std::uint8_t before[3] = {0, 0, 0};
  for (int year = 2021; year <= 2030; ++year) {
    m.begin_year(year, 1.0);
    m.produce(demand);
    const auto& f = m.firms();
    double va = 0;  // at this year's rates (adoptions at the end of the year count from next)
    for (std::size_t i = 0; i < 3; ++i)
      va += static_cast<double>(f.value_added_rate[i]) * f.output[i];
    m.end_year(year, 1.0, {});
    EXPECT_NEAR(region(m, Stat::renovation_investment), due, 1e-12) << year;
    due = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(before[i] & ~f.flags[i] & (abm::kNumericalControl | abm::kGreen), 0) << year;
      if ((f.flags[i] & abm::kNumericalControl) && !(before[i] & abm::kNumericalControl))
        due += 0.03 * f.capacity[i];
      if ((f.flags[i] & abm::kGreen) && !(before[i] & abm::kGreen)) due += 0.01 * f.capacity[i];
      before[i] = f.flags[i];
    }
    EXPECT_NEAR(region(m, Stat::value_added), va, 1e-9) << year;
    EXPECT_LE(region(m, Stat::firms_nc_above_scale), region(m, Stat::firms_above_scale));
    EXPECT_LE(region(m, Stat::firms_green_above_scale), region(m, Stat::firms_above_scale));
  }
  EXPECT_DOUBLE_EQ(region(m, Stat::firms_nc_above_scale), 3);  // all adopt within ten years
}
