// Forecast scores against hand-worked cases (include/icsim/experiment/scores.hpp).
#include "icsim/experiment/scores.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace icsim::experiment {
namespace {

TEST(Scores, QuantileInterpolatesLikeNumpy) {
  const std::vector<double> x{1.0, 2.0, 4.0, 8.0};
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 1.0), 8.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.5), 3.0);    // position 1.5
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.25), 1.75);  // position 0.75
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.95), 7.4);   // position 2.85: 4 + 0.85 * 4
  EXPECT_DOUBLE_EQ(quantile_sorted({5.0}, 0.3), 5.0);
  EXPECT_THROW(quantile_sorted({}, 0.5), std::invalid_argument);
  EXPECT_THROW(quantile_sorted(x, 1.5), std::invalid_argument);
}

TEST(Scores, CentralBandsIncludeTheirEdges) {
  const std::vector<double> x{0.0, 10.0, 20.0, 30.0, 40.0};  // q(p) = 40 p
  const Band b50 = central_band(x, 0.5), b90 = central_band(x, 0.9);
  EXPECT_DOUBLE_EQ(b50.low, 10.0);
  EXPECT_DOUBLE_EQ(b50.high, 30.0);
  EXPECT_DOUBLE_EQ(b90.low, 2.0);
  EXPECT_DOUBLE_EQ(b90.high, 38.0);
  EXPECT_TRUE(b50.contains(10.0));
  EXPECT_TRUE(b50.contains(30.0));
  EXPECT_FALSE(b50.contains(31.0));
  EXPECT_TRUE(b90.contains(31.0));
  EXPECT_FALSE(b90.contains(1.0));
}

TEST(Scores, CrpsOfTwoMembersByHand) {
  // F = 1/2 on [0, 2); observation 1: integral of (F - 1{t >= 1})^2 = 1/4 + 1/4.
  EXPECT_DOUBLE_EQ(crps_ensemble({2.0, 0.0}, 1.0), 0.5);
  // Observation 3 outside: mean|X - y| = 2, mean|X - X'| = 1 -> 1.5.
  EXPECT_DOUBLE_EQ(crps_ensemble({0.0, 2.0}, 3.0), 1.5);
}

TEST(Scores, CrpsOfThreeMembersByHand) {
  // Members 1, 2, 4, observation 3: mean|X - y| = 4/3, mean|X - X'| = 12/9, CRPS = 2/3
  // (the integral: 1/9 on [1, 2), 4/9 on [2, 3), 1/9 on [3, 4)).
  EXPECT_NEAR(crps_ensemble({4.0, 1.0, 2.0}, 3.0), 2.0 / 3.0, 1e-15);
  // One member: the absolute error.
  EXPECT_DOUBLE_EQ(crps_ensemble({7.0}, 4.5), 2.5);
  // n copies of the observation: 0.
  EXPECT_DOUBLE_EQ(crps_ensemble({3.0, 3.0, 3.0}, 3.0), 0.0);
  EXPECT_THROW(crps_ensemble({}, 1.0), std::invalid_argument);
}

TEST(Scores, CrpsMatchesThePairwiseFormula) {
  const std::vector<double> x{3.1, -2.0, 7.5, 0.25, 0.25, 12.0, 4.0};
  const double y = 1.5;
  double a = 0, b = 0;
  for (double xi : x) {
    a += std::abs(xi - y);
    for (double xj : x) b += std::abs(xi - xj);
  }
  const double n = static_cast<double>(x.size());
  EXPECT_NEAR(crps_ensemble(x, y), a / n - 0.5 * b / (n * n), 1e-12);
}

TEST(Scores, BrierAndLogScores) {
  EXPECT_DOUBLE_EQ(brier_score(0.8, true), 0.04000000000000001);
  EXPECT_DOUBLE_EQ(brier_score(0.8, false), 0.64);
  EXPECT_DOUBLE_EQ(brier_score(0.0, false), 0.0);
  // 20 replications: clip to [1/40, 39/40].
  EXPECT_DOUBLE_EQ(clip_probability(0.0, 20), 0.025);
  EXPECT_DOUBLE_EQ(clip_probability(1.0, 20), 0.975);
  EXPECT_DOUBLE_EQ(clip_probability(0.3, 20), 0.3);
  EXPECT_DOUBLE_EQ(log_score(0.25, true, 20), std::log(4.0));
  EXPECT_DOUBLE_EQ(log_score(0.25, false, 20), -std::log(0.75));
  EXPECT_DOUBLE_EQ(log_score(0.0, true, 20), std::log(40.0));  // clipped, not infinite
  EXPECT_DOUBLE_EQ(log_score(1.0, true, 20), -std::log(0.975));
  // Brier skill: three targets, P = 0.9, 0.2, 0.6, outcomes 1, 0, 0: BS = (0.01 + 0.04 + 0.36)/3;
  // climatology P = 1/3: BS_ref = (4/9 + 1/9 + 1/9)/3 = 2/9.
  const double bs = (0.01 + 0.04 + 0.36) / 3.0;
  EXPECT_NEAR(brier_skill(bs, 2.0 / 9.0), 1.0 - bs * 4.5, 1e-15);
  EXPECT_TRUE(std::isnan(brier_skill(0.1, 0.0)));
}

}  // namespace
}  // namespace icsim::experiment
