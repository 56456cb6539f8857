// The projection with the firm model on (experiment/projection.hpp, abm/firm_model.hpp), on the
// bundled Ningbo scenario: accounting identities every year, conservation of firms and land,
// agreement with the input-output projection when the firms decide nothing and no capacity
// binds, thread invariance and the documented direction of each policy lever.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "icsim/abm/districts.hpp"
#include "icsim/abm/firm_model.hpp"
#include "icsim/experiment/projection.hpp"
#include "icsim/scenario/load.hpp"

using namespace icsim;
using abm::Stat;
using experiment::project;
using experiment::Projection;
using experiment::RunOptions;

namespace {

const std::string kRoot = ICSIM_SOURCE_DIR;

// The baseline Ningbo scenario with the firm model switched on (districts and calibration from
// scenarios/data/ningbo), `reps` replications.
scenario::LoadedScenario ningbo(int reps, bool firms = true) {
  auto L = scenario::load_scenario(kRoot + "/scenarios/ningbo/baseline.toml");
  L.scenario.replications = reps;
  if (firms) {
    auto& f = L.scenario.firms;
    f.enabled = true;
    f.districts = kRoot + "/scenarios/data/ningbo/districts.csv";
    f.calibration = kRoot + "/scenarios/data/ningbo/firms.csv";
    abm::apply_firm_calibration(f.calibration, f.parameters.synthesis);
    L.districts = abm::load_districts(f.districts, L.table);
  }
  return L;
}

double stat(const Projection& p, int r, std::size_t t, Stat s) {
  return p.region_statistics[(static_cast<std::size_t>(r) * p.years.size() + t) * abm::kStatCount +
                             static_cast<std::size_t>(s)];
}

std::size_t year_of(const Projection& p, std::size_t r, std::size_t t) {
  return r * p.years.size() + t;
}

// Run options of n threads (and a slice of the replications).
RunOptions on_threads(int n, int first = 0, int count = -1) {
  RunOptions o;
  o.threads = n;
  o.first_replication = first;
  o.replication_count = count;
  return o;
}

double sum_stat(const Projection& p, Stat s) {
  double x = 0;
  for (std::size_t r = 0; r < static_cast<std::size_t>(p.replications); ++r)
    for (std::size_t t = 1; t < p.years.size(); ++t) x += stat(p, static_cast<int>(r), t, s);
  return x;
}

}  // namespace

TEST(FirmProjection, BaseYearIsTheTableAndTheCalibration) {
  auto L = ningbo(1);
  const Projection p = project(L, on_threads(1));
  ASSERT_TRUE(p.firm_model);
  ASSERT_EQ(p.districts.size(), 10u);
  EXPECT_NEAR(stat(p, 0, 0, Stat::output), p.industrial_output[0], 1e-6 * p.industrial_output[0]);
  double land = 0;
  for (const auto& d : L.districts) land += d.industrial_land;
  EXPECT_NEAR(stat(p, 0, 0, Stat::land_in_use), land, 1e-6 * land);
  // 规上 firms: the calibration's count (firms.csv: 8,350) up to the synthesis' capping.
  EXPECT_NEAR(stat(p, 0, 0, Stat::firms_above_scale), 8350, 0.01 * 8350);
  EXPECT_NEAR(stat(p, 0, 0, Stat::output_above_scale) / stat(p, 0, 0, Stat::output), 0.839047,
              0.005);
  EXPECT_EQ(stat(p, 0, 0, Stat::firms_entered), 0);
}

TEST(FirmProjection, AccountingIdentitiesHoldEveryYear) {
  auto L = ningbo(2);
  const Projection p = project(L, on_threads(2));
  const std::size_t Y = p.years.size(), D = p.districts.size(), S = abm::kStatCount;
  for (int r = 0; r < 2; ++r)
    for (std::size_t t = 0; t < Y; ++t) {
      const std::size_t g = year_of(p, static_cast<std::size_t>(r), t);
      // Sector output = Σ firm output, value added = Σ firm value added (industry).
      EXPECT_NEAR(stat(p, r, t, Stat::output), p.industrial_output[g],
                  1e-9 * p.industrial_output[g]);
      EXPECT_NEAR(stat(p, r, t, Stat::value_added), p.industrial_value_added[g],
                  1e-9 * p.industrial_value_added[g]);
      EXPECT_NEAR(stat(p, r, t, Stat::output_above_scale), p.industrial_output_above_scale[g],
                  1e-9 * p.industrial_output_above_scale[g]);
      // Districts add up to the region.
      for (std::size_t k = 0; k < S; ++k) {
        if (abm::statistics_info()[k].kind == abm::StatInfo::Kind::ratio) continue;
        double sum = 0;
        for (std::size_t d = 0; d < D; ++d) sum += p.district_statistics[(g * D + d) * S + k];
        EXPECT_NEAR(sum, p.region_statistics[g * S + k], 1e-9 * (1 + std::abs(sum)))
            << abm::statistics_info()[k].name;
      }
      if (t == 0) continue;
      // Conservation of firms: entered - exited = change in the count.
      EXPECT_EQ(stat(p, r, t, Stat::firms) - stat(p, r, t - 1, Stat::firms),
                stat(p, r, t, Stat::firms_entered) - stat(p, r, t, Stat::firms_exited));
      // Land: with approvals at the pace of supply and redevelopment land staying industrial,
      // the district's stocks (in use + available + approved-not-supplied + being redeveloped)
      // grow by exactly the year's supply.
      for (std::size_t d = 0; d < D; ++d) {
        auto at = [&](std::size_t tt, Stat s) {
          return p.district_statistics[(year_of(p, static_cast<std::size_t>(r), tt) * D + d) * S +
                                       static_cast<std::size_t>(s)];
        };
        auto stocks = [&](std::size_t tt) {
          return at(tt, Stat::land_in_use) + at(tt, Stat::land_available) +
                 at(tt, Stat::land_approved_not_supplied) +
                 at(tt, Stat::land_pending_redevelopment);
        };
        EXPECT_NEAR(stocks(t) - stocks(t - 1), at(t, Stat::land_supplied), 1e-6)
            << p.districts[d] << " " << p.years[t];
      }
    }
}

TEST(FirmProjection, AgreesWithTheInputOutputProjectionWhenFirmsDecideNothing) {
  // Firms that never expand, renovate, arrive, exit or get rectified, capacity far from binding,
  // output shared by capacity alone (β = 0), no programmes: the firm model only re-counts the
  // input-output projection, which must come out the same.
  auto L = ningbo(2);
  L.scenario.programmes.clear();
  L.scenario.exogenous_investment.clear();
  auto& q = L.scenario.firms.parameters;
  q.expansion.enabled = false;
  q.digital.enabled = false;
  q.numerical_control.enabled = false;
  q.green.enabled = false;
  q.arrivals.per_year = 0;
  q.exit.loss_exit_probability = 0;
  q.mujun.rectification_line = 0;
  q.mujun.rectify_class_d = false;
  q.competitiveness_beta = 0;
  q.endogenous_investment_share = 0;
  q.synthesis.utilisation = 0.3;
  auto io = L;
  io.scenario.firms.enabled = false;
  io.scenario.capacity.enabled = false;
  const Projection a = project(L, on_threads(1)), b = project(io, on_threads(1));
  ASSERT_EQ(a.sector_output.size(), b.sector_output.size());
  for (std::size_t k = 0; k < a.sector_output.size(); ++k)
    ASSERT_NEAR(a.sector_output[k], b.sector_output[k], 1e-9 * (1 + std::abs(b.sector_output[k])))
        << k;
  // Value added: firm rates are single precision and rescaled to the table (1e-6).
  for (std::size_t k = 0; k < a.gdp.size(); ++k) EXPECT_NEAR(a.gdp[k], b.gdp[k], 1e-6 * b.gdp[k]);
  EXPECT_EQ(sum_stat(a, Stat::firms_entered), 0);
  EXPECT_EQ(sum_stat(a, Stat::firms_exited), 0);
}

TEST(FirmProjection, BitIdenticalForAnyThreadCount) {
  auto L = ningbo(3);
  const Projection a = project(L, on_threads(1)), b = project(L, on_threads(2));
  EXPECT_EQ(a.sector_output, b.sector_output);
  EXPECT_EQ(a.district_statistics, b.district_statistics);
  EXPECT_EQ(a.cluster_land_in_use, b.cluster_land_in_use);
  // And a replication run alone equals the same replication in the full run.
  const Projection c = project(L, on_threads(2, 2, 1));
  const std::size_t per = a.district_statistics.size() / 3;
  EXPECT_TRUE(std::equal(c.district_statistics.begin(), c.district_statistics.end(),
                         a.district_statistics.begin() + static_cast<long>(2 * per)));
}

TEST(FirmProjection, MoreLandSupplyNeverLowersCapacity) {
  // Capacity that comes from land: programme projects and arrivals wait for it. With firms'
  // own decisions off (no expansions, digital renovation, exits or rectification, which respond
  // to utilisation and tax per mu and so to how many new plants share demand), more land can
  // only start projects earlier: capacity is never lower in any year, and higher in total.
  // (With decisions on, incumbents expand a little less when new plants arrive earlier; the
  // measured net effect on total capacity is within ±0.05 % of the default supply's.)
  auto L = ningbo(2);
  auto& q = L.scenario.firms.parameters;
  q.expansion.enabled = false;
  q.digital.enabled = false;
  q.numerical_control.enabled = false;
  q.green.enabled = false;
  q.exit.loss_exit_probability = 0;
  q.mujun.rectification_line = 0;
  q.mujun.rectify_class_d = false;
  auto more = L;
  more.scenario.firms.parameters.land_supply_scale = 3;
  const Projection a = project(L, on_threads(2)), b = project(more, on_threads(2));
  const std::size_t n = a.sectors.size();
  double gained = 0;
  for (std::size_t g = 0; g < a.gdp.size(); ++g) {
    double ka = 0, kb = 0;
    for (std::size_t j = 0; j < n; ++j)
      if (std::isfinite(a.sector_capacity[g * n + j])) {
        ka += a.sector_capacity[g * n + j];
        kb += b.sector_capacity[g * n + j];
      }
    EXPECT_GE(kb, ka * (1 - 1e-12)) << g;
    gained += kb - ka;
  }
  EXPECT_GT(gained, 0);  // the default supply binds in the first year (双百 needs land)
  EXPECT_GE(sum_stat(b, Stat::projects_started), sum_stat(a, Stat::projects_started));
}

TEST(FirmProjection, NoRectificationLineMeansNoRectificationAndAHigherLineRectifiesMore) {
  auto L = ningbo(2);
  auto none = L, high = L;
  none.scenario.firms.parameters.mujun.rectification_line = 0;
  none.scenario.firms.parameters.mujun.rectify_class_d = false;
  high.scenario.firms.parameters.mujun.rectification_line = 0.001;  // 10 万元/亩
  const Projection a = project(none, on_threads(2)), b = project(L, on_threads(2)),
                   c = project(high, on_threads(2));
  EXPECT_EQ(sum_stat(a, Stat::firms_rectified), 0);
  EXPECT_EQ(sum_stat(a, Stat::firms_upgraded), 0);
  EXPECT_GE(sum_stat(c, Stat::firms_rectified), sum_stat(b, Stat::firms_rectified));
  EXPECT_GT(sum_stat(c, Stat::firms_rectified), 0);
}

TEST(FirmProjection, UpgradeProbabilityOneMeansNoRectificationExits) {
  auto L = ningbo(2);
  L.scenario.firms.parameters.mujun.rectification_line = 0.001;
  L.scenario.firms.parameters.mujun.upgrade_probability = 1;
  L.scenario.firms.parameters.exit.loss_exit_probability = 0;
  const Projection p = project(L, on_threads(2));
  EXPECT_GT(sum_stat(p, Stat::firms_upgraded), 0);
  EXPECT_EQ(sum_stat(p, Stat::firms_exited), 0);
}

TEST(FirmProjection, TheTablesEnergySatelliteReachesTheFirms) {
  // The bundled Ningbo table carries an energy satellite: with no intensities given, the firms
  // take their sector's coefficient from it, so a differential surcharge on D firms (per kWh of
  // their electricity) high enough to turn profits negative makes more of them exit than none.
  auto L = ningbo(2);
  L.scenario.firms.parameters.exit.loss_exit_probability = 0.5;
  auto none = L, high = L;
  none.scenario.firms.parameters.mujun.d_surcharge = {0.0};
  high.scenario.firms.parameters.mujun.d_surcharge = {5.0};
  const Projection a = project(none, on_threads(2)), b = project(high, on_threads(2));
  EXPECT_GT(sum_stat(b, Stat::firms_exited), sum_stat(a, Stat::firms_exited));
}

TEST(FirmProjection, AHigherDSurchargeNeverLowersExits) {
  // Surcharges are per kWh of electricity, so they need energy use: 3,000 tce per 亿元 of output
  // in every industrial sector (given, over the table's), and surcharges high enough to turn D
  // firms' profits negative.
  auto L = ningbo(2);
  auto& q = L.scenario.firms.parameters;
  q.synthesis.energy_per_output.assign(L.scenario.region.industrial_sectors.size(), 3000.0);
  q.exit.loss_exit_probability = 0.5;
  // No rectification: a D firm the surcharge closes may be one the rectification would have
  // closed a year later anyway (with the calibrated rule every D firm is due).
  q.mujun.rectify_class_d = false;
  q.mujun.rectification_line = 0;
  auto low = L, high = L;
  low.scenario.firms.parameters.mujun.d_surcharge = {0.5};
  high.scenario.firms.parameters.mujun.d_surcharge = {5.0};
  const Projection a = project(L, on_threads(2)), b = project(low, on_threads(2)),
                   c = project(high, on_threads(2));
  EXPECT_GE(sum_stat(b, Stat::firms_exited), sum_stat(a, Stat::firms_exited));
  EXPECT_GE(sum_stat(c, Stat::firms_exited), sum_stat(b, Stat::firms_exited));
  EXPECT_GT(sum_stat(c, Stat::firms_exited), sum_stat(a, Stat::firms_exited));
}
