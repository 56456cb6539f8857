// The /programmes variables of a projection (results/variable_list.hpp: programmes/investment,
// projects_started, projects_completed), worked out by hand on the three-sector table.
#include <gtest/gtest.h>

#include <vector>

#include "icsim/common/error.hpp"
#include "icsim/experiment/projection.hpp"
#include "support/tables.hpp"

using namespace icsim;
using experiment::project;
using experiment::Projection;

namespace {

// The three-sector table, base 2020, horizon 2025 (years 2020..2025), M industrial, no growth,
// no capacity limit; prices rise 10 % a year (nominal outlays must not move with them).
scenario::LoadedScenario base_scenario() {
  scenario::LoadedScenario L;
  L.table = test::three_sector();
  auto& s = L.scenario;
  s.name = "test";
  s.base_year = 2020;
  s.horizon = 2025;
  s.seed = 7;
  s.replications = 1;
  s.region.industrial_sectors = {"M"};
  s.capacity.enabled = false;
  s.price_growth.rate = scenario::Distribution::constant(0.10);
  return L;
}

// `projects` projects of 120 in total into M, from `start`, built over `years` years.
scenario::Programme programme(const std::string& name, int projects, int start, int years) {
  scenario::Programme p;
  p.name = name;
  p.projects = projects;
  p.investment = 120;
  p.split = {{"M", 1.0}};
  p.start_year = start;
  p.construction_years = years;
  return p;
}

// The variable of programme k over the years of replication 0.
std::vector<double> by_year(const Projection& p, const std::vector<double>& v, std::size_t k) {
  std::vector<double> out;
  for (std::size_t t = 0; t < p.years.size(); ++t) out.push_back(v[t * p.programmes.size() + k]);
  return out;
}

using V = std::vector<double>;

}  // namespace

TEST(ProgrammeFlows, OutlaysStartsAndCompletionsByHand) {
  auto L = base_scenario();
  // 4 projects of 30 from 2021 over 3 years: 40 a year in 2021-2023 whatever the price index;
  // all 4 start in 2021 and end in 2024. The second programme (2 projects of 60 from 2024 over 2
  // years): 60 in 2024 and 2025, both end in 2026, after the horizon.
  L.scenario.programmes = {programme("a", 4, 2021, 3), programme("b", 2, 2024, 2)};
  L.scenario.programmes[1].label = "双百";
  const Projection p = project(L);
  ASSERT_EQ(p.programmes, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p.programme_labels, (std::vector<std::string>{"a", "双百"}));
  //                                  2020 2021 2022 2023 2024 2025
  EXPECT_EQ(by_year(p, p.programme_investment, 0), (V{0, 40, 40, 40, 0, 0}));
  EXPECT_EQ(by_year(p, p.programme_projects_started, 0), (V{0, 4, 0, 0, 0, 0}));
  EXPECT_EQ(by_year(p, p.programme_projects_completed, 0), (V{0, 0, 0, 0, 4, 0}));
  EXPECT_EQ(by_year(p, p.programme_investment, 1), (V{0, 0, 0, 0, 60, 60}));
  EXPECT_EQ(by_year(p, p.programme_projects_started, 1), (V{0, 0, 0, 0, 2, 0}));
  EXPECT_EQ(by_year(p, p.programme_projects_completed, 1), (V{0, 0, 0, 0, 0, 0}));
  // The series: by name, and "*" sums both.
  EXPECT_EQ(p.series({"programmes/investment", {"b"}}, 0), (V{0, 0, 0, 0, 60, 60}));
  EXPECT_EQ(p.series({"programmes/investment", {"*"}}, 0), (V{0, 40, 40, 40, 60, 60}));
  // The programme's outlays are the sector investment of M (nominal there too: current prices).
  for (std::size_t t = 1; t < p.years.size(); ++t)
    EXPECT_NEAR(p.sector_investment[t * p.sectors.size() + 1],
                p.series({"programmes/investment", {"*"}}, 0)[t], 1e-9)
        << p.years[t];
  EXPECT_THROW(p.series({"programmes/investment", {"c"}}, 0), InputError);
}

TEST(ProgrammeFlows, DelaysShiftAndFailuresRemove) {
  auto delayed = base_scenario();
  delayed.scenario.programmes = {programme("a", 3, 2021, 2)};
  delayed.scenario.programmes[0].delay_probability = 1.0;  // every project one year late
  delayed.scenario.programmes[0].max_delay_years = 1;
  const Projection d = project(delayed);
  EXPECT_EQ(by_year(d, d.programme_investment, 0), (V{0, 0, 60, 60, 0, 0}));
  EXPECT_EQ(by_year(d, d.programme_projects_started, 0), (V{0, 0, 3, 0, 0, 0}));
  EXPECT_EQ(by_year(d, d.programme_projects_completed, 0), (V{0, 0, 0, 0, 3, 0}));

  auto failed = base_scenario();
  failed.scenario.programmes = {programme("a", 3, 2021, 2)};
  failed.scenario.programmes[0].failure_probability = 1.0;
  const Projection f = project(failed);
  EXPECT_EQ(by_year(f, f.programme_investment, 0), (V(6, 0.0)));
  EXPECT_EQ(by_year(f, f.programme_projects_started, 0), (V(6, 0.0)));
}

TEST(ProgrammeFlows, PartlyFailedProgrammesAddUpOverReplications) {
  // Over many replications, each of 10 projects fails with probability 0.3: the outlays over the
  // years sum to 120 x (projects left) / 10 in every replication (accounting identity), and the
  // projects started equal those completed (all end by the horizon).
  auto L = base_scenario();
  L.scenario.replications = 40;
  L.scenario.programmes = {programme("a", 10, 2021, 2)};
  L.scenario.programmes[0].failure_probability = 0.3;
  L.scenario.programmes[0].delay_probability = 0.5;
  L.scenario.programmes[0].max_delay_years = 2;
  const Projection p = project(L);
  double share_started = 0;
  for (int r = 0; r < p.replications; ++r) {
    const V invested = p.series({"programmes/investment", {"a"}}, r);
    const V started = p.series({"programmes/projects_started", {"a"}}, r);
    const V completed = p.series({"programmes/projects_completed", {"a"}}, r);
    double money = 0, n_started = 0, n_completed = 0;
    for (std::size_t t = 0; t < p.years.size(); ++t)
      money += invested[t], n_started += started[t], n_completed += completed[t];
    EXPECT_NEAR(money, 12 * n_started, 1e-9) << r;
    EXPECT_EQ(n_started, n_completed) << r;
    share_started += n_started / 10 / p.replications;
  }
  EXPECT_NEAR(share_started, 0.7, 0.1);  // 400 projects: sd of the share about 0.023
}
