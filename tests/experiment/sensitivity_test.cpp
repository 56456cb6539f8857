// Morris and Sobol indices on functions whose indices are known (experiment/sensitivity.hpp).
#include "icsim/experiment/sensitivity.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <set>

namespace icsim::experiment {
namespace {

std::vector<scenario::ParameterRange> ranges_of(
    const std::vector<std::pair<double, double>>& bounds) {
  std::vector<scenario::ParameterRange> out;
  for (const auto& [low, high] : bounds) {
    scenario::ParameterRange r;
    r.key = "p" + std::to_string(out.size());
    r.low = low;
    r.high = high;
    out.push_back(r);
  }
  return out;
}

template <class F>
std::vector<double> evaluate(const std::vector<double>& scaled, std::size_t columns, F f) {
  std::vector<double> out;
  for (std::size_t r = 0; r < scaled.size() / columns; ++r) out.push_back(f(&scaled[r * columns]));
  return out;
}

TEST(MorrisDesign, TrajectoriesMoveEveryParameterOnceByDeltaOnTheGrid) {
  const MorrisDesign d = morris_design(5, 8, 4, 42);
  EXPECT_DOUBLE_EQ(d.delta, 2.0 / 3.0);
  ASSERT_EQ(d.rows(), 8u * 6u);
  for (int t = 0; t < 8; ++t) {
    std::set<int> moved;
    for (int k = 0; k < 5; ++k) {
      const std::size_t a = static_cast<std::size_t>(t * 6 + k), b = a + 1;
      const int i = d.moved[static_cast<std::size_t>(t * 5 + k)];
      moved.insert(i);
      for (int j = 0; j < 5; ++j) {
        const double before = d.points[a * 5 + static_cast<std::size_t>(j)];
        const double after = d.points[b * 5 + static_cast<std::size_t>(j)];
        EXPECT_GE(after, 0.0);
        EXPECT_LE(after, 1.0);
        // On the grid 0, 1/3, 2/3, 1.
        EXPECT_NEAR(after * 3, std::round(after * 3), 1e-12);
        if (j == i)
          EXPECT_NEAR(std::abs(after - before), 2.0 / 3.0, 1e-12);
        else
          EXPECT_EQ(after, before);
      }
    }
    EXPECT_EQ(moved.size(), 5u);
  }
  // Deterministic in the seed, different for another.
  EXPECT_EQ(morris_design(5, 8, 4, 42).points, d.points);
  EXPECT_NE(morris_design(5, 8, 4, 43).points, d.points);
  EXPECT_THROW(morris_design(5, 8, 3, 42), std::invalid_argument);
  EXPECT_THROW(morris_design(5, 1, 4, 42), std::invalid_argument);
}

TEST(MorrisIndices, LinearFunctionHasEffectCoefficientTimesRangeAndNoSpread) {
  // y = 3 a - 2 b + 0 c + 0.5 d over ranges of different widths: every elementary effect of a
  // parameter is its coefficient times its range (output change over the whole range).
  const auto ranges = ranges_of({{0, 2}, {10, 15}, {-1, 1}, {100, 300}});
  const double c[] = {3, -2, 0, 0.5};
  const MorrisDesign d = morris_design(4, 10, 6, 7);
  const std::vector<double> x = scaled_design(d.points, ranges);
  const auto y = evaluate(
      x, 4, [&](const double* p) { return c[0] * p[0] + c[1] * p[1] + c[2] * p[2] + c[3] * p[3]; });
  const MorrisIndices m = morris_indices(d, x, ranges, y);
  for (std::size_t i = 0; i < 4; ++i) {
    const double effect = c[i] * (ranges[i].high - ranges[i].low);
    EXPECT_NEAR(m.mu_star[i], std::abs(effect), 1e-9) << i;
    EXPECT_NEAR(m.mu[i], effect, 1e-9) << i;
    EXPECT_NEAR(m.sigma[i], 0.0, 1e-9) << i;
    EXPECT_EQ(m.effects[i], 10);
  }
}

TEST(MorrisIndices, InteractionShowsAsSpreadAndNaNValuesDropTheirEffects) {
  // y = a b on [0, 1]^2: the effect of a is b, which varies along the paths (sigma > 0).
  const auto ranges = ranges_of({{0, 1}, {0, 1}, {0, 1}});
  const MorrisDesign d = morris_design(3, 20, 4, 11);
  const std::vector<double> x = scaled_design(d.points, ranges);
  auto y = evaluate(x, 3, [](const double* p) { return p[0] * p[1]; });
  MorrisIndices m = morris_indices(d, x, ranges, y);
  EXPECT_GT(m.sigma[0], 0.1);
  EXPECT_GT(m.mu_star[0], 0.1);
  EXPECT_EQ(m.mu_star[2], 0.0);
  // Mean effect of a is the mean of b over the rows where a moved: between 0 and 1.
  EXPECT_GT(m.mu[0], 0.0);
  EXPECT_LT(m.mu[0], 1.0);
  y[0] = std::nan("");  // the first row enters one effect (its trajectory's first step)
  m = morris_indices(d, x, ranges, y);
  EXPECT_EQ(m.effects[static_cast<std::size_t>(d.moved[0])], 19);
}

TEST(MorrisIndices, RoundedIntegerParametersAreDividedByTheChangeMade) {
  // An integer parameter over [0, 3] with 4 levels moves by 2 (Delta = 2/3 of 3): y = 5 n has
  // effect 15 over the range.
  auto ranges = ranges_of({{0, 3}, {0, 1}});
  ranges[0].integer = true;
  const MorrisDesign d = morris_design(2, 6, 4, 3);
  const std::vector<double> x = scaled_design(d.points, ranges);
  for (std::size_t r = 0; r < d.rows(); ++r) EXPECT_EQ(x[r * 2], std::round(x[r * 2]));
  const auto y = evaluate(x, 2, [](const double* p) { return 5 * p[0] + p[1]; });
  const MorrisIndices m = morris_indices(d, x, ranges, y);
  EXPECT_NEAR(m.mu_star[0], 15.0, 1e-9);
  EXPECT_NEAR(m.sigma[0], 0.0, 1e-9);
}

// The Ishigami function (a = 7, b = 0.1) on [-pi, pi]^3, whose Sobol indices are known in closed
// form: S1 = 0.3139, 0.4424, 0 and ST = 0.5576, 0.4424, 0.2437.
TEST(SobolIndices, IshigamiAnalyticIndicesLieInsideTheBootstrapIntervals) {
  const double pi = std::numbers::pi;
  const auto ranges = ranges_of({{-pi, pi}, {-pi, pi}, {-pi, pi}});
  const int N = 4000;
  const std::vector<double> unit = sobol_design(3, N, 2024);
  ASSERT_EQ(unit.size(), static_cast<std::size_t>(5 * N * 3));
  EXPECT_EQ(sobol_design(3, N, 2024), unit);  // deterministic in the seed
  const std::vector<double> x = scaled_design(unit, ranges);
  const auto y = evaluate(x, 3, [](const double* p) {
    return std::sin(p[0]) + 7 * std::pow(std::sin(p[1]), 2) +
           0.1 * std::pow(p[2], 4) * std::sin(p[0]);
  });
  const double s1[] = {0.3139, 0.4424, 0.0};
  const double st[] = {0.5576, 0.4424, 0.2437};
  for (const auto estimator : {SobolEstimator::saltelli, SobolEstimator::jansen,
                               SobolEstimator::mauntz_kucherenko, SobolEstimator::martinez}) {
    SobolSettings settings;
    settings.estimator = estimator;
    settings.bootstrap = 200;
    settings.seed = 5;
    const SobolIndices s = sobol_indices(3, N, unit, y, settings);
    EXPECT_FALSE(s.constant);
    for (std::size_t i = 0; i < 3; ++i) {
      SCOPED_TRACE(to_string(estimator) + " parameter " + std::to_string(i));
      EXPECT_LE(s.first_low[i], s1[i]);
      EXPECT_GE(s.first_high[i], s1[i]);
      EXPECT_LE(s.total_low[i], st[i]);
      EXPECT_GE(s.total_high[i], st[i]);
      EXPECT_LE(s.first_low[i], s.first[i]);
      EXPECT_GE(s.first_high[i], s.first[i]);
      // and the intervals say something: narrower than 0.2
      EXPECT_LT(s.first_high[i] - s.first_low[i], 0.2);
      EXPECT_LT(s.total_high[i] - s.total_low[i], 0.2);
    }
    // Same seed, same numbers.
    EXPECT_EQ(sobol_indices(3, N, unit, y, settings).first_low, s.first_low);
  }
}

TEST(SobolIndices, ConstantOutputHasNoIndicesAndBadInputIsRefused) {
  const std::vector<double> unit = sobol_design(2, 8, 1);
  const std::vector<double> zeros(unit.size() / 2, 0.0);
  const SobolIndices s = sobol_indices(2, 8, unit, zeros, {});
  EXPECT_TRUE(s.constant);
  EXPECT_TRUE(std::isnan(s.first[0]));
  EXPECT_THROW(sobol_indices(2, 8, unit, std::vector<double>(3, 0.0), {}), std::invalid_argument);
  auto bad = zeros;
  bad[1] = std::nan("");
  EXPECT_THROW(sobol_indices(2, 8, unit, bad, {}), std::invalid_argument);
  EXPECT_EQ(sobol_estimator("martinez"), SobolEstimator::martinez);
  EXPECT_THROW(sobol_estimator("sobol"), std::invalid_argument);
}

// An output that moves at one design point only, in the last pick-freeze block: the A and B
// samples have no variance. No estimator may throw; an index it cannot estimate is NaN and says
// so (the full sobol.toml run of the Ningbo baseline stopped on such an output).
TEST(SobolIndices, AnOutputMovingAtOnePointLeavesItsIndicesNaNInsteadOfThrowing) {
  const int N = 8;
  const std::vector<double> unit = sobol_design(2, N, 1);
  std::vector<double> y(unit.size() / 2, 0.0);
  y.back() = 1.0;
  int not_estimable = 0;
  for (const auto estimator : {SobolEstimator::saltelli, SobolEstimator::jansen,
                               SobolEstimator::mauntz_kucherenko, SobolEstimator::martinez}) {
    SobolSettings settings;
    settings.estimator = estimator;
    SobolIndices s;
    ASSERT_NO_THROW(s = sobol_indices(2, N, unit, y, settings));
    EXPECT_FALSE(s.constant);
    if (!s.estimable) {
      ++not_estimable;
      EXPECT_TRUE(std::isnan(s.first[0]) && std::isnan(s.total[1]));
    }
  }
  EXPECT_GE(not_estimable, 1);
}

}  // namespace
}  // namespace icsim::experiment
