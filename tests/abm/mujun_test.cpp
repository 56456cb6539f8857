#include "icsim/abm/mujun.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>

#include "icsim/abm/land.hpp"
#include "icsim/common/error.hpp"

using namespace icsim;
using abm::FirmPopulation;
using abm::MujunClass;
using abm::MujunRules;

namespace {

constexpr MujunClass A = MujunClass::A, B = MujunClass::B, C = MujunClass::C, D = MujunClass::D,
                     U = MujunClass::unrated;

// Eight above-scale firms in district 0, 10 mu each, tax rate 5 %, output (亿元)
//   0.8 0.4 0.4 0.6 0.02 0.4 1.0 0.1
// so tax per mu (万元/亩) = 0.05 × output / 10 × 1e4 =
//   40  20  20  30  1    20  50  5
// Rank (tax per mu only; ties by id): 6, 0, 3, 1, 2, 5, 7, 4. Percentile with n = 8: k-th is A
// if k/8 <= .25 (k <= 2), B if <= .70 (k <= 5), C if <= .95 (k <= 7), else D: the tie at 20
// straddles the B/C boundary and firm 5 (the highest id of the three) falls to C.
FirmPopulation eight_firms() {
  FirmPopulation f;
  f.resize(8);
  const double out[8] = {0.8, 0.4, 0.4, 0.6, 0.02, 0.4, 1.0, 0.1};
  for (std::size_t i = 0; i < 8; ++i) {
    f.flags[i] = abm::kActive | abm::kAboveScale;
    f.output[i] = out[i];
    f.capacity[i] = out[i];
    f.tax_rate[i] = 0.05f;
    f.value_added_rate[i] = 0.25f;
    f.labour_per_output[i] = 50.0f;
    f.energy_per_output[i] = 1000.0f;
    f.land[i] = 10.0;
  }
  return f;
}

MujunRules tax_only() {
  MujunRules r;
  r.weights = {1, 0, 0, 0};
  return r;
}

std::vector<MujunClass> classes(const FirmPopulation& f) { return f.mujun_class; }

}  // namespace

TEST(Mujun, PercentileClassesOfEightFirmsWithTiesBrokenById) {
  auto f = eight_firms();
  const auto s = abm::evaluate(f, tax_only());
  EXPECT_EQ(classes(f), (std::vector<MujunClass>{A, B, B, B, D, C, A, C}));
  EXPECT_EQ(s.evaluated, 8u);
  EXPECT_EQ(s.count[1], 2u);
  EXPECT_EQ(s.count[2], 3u);
  EXPECT_EQ(s.count[3], 2u);
  EXPECT_EQ(s.count[4], 1u);
  EXPECT_NEAR(s.tax_per_mu(), static_cast<double>(0.05f) * 3.72 / 80, 1e-15);
  // Ties go by id, not by storage position: reverse the ids and firm 1 (now the highest id of
  // the three at 20 万) falls to C instead of firm 5.
  for (std::size_t i = 0; i < 8; ++i) f.id[i] = static_cast<std::uint32_t>(100 - i);
  abm::evaluate(f, tax_only());
  EXPECT_EQ(classes(f), (std::vector<MujunClass>{A, C, B, B, D, B, A, C}));
}

TEST(Mujun, ThresholdClassesOfEightFirms) {
  // Score = 100 × min(tax per mu / benchmark, 2), benchmark = Σ tax / Σ land = 23.25 万/亩:
  //   172.0 86.0 86.0 129.0 4.3 86.0 200 (capped) 21.5
  auto f = eight_firms();
  MujunRules r = tax_only();
  r.method = abm::MujunMethod::thresholds;
  std::vector<double> score;
  abm::evaluate(f, r, &score);
  EXPECT_NEAR(score[0], 100 * 40 / 23.25, 1e-9);
  EXPECT_NEAR(score[4], 100 * 1 / 23.25, 1e-9);
  EXPECT_DOUBLE_EQ(score[6], 200.0);
  // Defaults 120 / 80 / 50.
  EXPECT_EQ(classes(f), (std::vector<MujunClass>{A, B, B, A, D, B, A, D}));
  r.a_min_score = 150;
  r.b_min_score = 100;
  r.c_min_score = 20;
  abm::evaluate(f, r);
  EXPECT_EQ(classes(f), (std::vector<MujunClass>{A, C, C, B, D, C, A, C}));
}

TEST(Mujun, DefaultWeightsScoreWorkedByHand) {
  // a: 10 mu, output 1, tax 5 %, VA 25 %, 1000 tce/亿, 50 persons/亿.
  // b: the same with output 3 and 3000 tce/亿.
  // Benchmarks: tax/mu 0.2/20 = .01, sales/mu 4/20 = .2, energy/VA 10000/1 = 10000,
  // VA/labour 1/200 = .005. Ratios a: .5 .5 min(10000/4000, 2) = 2, 1; b: 1.5 1.5 10000/12000, 1.
  // Weights 45 20 15 5 (R&D dropped), sum 85.
  FirmPopulation f;
  f.resize(2);
  for (std::size_t i = 0; i < 2; ++i) {
    f.flags[i] = abm::kActive | abm::kAboveScale;
    f.output[i] = i == 0 ? 1.0 : 3.0;
    f.tax_rate[i] = 0.05f;
    f.value_added_rate[i] = 0.25f;
    f.energy_per_output[i] = i == 0 ? 1000.0f : 3000.0f;
    f.labour_per_output[i] = 50.0f;
    f.land[i] = 10.0;
  }
  std::vector<double> score;
  abm::evaluate(f, MujunRules{}, &score);
  EXPECT_NEAR(score[0], 100 * (45 * .5 + 20 * .5 + 15 * 2 + 5 * 1) / 85.0, 1e-5);
  EXPECT_NEAR(score[1], 100 * (45 * 1.5 + 20 * 1.5 + 15 * (10000.0 / 12000) + 5 * 1) / 85.0, 1e-5);
}

TEST(Mujun, WhoIsEvaluated) {
  FirmPopulation f;
  f.resize(6);
  for (std::size_t i = 0; i < 6; ++i) {
    f.output[i] = 1;
    f.tax_rate[i] = 0.05f;
    f.land[i] = 5;
    f.flags[i] = abm::kActive;  // below scale
    f.years_in_d[i] = 3;
  }
  f.flags[0] |= abm::kAboveScale;                            // 规上 on 5 mu: evaluated
  f.land[1] = 2.9;                                           // below scale, < 3 mu: not
  f.land[2] = 3.0;                                           // below scale, 3 mu: evaluated
  f.flags[3] = abm::kAboveScale;                             // exited: not
  f.flags[4] |= abm::kAboveScale | abm::kUnderConstruction;  // not built: not
  f.flags[5] |= abm::kAboveScale;
  f.land[5] = 0;  // no land: not
  const auto s = abm::evaluate(f, MujunRules{});
  EXPECT_EQ(s.evaluated, 2u);
  EXPECT_NE(f.mujun_class[0], U);
  EXPECT_NE(f.mujun_class[2], U);
  for (std::size_t i : {1, 3, 4, 5}) {
    EXPECT_EQ(f.mujun_class[i], U) << i;
    EXPECT_EQ(f.years_in_d[i], 0) << i;
  }
}

TEST(Mujun, DistrictScopeRanksEachDistrictApart) {
  // Districts 0 and 1, four firms each; district 1's firms all pay more per mu. n = 4 per
  // district: k <= 1 A, k <= 2.8 B, k <= 3.8 C, else D.
  auto f = eight_firms();
  const double out[8] = {0.1, 0.2, 0.3, 0.4, 1.1, 1.2, 1.3, 1.4};
  for (std::size_t i = 0; i < 8; ++i) {
    f.output[i] = out[i];
    f.district[i] = i < 4 ? 0 : 1;
  }
  abm::evaluate(f, tax_only());
  EXPECT_EQ(classes(f), (std::vector<MujunClass>{D, C, B, A, D, C, B, A}));
  MujunRules r = tax_only();
  r.scope = abm::MujunScope::region;  // one ranking of 8: 7 6 | 5 4 3 | 2 1 | 0
  abm::evaluate(f, r);
  EXPECT_EQ(classes(f), (std::vector<MujunClass>{D, C, C, B, B, B, A, A}));
}

TEST(Mujun, SurchargeEscalatesWithConsecutiveDYears) {
  auto f = eight_firms();
  MujunRules r = tax_only();
  r.c_surcharge = 0.02;
  // Firm 4 is D every year: years_in_d 1, 2, 3, 4 → 0.05, 0.10, 0.15, 0.15 元/kWh.
  // Its electricity: 1000 tce/亿 × 0.02 亿 × 0.27 × 8136.7 kWh/tce = 43,938 kWh.
  const double kwh = 1000.0 * 0.02 * 0.27 / 0.0001229;
  const double expected_rate[4] = {0.05, 0.10, 0.15, 0.15};
  for (int year = 0; year < 4; ++year) {
    abm::evaluate(f, r);
    ASSERT_EQ(f.mujun_class[4], D);
    EXPECT_EQ(f.years_in_d[4], year + 1);
    EXPECT_DOUBLE_EQ(abm::surcharge_rate(r, D, f.years_in_d[4]), expected_rate[year]);
    EXPECT_NEAR(abm::surcharge(f, 4, r), expected_rate[year] * kwh * 1e-8, 1e-15);
  }
  // C firms pay the flat C rate; A and B nothing.
  std::vector<double> all;
  abm::surcharges(f, r, all);
  EXPECT_NEAR(all[5], 0.02 * 1000.0 * 0.4 * 0.27 / 0.0001229 * 1e-8, 1e-15);
  EXPECT_EQ(all[0], 0.0);
  EXPECT_EQ(all[1], 0.0);
  // Firm 4 leaves D: the count resets and the surcharge stops.
  f.output[4] = 2.0;
  abm::evaluate(f, r);
  EXPECT_NE(f.mujun_class[4], D);
  EXPECT_EQ(f.years_in_d[4], 0);
  // Saturates at 255 consecutive years instead of wrapping.
  f.output[4] = 0.02;
  f.years_in_d[4] = 255;
  abm::evaluate(f, r);
  EXPECT_EQ(f.years_in_d[4], 255);
}

TEST(Mujun, NoFirmBelowTheLineMeansNoRectification) {
  auto f = eight_firms();  // lowest tax per mu: 1 万元 exactly, not below the line
  abm::evaluate(f, MujunRules{});
  const auto before = f;
  const auto r = abm::rectify(f, MujunRules{}, 7, 0, 2025, 1);
  EXPECT_EQ(r.rectified(), 0u);
  EXPECT_EQ(r.land_released, std::vector<double>{0.0});
  EXPECT_EQ(f.output, before.output);
  EXPECT_EQ(f.land, before.land);
  EXPECT_EQ(f.flags, before.flags);
}

TEST(Mujun, UpgradeProbabilityOneMeansNoExits) {
  auto f = eight_firms();
  f.output[4] = 0.01;   // 0.5 万元/亩
  f.output[7] = 0.019;  // 0.95 万元/亩
  MujunRules rules;
  rules.upgrade_probability = 1.0;
  abm::evaluate(f, rules);
  const auto r = abm::rectify(f, rules, 7, 3, 2025, 1);
  EXPECT_EQ(r.upgraded, (std::vector<std::uint32_t>{4, 7}));
  EXPECT_TRUE(r.exited.empty());
  EXPECT_EQ(r.land_released, std::vector<double>{0.0});
  EXPECT_FLOAT_EQ(f.productivity[4], 1.1f);
  EXPECT_FLOAT_EQ(f.tax_rate[7], 0.055f);
  EXPECT_NEAR(f.capacity[4], 0.02 * 1.1, 1e-7);
  EXPECT_TRUE(f.flags[4] & abm::kActive);
  EXPECT_FLOAT_EQ(f.productivity[0], 1.0f);  // above the line: untouched
  // Land handed back on upgrading is released too.
  rules.upgrade_land_return_share = 0.2;
  f.tax_rate[4] = 0.05f;
  abm::evaluate(f, rules);
  const auto r2 = abm::rectify(f, rules, 7, 3, 2026, 1);
  // Firm 7's 10 % tax uplift took it to 1.045 万元/亩, above the line: only firm 4 is left.
  EXPECT_EQ(r2.upgraded, (std::vector<std::uint32_t>{4}));
  EXPECT_NEAR(r2.land_released[0], 2.0, 1e-12);
  EXPECT_NEAR(f.land[4], 8.0, 1e-12);
}

TEST(Mujun, UpgradeProbabilityZeroExitsAllAndLandArrivesAfterTheLag) {
  auto f = eight_firms();
  for (std::size_t i = 0; i < 8; ++i) f.district[i] = i % 2;
  f.output[4] = 0.01;   // district 0, 10 mu
  f.output[7] = 0.019;  // district 1, 10 mu
  f.land[7] = 12;       // 0.79 万元/亩
  MujunRules rules;
  rules.upgrade_probability = 0.0;
  abm::evaluate(f, rules);
  const auto r = abm::rectify(f, rules, 7, 0, 2025, 2);
  EXPECT_TRUE(r.upgraded.empty());
  EXPECT_EQ(r.exited, (std::vector<std::uint32_t>{4, 7}));
  EXPECT_EQ(r.land_released, (std::vector<double>{10.0, 12.0}));
  for (std::size_t i : {4, 7}) {
    EXPECT_FALSE(f.flags[i] & abm::kActive);
    EXPECT_EQ(f.output[i], 0.0);
    EXPECT_EQ(f.capacity[i], 0.0);
    EXPECT_EQ(f.land[i], 0.0);
  }
  // Exited firms are no longer evaluated.
  EXPECT_EQ(abm::evaluate(f, rules).evaluated, 6u);

  abm::LandRules lr;
  lr.redevelopment_lag = 3;
  abm::LandMarket market({{40, 5, 0, 0}, {42, 0, 0, 0}}, lr);
  market.release(r.land_released, 2025);
  EXPECT_DOUBLE_EQ(market.in_use(0), 30.0);
  EXPECT_DOUBLE_EQ(market.pending_redevelopment(1), 12.0);
  for (int year = 2025; year < 2028; ++year) {
    market.step(year);
    EXPECT_DOUBLE_EQ(market.available(0), 5.0) << year;
    EXPECT_DOUBLE_EQ(market.available(1), 0.0) << year;
  }
  market.step(2028);
  EXPECT_DOUBLE_EQ(market.available(0), 15.0);
  EXPECT_DOUBLE_EQ(market.available(1), 12.0);
  EXPECT_DOUBLE_EQ(market.pending_redevelopment(0), 0.0);
}

TEST(Mujun, OnlyClassDOptionRectifiesDFirmsOnly) {
  auto f = eight_firms();
  f.output[4] = 0.01;
  f.output[7] = 0.019;  // C, below the line
  MujunRules rules = tax_only();
  rules.upgrade_probability = 1.0;
  rules.rectify_only_class_d = true;
  abm::evaluate(f, rules);
  ASSERT_EQ(f.mujun_class[7], C);
  EXPECT_EQ(abm::rectify(f, rules, 1, 0, 2025, 1).upgraded, std::vector<std::uint32_t>{4});
}

TEST(Mujun, DistrictScaleScopeRanksAboveAndBelowScaleApart) {
  // One district; firms 4-7 below scale, so two groups of four (cuts at k = 1, 2, 3: A, B, C,
  // D). Tax per mu (万元/亩): 规上 0-3 40 20 20 30 -> 0 A, 3 B, 1 C (the lower id of the tie),
  // 2 D; below scale 4-7 1 20 50 5 -> 6 A, 5 B, 7 C, 4 D.
  auto f = eight_firms();
  for (std::size_t i = 4; i < 8; ++i) f.flags[i] = abm::kActive;
  MujunRules r = tax_only();
  r.scope = abm::MujunScope::district_scale;
  const auto s = abm::evaluate(f, r);
  EXPECT_EQ(s.evaluated, 8u);
  EXPECT_EQ(classes(f), (std::vector<MujunClass>{A, C, D, B, D, B, A, C}));
}

TEST(Mujun, BelowLineIsDAndClassDIsRectifiedAtTheRate) {
  // Tax per mu 40 20 20 30 1 20 50 5 (万元/亩); the line at 6 万元/亩 puts firms 4 and 7 below.
  auto f = eight_firms();
  MujunRules r = tax_only();
  r.rectification_line = 6e-4;
  r.d_below_line = true;
  abm::evaluate(f, r);
  EXPECT_EQ(classes(f), (std::vector<MujunClass>{A, B, B, B, D, C, A, D}));
  // Rate 0: nobody is taken on; rate 1 with rectify_class_d: the D firms (4, 7); the same with
  // rectify_class_d and a line of 0, as both are D by rank or by the line.
  r.rectification_rate = 0.0;
  auto g = f;
  EXPECT_EQ(abm::rectify(g, r, 1, 0, 2025, 1).rectified(), 0u);
  r.rectification_rate = 1.0;
  r.rectify_class_d = true;
  r.upgrade_probability = 1.0;
  g = f;
  EXPECT_EQ(abm::rectify(g, r, 1, 0, 2025, 1).upgraded, (std::vector<std::uint32_t>{4, 7}));
  // A rate r takes on the firms with u < r, and upgrades those with u < r × p: as the draws
  // are the same, raising the rate never takes on fewer.
  std::size_t previous = 0;
  for (double rate : {0.1, 0.3, 0.6, 0.9}) {
    r.rectification_rate = rate;
    r.upgrade_probability = 0.5;
    g = f;
    const auto res = abm::rectify(g, r, 7, 3, 2026, 1);
    EXPECT_GE(res.rectified(), previous) << rate;
    previous = res.rectified();
    for (auto i : res.upgraded) {
      const double u = keyed_uniform(7, 3, abm::draws::rectification, 2026, f.id[i]);
      EXPECT_LT(u, rate * 0.5);
    }
    for (auto i : res.exited) {
      const double u = keyed_uniform(7, 3, abm::draws::rectification, 2026, f.id[i]);
      EXPECT_GE(u, rate * 0.5);
      EXPECT_LT(u, rate);
    }
  }
  EXPECT_FALSE(abm::problems(MujunRules{.rectification_rate = 1.5}).empty());
}

TEST(Mujun, HigherLineNeverRectifiesFewer) {
  std::mt19937_64 gen(42);
  std::lognormal_distribution<double> size(-3.0, 1.5);
  FirmPopulation base;
  base.resize(2000);
  for (std::size_t i = 0; i < base.size(); ++i) {
    base.flags[i] = abm::kActive | abm::kAboveScale;
    base.output[i] = size(gen);
    base.capacity[i] = base.output[i];
    base.tax_rate[i] = 0.04f;
    base.value_added_rate[i] = 0.25f;
    base.labour_per_output[i] = 40.0f;
    base.energy_per_output[i] = 800.0f;
    base.land[i] = 5.0 + 20.0 * std::generate_canonical<double, 53>(gen);
    base.district[i] = static_cast<std::uint16_t>(i % 5);
  }
  std::size_t previous = 0, previous_exits = 0;
  for (double line_wan : {0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0, 1e9}) {
    auto f = base;
    MujunRules rules;
    rules.rectification_line = line_wan * 1e-4;
    abm::evaluate(f, rules);
    const auto r = abm::rectify(f, rules, 11, 2, 2030, 5);
    EXPECT_GE(r.rectified(), previous) << line_wan;
    EXPECT_GE(r.exited.size(), previous_exits) << line_wan;  // same draws per firm
    previous = r.rectified();
    previous_exits = r.exited.size();
    const double released = std::accumulate(r.land_released.begin(), r.land_released.end(), 0.0);
    double exit_land = 0;
    for (auto i : r.exited) exit_land += base.land[i];
    EXPECT_NEAR(released, exit_land, 1e-9 * (1 + exit_land));
  }
  EXPECT_EQ(previous, 2000u);  // a line of 10^9 万元/亩 is above every firm
}

TEST(Mujun, DrawsDependOnFirmIdNotStorageOrder) {
  // The upgrade draw is keyed by (seed, replication, year, firm id): shuffling the storage
  // order (as a parallel or re-sorted population would) exits the same firms.
  FirmPopulation f;
  f.resize(1000);
  for (std::size_t i = 0; i < f.size(); ++i) {
    f.flags[i] = abm::kActive | abm::kAboveScale;
    f.output[i] = 0.015 * static_cast<double>(i % 7);  // 0.75 万元/亩 per step of i % 7
    f.tax_rate[i] = 0.05f;
    f.land[i] = 10;
  }
  auto shuffled = f;
  std::vector<std::size_t> perm(f.size());
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), std::mt19937(5));
  for (std::size_t k = 0; k < f.size(); ++k) {
    shuffled.id[k] = f.id[perm[k]];
    shuffled.output[k] = f.output[perm[k]];
  }
  MujunRules rules;
  abm::evaluate(f, rules);
  abm::evaluate(shuffled, rules);
  const auto a = abm::rectify(f, rules, 99, 4, 2027, 1);
  const auto b = abm::rectify(shuffled, rules, 99, 4, 2027, 1);
  auto ids = [](const FirmPopulation& p, const std::vector<std::uint32_t>& idx) {
    std::vector<std::uint32_t> out;
    for (auto i : idx) out.push_back(p.id[i]);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(ids(f, a.exited), ids(shuffled, b.exited));
  EXPECT_EQ(ids(f, a.upgraded), ids(shuffled, b.upgraded));
  // The classes too are keyed by id, not position.
  for (std::size_t k = 0; k < f.size(); ++k)
    EXPECT_EQ(shuffled.mujun_class[k], f.mujun_class[perm[k]]);
  // Below the line: i % 7 in {0, 1} (0 and 0.75 万元/亩), 286 firms; about half upgrade at the
  // default probability 0.5.
  const double share = static_cast<double>(a.upgraded.size()) / static_cast<double>(a.rectified());
  EXPECT_EQ(a.rectified(), 286u);
  EXPECT_NEAR(share, 0.5, 0.1);
  // Another replication draws differently.
  auto g = f;
  const auto c = abm::rectify(g, rules, 99, 5, 2027, 1);
  EXPECT_NE(c.exited, a.exited);
}

TEST(Mujun, RejectsBadRules) {
  MujunRules r;
  r.b_share = 0.2;  // below a_share
  EXPECT_THROW(abm::validate(r), InputError);
  r = MujunRules{};
  r.upgrade_probability = 1.5;
  EXPECT_THROW(abm::validate(r), InputError);
  r = MujunRules{};
  r.weights = {0, 0, 0, 0};
  EXPECT_THROW(abm::validate(r), InputError);
  r = MujunRules{};
  r.electricity_share = -0.1;
  try {
    abm::validate(r);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("mujun.electricity_share"), std::string::npos);
  }
  EXPECT_NO_THROW(abm::validate(MujunRules{}));
}
