#include "icsim/abm/population.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <string>

#include "icsim/abm/districts.hpp"
#include "icsim/abm/mujun.hpp"
#include "icsim/io/table_format.hpp"
#include "support/checks.hpp"
#include "support/tables.hpp"

using namespace icsim;
using abm::FirmPopulation;
using abm::SynthesisSpec;

namespace {

// three_sector() with firms in M and S; districts_small.csv: M 0.75 / 0.25, S by land
// 100 : 300 -> 0.25 / 0.75. Threshold 10, 20 规上 firms, 规上 share 0.8, below-scale mean 2.
SynthesisSpec small_spec() {
  SynthesisSpec s;
  s.industrial_sectors = {"M", "S"};
  s.above_scale_threshold = 10;
  s.above_scale_firms = 20;
  s.above_scale_output_share = 0.8;
  s.below_scale_mean_output = 2;
  s.utilisation = 0.8;
  s.capital_per_capacity = 0.5;
  return s;
}

bool same(const FirmPopulation& a, const FirmPopulation& b) {
  return a.id == b.id && a.sector == b.sector && a.district == b.district && a.flags == b.flags &&
         a.output == b.output && a.capacity == b.capacity && a.capital == b.capital &&
         a.productivity == b.productivity && a.value_added_rate == b.value_added_rate &&
         a.tax_rate == b.tax_rate && a.labour_per_output == b.labour_per_output &&
         a.land == b.land && a.plot_ratio == b.plot_ratio;
}

struct Ningbo {
  io::IOTable table;
  std::vector<abm::District> districts;
  SynthesisSpec spec;
};

const Ningbo& ningbo() {
  static const Ningbo n = [] {
    Ningbo r;
    const std::string root = ICSIM_SOURCE_DIR;
    r.table = io::load_table(root + "/scenarios/data/tables/ningbo_2021_42");
    r.districts = abm::load_districts(root + "/scenarios/data/ningbo/districts.csv", r.table);
    r.spec.industrial_sectors = abm::china42_industrial_sectors();
    abm::apply_firm_calibration(root + "/scenarios/data/ningbo/firms.csv", r.spec);
    return r;
  }();
  return n;
}

}  // namespace

// Worked out by hand. Cell outputs: M d1 = 400 x 0.75 = 300, M d2 = 100, S d1 = 300 x 0.25 =
// 75, S d2 = 225 (industrial output 700). 规上 firms 20 x cell / 700 = 8.571, 2.857, 2.143,
// 6.429 -> floors 8, 2, 2, 6 (18) + the two largest remainders (M d2 .857, M d1 .571) ->
// 9, 3, 2, 6. Below-scale output 0.2 x cell = 60, 20, 15, 45 at mean 2 -> 30, 10, 8, 23 firms.
// 91 firms; every 规上 firm >= 10, every other < 10; 规上 share exactly 0.8.
TEST(Population, SmallCaseWorkedByHand) {
  const io::IOTable t = test::three_sector();
  const auto d = abm::load_districts(ICSIM_TEST_DATA "/abm/districts_small.csv", t);
  const SynthesisSpec spec = small_spec();
  const FirmPopulation p = abm::synthesise(t, d, spec, 7, 0);
  ASSERT_EQ(p.size(), 91u);
  std::size_t count[2][2][2] = {};  // sector M/S, district, above
  double out[2][2][2] = {};
  double land[2] = {}, emp[2] = {}, va[2] = {};
  for (std::size_t i = 0; i < p.size(); ++i) {
    const int s = p.sector[i] - 1;  // M = 1, S = 2
    ASSERT_TRUE(s == 0 || s == 1);
    const bool above = p.flags[i] & abm::kAboveScale;
    EXPECT_TRUE(p.flags[i] & abm::kActive);
    EXPECT_EQ(above, p.output[i] >= 10.0);
    EXPECT_GT(p.output[i], 0);
    ++count[s][p.district[i]][above];
    out[s][p.district[i]][above] += p.output[i];
    land[p.district[i]] += p.land[i];
    emp[s] += p.labour_per_output[i] * p.output[i];
    va[s] += p.value_added_rate[i] * p.output[i];
    EXPECT_DOUBLE_EQ(p.capacity[i], p.output[i] / 0.8);
    EXPECT_DOUBLE_EQ(p.capital[i], p.capacity[i] * 0.5);
    EXPECT_EQ(p.mujun_class[i], abm::MujunClass::unrated);
    EXPECT_EQ(p.id[i], i);
    EXPECT_GE(p.plot_ratio[i], 0.3f);
    EXPECT_LE(p.plot_ratio[i], 3.0f);
  }
  EXPECT_EQ(count[0][0][1], 9u);
  EXPECT_EQ(count[0][1][1], 3u);
  EXPECT_EQ(count[1][0][1], 2u);
  EXPECT_EQ(count[1][1][1], 6u);
  EXPECT_EQ(count[0][0][0], 30u);
  EXPECT_EQ(count[0][1][0], 10u);
  EXPECT_EQ(count[1][0][0], 8u);
  EXPECT_EQ(count[1][1][0], 23u);
  EXPECT_NEAR(out[0][0][1], 240, 1e-9);
  EXPECT_NEAR(out[0][0][0], 60, 1e-9);
  EXPECT_NEAR(out[0][1][1], 80, 1e-9);
  EXPECT_NEAR(out[1][0][0], 15, 1e-9);
  EXPECT_NEAR(out[1][1][1], 180, 1e-9);
  EXPECT_NEAR(land[0], 100, 1e-9);
  EXPECT_NEAR(land[1], 300, 1e-9);
  EXPECT_NEAR(emp[0], 3000, 3000 * 1e-6);
  EXPECT_NEAR(emp[1], 8000, 8000 * 1e-6);
  // Value added of M: 400 - Z column (40 + 120 + 60) - imports 80 = 100; of S: 300 - 75 - 20.
  EXPECT_NEAR(va[0], 100, 1e-4);
  EXPECT_NEAR(va[1], 205, 1e-4);

  const abm::PopulationCheck c = abm::check_base_year(p, t, d, spec);
  EXPECT_EQ(c.firms, 91u);
  EXPECT_EQ(c.above_scale_firms, 20u);
  EXPECT_NEAR(c.above_scale_output_share, 0.8, 1e-12);
  EXPECT_LT(c.max_output_error, 1e-12);
  EXPECT_LT(c.max_land_error, 1e-12);
  EXPECT_LT(c.max_value_added_error, 1e-6);
  EXPECT_LT(c.max_tax_error, 1e-6);
  EXPECT_LT(c.max_employment_error, 1e-6);
}

// Base year of the default Ningbo table with the shipped districts.csv and firms.csv.
// Tolerances: sector output 1e-9 relative (exact up to rounding), district land 1e-9, value
// added, taxes and employment 1e-6 (single-precision rates), 规上 count within 0.5 % of the
// calibration and 规上 output share within 0.002.
TEST(Population, NingboBaseYearReproduced) {
  const Ningbo& n = ningbo();
  const FirmPopulation p = abm::synthesise(n.table, n.districts, n.spec, 20240601, 0);
  const abm::PopulationCheck c = abm::check_base_year(p, n.table, n.districts, n.spec);
  EXPECT_LT(c.max_output_error, 1e-9);
  EXPECT_LT(c.max_land_error, 1e-9);
  EXPECT_LT(c.max_value_added_error, 1e-6);
  EXPECT_LT(c.max_tax_error, 1e-6);
  EXPECT_LT(c.max_employment_error, 1e-6);
  EXPECT_NEAR(static_cast<double>(c.above_scale_firms), 8350, 8350 * 0.005);
  EXPECT_NEAR(c.above_scale_output_share, 0.839047, 0.002);
  EXPECT_NEAR(c.industrial_land, 311558, 1.0);
  RecordProperty("firms", static_cast<int>(c.firms));
  std::printf("Ningbo 2021: %zu firms, %zu 规上 (target %.0f), 规上 share %.6f (target %.6f)\n",
              c.firms, c.above_scale_firms, c.above_scale_firms_target, c.above_scale_output_share,
              c.above_scale_output_share_target);
  std::printf("max rel. errors: output %.2e VA %.2e tax %.2e employment %.2e land %.2e\n",
              c.max_output_error, c.max_value_added_error, c.max_tax_error, c.max_employment_error,
              c.max_land_error);
}

// The 亩均 evaluation's population (scenarios/data/ningbo/SOURCES-firms.md, "亩均 evaluation"):
// 规上 firms plus below-scale firms with >= 3 mu, about 19,100 (target 2018 count taken for
// 2021, tolerance 10 %); firms below the rectification line (1 万元/亩 = 1e-4 亿) at least the
// 1,328 by which D-class firms fell in 2021 and at most a fifth of the evaluated. Renters (a
// share 1 - below_scale_land_holder_share of below-scale firms) hold no land.
TEST(Population, NingboEvaluatedPopulationAndLowTail) {
  const Ningbo& n = ningbo();
  const FirmPopulation p = abm::synthesise(n.table, n.districts, n.spec, 20240601, 0);
  const abm::MujunRules rules;  // min_land_below_scale 3, rectification_line 1e-4
  std::size_t evaluated = 0, below_scale_evaluated = 0, below_line = 0, below = 0, renters = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const bool above = p.flags[i] & abm::kAboveScale;
    below += !above;
    renters += !above && p.land[i] == 0.0;
    if (!abm::is_evaluated(p, i, rules)) continue;
    ++evaluated;
    below_scale_evaluated += !above;
    below_line += abm::tax_per_mu(p, i) < rules.rectification_line;
  }
  std::printf("evaluated %zu (below scale %zu), below the line %zu, renters %zu of %zu\n",
              evaluated, below_scale_evaluated, below_line, renters, below);
  EXPECT_NEAR(static_cast<double>(evaluated), 19100, 1910);
  EXPECT_GE(below_line, 1328u);
  EXPECT_LE(below_line, evaluated / 5);
  EXPECT_NEAR(static_cast<double>(renters) / static_cast<double>(below),
              1 - n.spec.below_scale_land_holder_share, 0.01);
}

// Below-scale land weights: factor 3 with everyone holding land and elasticity 1 triples the
// land per unit of output of below-scale firms against 规上 firms in expectation; checked on
// the district totals of the small case (land noise off, so it is exact).
TEST(Population, BelowScaleLandFactorSharesTheDistrictLand) {
  const io::IOTable t = test::three_sector();
  const auto d = abm::load_districts(ICSIM_TEST_DATA "/abm/districts_small.csv", t);
  SynthesisSpec spec = small_spec();
  spec.land_sigma = 0;
  spec.below_scale_land_factor = 3;
  const FirmPopulation p = abm::synthesise(t, d, spec, 7, 0);
  double land[2][2] = {}, out[2][2] = {};
  for (std::size_t i = 0; i < p.size(); ++i) {
    const bool above = p.flags[i] & abm::kAboveScale;
    land[p.district[i]][above] += p.land[i];
    out[p.district[i]][above] += p.output[i];
  }
  for (int k = 0; k < 2; ++k) {
    EXPECT_NEAR(land[k][0] / out[k][0], 3 * land[k][1] / out[k][1], 1e-9);
  }
  EXPECT_NEAR(land[0][0] + land[0][1], 100, 1e-9);
  EXPECT_NEAR(land[1][0] + land[1][1], 300, 1e-9);
}

TEST(Population, DeterministicAndReplicationsDiffer) {
  const Ningbo& n = ningbo();
  const FirmPopulation a = abm::synthesise(n.table, n.districts, n.spec, 11, 3);
  const FirmPopulation b = abm::synthesise(n.table, n.districts, n.spec, 11, 3);
  EXPECT_TRUE(same(a, b));
  const FirmPopulation r = abm::synthesise(n.table, n.districts, n.spec, 11, 4);
  ASSERT_EQ(r.size(), a.size());  // counts are not random, sizes are
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differ += a.output[i] != r.output[i];
  EXPECT_GT(differ, a.size() * 9 / 10);
  const FirmPopulation s = abm::synthesise(n.table, n.districts, n.spec, 12, 3);
  EXPECT_FALSE(same(a, s));
}

TEST(Population, ThreadInvariant) {
  const Ningbo& n = ningbo();
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const FirmPopulation one = abm::synthesise(n.table, n.districts, n.spec, 5, 1);
  omp_set_num_threads(3);
  const FirmPopulation three = abm::synthesise(n.table, n.districts, n.spec, 5, 1);
  omp_set_num_threads(before);
  EXPECT_TRUE(same(one, three));
}

TEST(Population, BadSpecIsAnInputError) {
  const io::IOTable t = test::three_sector();
  const auto d = abm::load_districts(ICSIM_TEST_DATA "/abm/districts_small.csv", t);
  SynthesisSpec s = small_spec();
  s.industrial_sectors = {"M", "Q"};
  test::expect_contains(test::input_error_of([&] { abm::synthesise(t, d, s, 1, 0); }),
                        "industrial sector 'Q' is not a sector");
  s = small_spec();
  s.below_scale_mean_output = 12;
  test::expect_contains(test::input_error_of([&] { abm::synthesise(t, d, s, 1, 0); }),
                        "below_scale_mean_output must be in (0, threshold)");
  s = small_spec();
  s.land_intensity = {1.0};
  test::expect_contains(test::input_error_of([&] { abm::synthesise(t, d, s, 1, 0); }),
                        "land_intensity has 1 values; expected one per industrial sector (2)");
  s = small_spec();
  s.below_scale_land_holder_share = 0;
  test::expect_contains(test::input_error_of([&] { abm::synthesise(t, d, s, 1, 0); }),
                        "below_scale_land_holder_share must be in (0, 1], got 0");
  s = small_spec();
  s.below_scale_land_elasticity = 3;
  test::expect_contains(test::input_error_of([&] { abm::synthesise(t, d, s, 1, 0); }),
                        "below_scale_land_elasticity must be in [0, 2], got 3");
}
