#include "icsim/experiment/projection.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "icsim/common/error.hpp"
#include "icsim/io/leontief.hpp"
#include "icsim/io/multipliers.hpp"
#include "support/checks.hpp"
#include "support/tables.hpp"

using namespace icsim;
using experiment::project;
using experiment::Projection;
using experiment::RunOptions;

namespace {

using Dist = scenario::Distribution;

scenario::Growth fixed(double rate) {
  scenario::Growth g;
  g.rate = Dist::constant(rate);
  return g;
}

// The three-sector table (sectors A, M, S; final demand household and gfcf), base 2020, horizon
// 2025, M industrial, every growth 0, no capacity limit, no programmes; one cluster system "S"
// with cluster "c1" = all of M and half of S.
scenario::LoadedScenario base_scenario() {
  scenario::LoadedScenario L;
  L.table = test::three_sector();
  auto& s = L.scenario;
  s.name = "test";
  s.base_year = 2020;
  s.horizon = 2025;
  s.seed = 20240601;
  s.replications = 1;
  s.region.industrial_sectors = {"M"};
  s.region.above_scale_output_share = 0.8;
  s.region.above_scale_value_added_share = 0.7;
  s.capacity.enabled = false;
  s.investment.industrial_base = 0;
  s.clusters.push_back({"S", "unused.csv"});
  io::Concordance c;
  c.system = "S";
  c.clusters = {"c1"};
  c.cluster_names = {"cluster one"};
  c.weights = test::mat({{0, 1, 0.5}});
  L.systems.push_back(c);
  return L;
}

scenario::Programme one_project(int start_year) {
  scenario::Programme p;
  p.name = "p";
  p.projects = 1;
  p.investment = 100;
  p.split = {{"M", 1.0}};
  p.start_year = start_year;
  p.construction_years = 2;
  p.ramp_up_years = 2;
  p.adds_capacity = true;
  return p;
}

std::size_t at(const Projection& p, int r, std::size_t t, std::size_t j) {
  return (static_cast<std::size_t>(r) * p.years.size() + t) * p.sectors.size() + j;
}

Eigen::VectorXd output(const Projection& p, int r, std::size_t t) {
  Eigen::VectorXd x(static_cast<Eigen::Index>(p.sectors.size()));
  for (std::size_t j = 0; j < p.sectors.size(); ++j)
    x(static_cast<Eigen::Index>(j)) = p.sector_output[at(p, r, t, j)];
  return x;
}

// Every array of two projections, compared bit for bit.
void expect_identical(const Projection& a, const Projection& b) {
  auto same = [](const std::vector<double>& x, const std::vector<double>& y, const char* what) {
    ASSERT_EQ(x.size(), y.size()) << what;
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(double)), 0) << what;
  };
  same(a.sector_output, b.sector_output, "sector_output");
  same(a.sector_value_added, b.sector_value_added, "sector_value_added");
  same(a.sector_employment, b.sector_employment, "sector_employment");
  same(a.sector_investment, b.sector_investment, "sector_investment");
  same(a.sector_capacity, b.sector_capacity, "sector_capacity");
  same(a.sector_imports, b.sector_imports, "sector_imports");
  same(a.cluster_output, b.cluster_output, "cluster_output");
  same(a.cluster_value_added, b.cluster_value_added, "cluster_value_added");
  same(a.cluster_investment, b.cluster_investment, "cluster_investment");
  same(a.cluster_output_above_scale, b.cluster_output_above_scale, "cluster_output_above_scale");
  same(a.gdp, b.gdp, "gdp");
  same(a.industrial_output, b.industrial_output, "industrial_output");
  same(a.industrial_value_added, b.industrial_value_added, "industrial_value_added");
  same(a.industrial_output_above_scale, b.industrial_output_above_scale, "ioas");
  same(a.industrial_value_added_above_scale, b.industrial_value_added_above_scale, "ivaas");
  same(a.industrial_investment, b.industrial_investment, "industrial_investment");
  same(a.price_index, b.price_index, "price_index");
}

// A scenario with every source of randomness, programmes, a cluster split and binding capacity.
scenario::LoadedScenario stochastic_scenario(int replications) {
  auto L = base_scenario();
  auto& s = L.scenario;
  s.replications = replications;
  s.growth.common.rate = Dist::normal(0, 0.01);
  s.growth.final_demand = {{"household", {Dist::normal(0.06, 0.03), 1.0, true}}};
  s.growth.sector_groups.push_back({"g", {"A"}, {}, {Dist::normal(0.01, 0.01), 0.5, false}});
  s.price_growth.rate = Dist::normal(0.02, 0.01);
  s.investment.industrial_base = 60;
  s.investment.growth.rate = Dist::normal(0.05, 0.05);
  s.investment.other_gfcf_growth.rate = Dist::normal(0.03, 0.02);
  s.investment.output_per_investment = 0.8;
  s.capacity.enabled = true;
  s.capacity.utilisation = 0.95;
  s.capacity.trend_growth.rate = Dist::normal(0.02, 0.01);
  auto p = one_project(2021);
  p.projects = 7;
  p.split = {{"M", 0.6}, {"S/c1", 0.4}};
  p.delay_probability = 0.3;
  p.max_delay_years = 2;
  p.failure_probability = 0.2;
  s.programmes.push_back(p);
  s.exogenous_investment.push_back({"plant", "S/c1", 2022, 30, 2, true});
  return L;
}

}  // namespace

TEST(Projection, ConstantGrowthScalesOutputExactly) {
  auto L = base_scenario();
  const double g = 0.04;
  L.scenario.growth.final_demand = {{"household", fixed(g)}};
  L.scenario.investment.industrial_base = 50;  // C (I0 s) stays below the GFCF column
  L.scenario.investment.growth = fixed(g);
  L.scenario.investment.other_gfcf_growth = fixed(g);
  const Projection p = project(L);
  ASSERT_EQ(p.years.size(), 6u);
  EXPECT_TRUE(p.notes.empty());
  const Eigen::VectorXd x0 = L.table.total_output();
  for (std::size_t t = 0; t < p.years.size(); ++t)
    for (std::size_t j = 0; j < 3; ++j) {
      const double expected = x0(static_cast<Eigen::Index>(j)) * std::pow(1 + g, double(t));
      EXPECT_NEAR(p.sector_output[at(p, 0, t, j)], expected, 1e-12 * expected)
          << "year " << p.years[t] << " sector " << j;
    }
  // Industrial investment grows with its own rate: base 50, all in M.
  EXPECT_NEAR(p.industrial_investment[5], 50 * std::pow(1 + g, 5), 1e-12 * 50);
}

TEST(Projection, PriceGrowthGivesNominalValues) {
  auto L = base_scenario();
  const double g = 0.03, pi = 0.02;
  L.scenario.growth.final_demand = {{"household", fixed(g)}};
  L.scenario.investment.other_gfcf_growth = fixed(g);
  L.scenario.price_growth = fixed(pi);
  const Projection p = project(L);
  const Eigen::VectorXd x0 = L.table.total_output();
  for (std::size_t t = 0; t < p.years.size(); ++t) {
    const double factor = std::pow((1 + g) * (1 + pi), double(t));
    EXPECT_NEAR(p.price_index[t], std::pow(1 + pi, double(t)), 1e-14);
    for (std::size_t j = 0; j < 3; ++j)
      EXPECT_NEAR(p.sector_output[at(p, 0, t, j)], x0(static_cast<Eigen::Index>(j)) * factor,
                  1e-12 * x0(static_cast<Eigen::Index>(j)) * factor);
    // Employment is in persons: real growth only.
    EXPECT_NEAR(p.sector_employment[at(p, 0, t, 1)], 3000 * std::pow(1 + g, double(t)), 1e-8);
  }
}

TEST(Projection, BaseYearHoldsTheTable) {
  auto L = base_scenario();
  const Projection p = project(L);
  const auto& T = L.table;
  const Eigen::VectorXd x0 = T.total_output();
  for (std::size_t j = 0; j < 3; ++j) {
    const auto jj = static_cast<Eigen::Index>(j);
    EXPECT_DOUBLE_EQ(p.sector_output[at(p, 0, 0, j)], x0(jj));
    EXPECT_NEAR(p.sector_value_added[at(p, 0, 0, j)], T.value_added.values.col(jj).sum(), 1e-9);
    EXPECT_NEAR(p.sector_imports[at(p, 0, 0, j)], T.imports.values(0, jj), 1e-9);
    EXPECT_NEAR(p.sector_employment[at(p, 0, 0, j)], T.satellites.values(0, jj), 1e-9);
    EXPECT_TRUE(std::isnan(p.sector_capacity[at(p, 0, 0, j)]));
  }
  EXPECT_NEAR(p.gdp[0], T.value_added.values.sum(), 1e-9);
  EXPECT_DOUBLE_EQ(p.industrial_output[0], x0(1));
  EXPECT_DOUBLE_EQ(p.industrial_output_above_scale[0], 0.8 * x0(1));
  EXPECT_DOUBLE_EQ(p.industrial_value_added_above_scale[0], 0.7 * p.industrial_value_added[0]);
  ASSERT_EQ(p.clusters, std::vector<std::string>{"S/c1"});
  EXPECT_EQ(p.cluster_names[0], "cluster one");
  EXPECT_EQ(p.sector_names[1], "制造业");
  EXPECT_NEAR(p.cluster_output[0], x0(1) + 0.5 * x0(2), 1e-9);
  // Above scale: the industrial sector M at 0.8, services S as they are.
  EXPECT_NEAR(p.cluster_output_above_scale[0], 0.8 * x0(1) + 0.5 * x0(2), 1e-9);
  // Without growth nothing moves.
  for (std::size_t j = 0; j < 3; ++j)
    EXPECT_NEAR(p.sector_output[at(p, 0, 5, j)], x0(static_cast<Eigen::Index>(j)),
                1e-12 * x0(static_cast<Eigen::Index>(j)));
}

TEST(Projection, ProgrammeOutlaysCapacityAndRampUp) {
  auto L = base_scenario();
  L.scenario.investment.output_per_investment = 0.5;
  L.scenario.capacity.enabled = true;
  L.scenario.capacity.sectors = {"M"};
  L.scenario.capacity.utilisation = 0.5;  // K0 = 2 x0: never binding here
  L.scenario.programmes.push_back(one_project(2021));
  const Projection p = project(L);

  const auto& T = L.table;
  const Eigen::VectorXd x0 = T.total_output();
  io::LeontiefSystem sys(T.technical_coefficients());
  const Eigen::MatrixXd C = io::investment_bridge(T);
  const Eigen::VectorXd eM = Eigen::VectorXd::Unit(3, 1);
  // 2021, 2022: 50 a year invested by M, bought through C; 2023: capacity 100 * 0.5 = 50
  // completes, sold at 1/2 in its first year; 2024 on: at 1.
  const Eigen::VectorXd during = sys.solve(C * (50 * eM));
  const Eigen::VectorXd first = sys.solve(25 * eM), full = sys.solve(50 * eM);
  const std::vector<Eigen::VectorXd> delta = {
      Eigen::VectorXd::Zero(3), during, during, first, full, full};
  for (std::size_t t = 0; t < 6; ++t) {
    const Eigen::VectorXd dx = output(p, 0, t) - x0;
    for (Eigen::Index j = 0; j < 3; ++j)
      EXPECT_NEAR(dx(j), delta[t](j), 1e-9) << "year " << p.years[t] << " sector " << j;
  }
  for (std::size_t t = 0; t < 6; ++t) {
    const double invested = t == 1 || t == 2 ? 50 : 0;
    EXPECT_DOUBLE_EQ(p.sector_investment[at(p, 0, t, 1)], invested);
    EXPECT_DOUBLE_EQ(p.sector_investment[at(p, 0, t, 0)], 0);
    EXPECT_DOUBLE_EQ(p.industrial_investment[t], invested);
    const double capacity = 2 * x0(1) + (t >= 3 ? 50 : 0);
    EXPECT_NEAR(p.sector_capacity[at(p, 0, t, 1)], capacity, 1e-9);
    EXPECT_TRUE(std::isnan(p.sector_capacity[at(p, 0, t, 0)]));
  }
}

TEST(Projection, ClusterSplitUsesTheInvestmentMix) {
  auto L = base_scenario();
  auto prog = one_project(2021);
  prog.split = {{"S/c1", 1.0}};
  prog.construction_years = 1;
  L.scenario.programmes.push_back(prog);
  const Projection p = project(L);
  const Eigen::VectorXd x0 = L.table.total_output();
  const Eigen::VectorXd mix = L.systems[0].investment_mix(0, x0);
  for (Eigen::Index j = 0; j < 3; ++j)
    EXPECT_NEAR(p.sector_investment[at(p, 0, 1, static_cast<std::size_t>(j))], 100 * mix(j), 1e-12);
  // Cluster investment = weights . sector investment.
  EXPECT_NEAR(p.cluster_investment[1], 100 * (mix(1) + 0.5 * mix(2)), 1e-12);
}

TEST(Projection, CapacityConstraintLeaksExcessToImports) {
  auto L = base_scenario();
  L.scenario.growth.final_demand = {{"household", fixed(0.1)}};
  L.scenario.capacity.enabled = true;
  L.scenario.capacity.sectors = {"M"};
  L.scenario.capacity.utilisation = 1.0;  // K = x0: any growth binds
  const Projection p = project(L);

  const auto& T = L.table;
  const Eigen::VectorXd x0 = T.total_output();
  const Eigen::MatrixXd A = T.technical_coefficients();
  const Eigen::VectorXd m = T.coefficients(T.imports).colwise().sum().transpose();
  for (std::size_t t = 1; t < 6; ++t) {
    const Eigen::VectorXd f =
        T.final_demand.values.col(0) * std::pow(1.1, double(t)) + T.final_demand.values.col(1);
    const Eigen::VectorXd x = output(p, 0, t);
    const double K = x0(1);
    EXPECT_NEAR(x(1), K, 1e-9 * K);
    EXPECT_NEAR(p.sector_capacity[at(p, 0, t, 1)], K, 1e-9 * K);
    // The unconstrained sectors solve their block: (I - A_NN) x_N = f_N + A_NB K_B.
    const std::vector<Eigen::Index> N = {0, 2}, B = {1};
    Eigen::MatrixXd block = -A(N, N);
    block.diagonal().array() += 1;
    const Eigen::VectorXd residual = block * x(N) - f(N) - A(N, B) * x(B);
    EXPECT_LT(residual.cwiseAbs().maxCoeff(), 1e-9);
    // Demand for M = intermediate + final = capacity + imported excess.
    const double leak = p.sector_imports[at(p, 0, t, 1)] - m(1) * x(1);
    EXPECT_GT(leak, 0);
    EXPECT_NEAR((A * x)(1) + f(1), K + leak, 1e-9);
    // Free sectors import only their intermediate coefficients.
    EXPECT_NEAR(p.sector_imports[at(p, 0, t, 0)], m(0) * x(0), 1e-9);
    // The unconstrained solution would exceed capacity.
    io::LeontiefSystem sys(A);
    EXPECT_GT(sys.solve(f)(1), K * 1.01);
  }
}

TEST(Projection, CapacityGrowsWithTrendAndLeavesSlackSectorsFree) {
  auto L = base_scenario();
  L.scenario.growth.final_demand = {{"household", fixed(0.01)}};
  L.scenario.capacity.enabled = true;  // industrial sectors: M
  L.scenario.capacity.utilisation = 0.9;
  L.scenario.capacity.trend_growth = fixed(0.05);
  const Projection p = project(L);
  const double K0 = L.table.total_output()(1) / 0.9;
  for (std::size_t t = 0; t < 6; ++t)
    EXPECT_NEAR(p.sector_capacity[at(p, 0, t, 1)], K0 * std::pow(1.05, double(t)), 1e-9 * K0);
}

TEST(Projection, CertainFailureRemovesTheProgramme) {
  auto L = stochastic_scenario(5);
  L.scenario.exogenous_investment.clear();
  auto without = L;
  without.scenario.programmes.clear();
  L.scenario.programmes[0].failure_probability = 1.0;
  expect_identical(project(L), project(without));
}

TEST(Projection, CertainOneYearDelayShiftsEverythingByOneYear) {
  auto delayed = base_scenario();
  delayed.scenario.capacity.enabled = true;
  delayed.scenario.programmes.push_back(one_project(2021));
  delayed.scenario.programmes[0].delay_probability = 1.0;
  delayed.scenario.programmes[0].max_delay_years = 1;
  auto later = base_scenario();
  later.scenario.capacity.enabled = true;
  later.scenario.programmes.push_back(one_project(2022));
  const Projection a = project(delayed), b = project(later);
  expect_identical(a, b);
  // And the project did something: output of M in 2022 is above the base.
  EXPECT_GT(a.sector_output[at(a, 0, 2, 1)], a.sector_output[at(a, 0, 0, 1)] + 1);
  EXPECT_DOUBLE_EQ(a.sector_investment[at(a, 0, 1, 1)], 0);
}

TEST(Projection, LargestRemainderKeepsTheMoneyExact) {
  auto L = base_scenario();
  auto prog = one_project(2021);
  prog.projects = 3;
  prog.construction_years = 1;
  prog.split = {{"A", 0.5}, {"M", 0.45}, {"S", 0.05}};  // 1.5, 1.35, 0.15 -> 2, 1, 0 (+1)
  L.scenario.programmes.push_back(prog);
  const Projection p = project(L);
  EXPECT_NEAR(p.sector_investment[at(p, 0, 1, 0)], 50, 1e-12);
  EXPECT_NEAR(p.sector_investment[at(p, 0, 1, 1)], 45, 1e-12);
  EXPECT_NEAR(p.sector_investment[at(p, 0, 1, 2)], 5, 1e-12);
}

TEST(Projection, MonteCarloMeansMatchTheDistributions) {
  auto L = base_scenario();
  L.scenario.replications = 2000;
  L.scenario.price_growth.rate = Dist::normal(0.02, 0.01);
  L.scenario.growth.final_demand = {{"household", {Dist::normal(0.05, 0.02), 1.0, true}}};
  const Projection p = project(L);
  auto mean_sd = [&](const std::vector<double>& v, std::size_t t) {
    double s = 0, s2 = 0;
    const std::size_t Y = p.years.size();
    for (int r = 0; r < p.replications; ++r) {
      const double x = v[static_cast<std::size_t>(r) * Y + t];
      s += x;
      s2 += x * x;
    }
    const double R = p.replications, mean = s / R;
    return std::pair{mean, std::sqrt((s2 / R - mean * mean) * R / (R - 1))};
  };
  const auto [price_mean, price_sd] = mean_sd(p.price_index, 1);
  EXPECT_NEAR(price_sd, 0.01, 0.001);
  EXPECT_LT(std::abs(price_mean - 1.02), 4 * 0.01 / std::sqrt(2000.0));
  // GDP is linear in the demand index without capacity limits; growth and prices draw from
  // independent streams, so E[nominal GDP_t] = real GDP at the mean growth x E[P_t].
  auto det = base_scenario();
  det.scenario.growth.final_demand = {{"household", fixed(0.05)}};
  det.scenario.price_growth = fixed(0.02);
  const Projection d = project(det);
  for (std::size_t t : {1u, 3u, 5u}) {
    const auto [mean, sd] = mean_sd(p.gdp, t);
    EXPECT_GT(sd, 0);
    EXPECT_LT(std::abs(mean - d.gdp[t]), 4 * sd / std::sqrt(2000.0)) << "year " << p.years[t];
  }
}

TEST(Projection, BitIdenticalForAnyThreadCount) {
  const auto L = stochastic_scenario(64);
  RunOptions one, two, four;
  one.threads = 1;
  two.threads = 2;
  four.threads = 4;
  const Projection a = project(L, one);
  EXPECT_FALSE(std::isnan(a.sector_output.back()));
  expect_identical(a, project(L, two));
  expect_identical(a, project(L, four));
}

TEST(Projection, SeedDecidesTheDraws) {
  auto L = stochastic_scenario(8);
  const Projection a = project(L), b = project(L);
  expect_identical(a, b);
  L.scenario.seed += 1;
  const Projection c = project(L);
  EXPECT_NE(a.gdp, c.gdp);
  EXPECT_NE(a.price_index, c.price_index);
  // Replications differ from each other.
  EXPECT_NE(a.gdp[a.years.size() - 1], a.gdp[2 * a.years.size() - 1]);
}

TEST(Projection, ReplicationAloneEqualsItsPlaceInAFullRun) {
  const auto L = stochastic_scenario(12);
  const Projection full = project(L);
  RunOptions alone;
  alone.first_replication = 7;
  alone.replication_count = 1;
  const Projection one = project(L, alone);
  ASSERT_EQ(one.replications, 1);
  EXPECT_EQ(one.first_replication, 7);
  const std::size_t Y = full.years.size(), n = full.sectors.size();
  EXPECT_EQ(std::memcmp(one.sector_output.data(), full.sector_output.data() + 7 * Y * n,
                        Y * n * sizeof(double)),
            0);
  EXPECT_EQ(std::memcmp(one.sector_imports.data(), full.sector_imports.data() + 7 * Y * n,
                        Y * n * sizeof(double)),
            0);
  EXPECT_EQ(std::memcmp(one.gdp.data(), full.gdp.data() + 7 * Y, Y * sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(one.cluster_output.data(), full.cluster_output.data() + 7 * Y,
                        Y * sizeof(double)),
            0);
}

TEST(Projection, ProgressReportsTheEnd) {
  const auto L = stochastic_scenario(20);
  RunOptions o;
  o.threads = 2;
  std::vector<std::pair<int, int>> calls;
  o.progress = [&](int done, int total) { calls.push_back({done, total}); };
  project(L, o);
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back(), (std::pair{20, 20}));
  for (std::size_t k = 1; k < calls.size(); ++k) EXPECT_LE(calls[k - 1].first, calls[k].first);
}

TEST(Projection, GfcfBelowIndustrialInvestmentIsClippedWithANote) {
  auto L = base_scenario();
  L.scenario.investment.industrial_base = 1000;  // far above the table's GFCF of 185
  const Projection p = project(L);
  ASSERT_FALSE(p.notes.empty());
  test::expect_contains(p.notes[0], "GFCF of product");
}

TEST(Projection, BadReferencesAreInputErrors) {
  auto L = base_scenario();
  L.scenario.region.industrial_sectors = {"Q"};
  test::expect_contains(test::input_error_of([&] { project(L); }), "no sector 'Q'");
  L = base_scenario();
  L.scenario.growth.final_demand = {{"gfcf", fixed(0.1)}};
  test::expect_contains(test::input_error_of([&] { project(L); }), "GFCF column");
  L = base_scenario();
  L.scenario.growth.final_demand = {{"exports", fixed(0.1)}};
  test::expect_contains(test::input_error_of([&] { project(L); }), "'exports'");
  L = base_scenario();
  auto prog = one_project(2021);
  prog.split = {{"S/c9", 1.0}};
  L.scenario.programmes.push_back(prog);
  test::expect_contains(test::input_error_of([&] { project(L); }), "no cluster 'c9'");
}

TEST(Projection, SeriesSumsSelections) {
  auto L = base_scenario();
  L.scenario.replications = 2;
  const Projection p = project(L);
  const auto x0 = L.table.total_output();
  EXPECT_NEAR(p.series({"sectors/output", {"A", "S"}}, 1)[0], x0(0) + x0(2), 1e-9);
  EXPECT_NEAR(p.series({"sectors/output", {"*"}}, 0)[3], x0.sum(), 1e-9);
  EXPECT_NEAR(p.series({"clusters/output", {"S/*"}}, 0)[0], x0(1) + 0.5 * x0(2), 1e-9);
  EXPECT_DOUBLE_EQ(p.series({"region/price_index", {}}, 1)[5], 1.0);
  EXPECT_EQ(p.year_index(2023), 3u);
  EXPECT_THROW(p.year_index(2030), std::out_of_range);
  test::expect_contains(test::input_error_of([&] {
                          p.series({"region/nothing", {}}, 0);
                        }),
                        "unknown variable 'nothing'");
  test::expect_contains(test::input_error_of([&] {
                          p.series({"sectors/output", {"Z"}}, 0);
                        }),
                        "no sector 'Z'");
  test::expect_contains(test::input_error_of([&] {
                          p.series({"firms/count", {}}, 0);
                        }),
                        "expected region/<variable>");
}
