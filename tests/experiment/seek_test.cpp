#include "icsim/experiment/seek.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using icsim::experiment::seek;
using icsim::experiment::SeekAnswer;
using icsim::experiment::SeekOptions;
using icsim::experiment::SeekResult;
using icsim::experiment::TargetProbability;

namespace {

// A probability with a zero-width interval: every decrease is "beyond the interval".
TargetProbability exact(double p) { return {p, p, p}; }

// P = high_p at or above the threshold, low_p below it (rising with the lever).
TargetProbability rising_step(double v, double threshold) {
  return exact(v >= threshold ? 0.9 : 0.5);
}

SeekOptions options(std::vector<std::string> targets, double low = 0, double high = 100,
                    double tolerance = 1) {
  SeekOptions o;
  o.low = low;
  o.high = high;
  o.goal = 0.8;
  o.tolerance = tolerance;
  o.targets = std::move(targets);
  return o;
}

std::vector<double> values(const SeekResult& r) {
  std::vector<double> out;
  for (const auto& s : r.steps) out.push_back(s.value);
  return out;
}

}  // namespace

TEST(Seek, BisectsToAKnownThresholdWithAnExactBracket) {
  int calls = 0;
  const SeekResult r = seek(options({"A"}), [&](double v) {
    ++calls;
    return std::vector<TargetProbability>{rising_step(v, 37.3)};
  });
  // Widths 100, 50, ..., 0.78125: LO, HI and seven midpoints.
  EXPECT_EQ(values(r),
            (std::vector<double>{0, 100, 50, 25, 37.5, 31.25, 34.375, 35.9375, 36.71875}));
  EXPECT_EQ(calls, 9);
  ASSERT_EQ(r.answers.size(), 1u);
  EXPECT_EQ(r.answers[0].status, SeekAnswer::Status::found);
  EXPECT_EQ(r.answers[0].answer, 37.5);
  EXPECT_EQ(r.answers[0].bracket_low, 36.71875);
  EXPECT_EQ(r.answers[0].bracket_high, 37.5);
  EXPECT_EQ(r.answer_all, 37.5);
  EXPECT_TRUE(r.answer_all_verified);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(r.tolerance, 1.0);
}

TEST(Seek, DefaultToleranceIsOnePercentOfTheRangeAndIsRespected) {
  for (double threshold : {3.7, 41.0, 55.55, 99.9}) {
    SeekOptions o = options({"A"}, 10, 210, 0);
    const SeekResult r = seek(o, [&](double v) {
      return std::vector<TargetProbability>{rising_step(v, 10 + 2 * threshold)};
    });
    EXPECT_EQ(r.tolerance, 2.0);
    const SeekAnswer& a = r.answers[0];
    ASSERT_EQ(a.status, SeekAnswer::Status::found) << threshold;
    EXPECT_LE(a.bracket_high - a.bracket_low, 2.0) << threshold;
    EXPECT_GT(a.bracket_high - a.bracket_low, 1.0) << threshold;  // no step more than needed
    EXPECT_LT(a.bracket_low, 10 + 2 * threshold);
    EXPECT_GE(a.bracket_high, 10 + 2 * threshold);
    EXPECT_EQ(a.answer, a.bracket_high);
  }
  // A coarser tolerance stops earlier.
  const SeekResult coarse = seek(options({"A"}, 0, 100, 10), [](double v) {
    return std::vector<TargetProbability>{rising_step(v, 37.3)};
  });
  EXPECT_EQ(coarse.answers[0].answer, 37.5);
  EXPECT_EQ(coarse.answers[0].bracket_low, 31.25);
  EXPECT_EQ(coarse.steps.size(), 6u);
}

TEST(Seek, GoalMetAtTheLowEnd) {
  const SeekResult r =
      seek(options({"A"}), [](double) { return std::vector<TargetProbability>{exact(0.95)}; });
  EXPECT_EQ(values(r), (std::vector<double>{0, 100}));
  EXPECT_EQ(r.answers[0].status, SeekAnswer::Status::at_range_end);
  EXPECT_EQ(r.answers[0].answer, 0);
  EXPECT_TRUE(std::isnan(r.answers[0].bracket_low));
  EXPECT_EQ(r.answers[0].bracket_high, 0);
  EXPECT_EQ(r.answer_all, 0);
  EXPECT_STREQ(to_string(r.answers[0].status, SeekOptions::Direction::smallest), "at the low end");
}

TEST(Seek, GoalNotReachedInRange) {
  const SeekResult r =
      seek(options({"A"}), [](double) { return std::vector<TargetProbability>{exact(0.3)}; });
  EXPECT_EQ(values(r), (std::vector<double>{0, 100}));
  EXPECT_EQ(r.answers[0].status, SeekAnswer::Status::not_reached);
  EXPECT_TRUE(std::isnan(r.answers[0].answer));
  EXPECT_EQ(r.answers[0].bracket_low, 100);
  EXPECT_TRUE(std::isnan(r.answers[0].bracket_high));
  EXPECT_TRUE(std::isnan(r.answer_all));
  EXPECT_FALSE(r.answer_all_verified);
  EXPECT_STREQ(to_string(r.answers[0].status, SeekOptions::Direction::smallest),
               "not reached in range");
}

TEST(Seek, ExactlyTheGoalCountsAsMet) {
  const SeekResult r = seek(options({"A"}), [](double v) {
    return std::vector<TargetProbability>{exact(v >= 60 ? 0.8 : 0.79)};
  });
  EXPECT_EQ(r.answers[0].answer, 60.15625);
  EXPECT_EQ(r.answers[0].bracket_low, 59.375);
}

TEST(Seek, LargestMirrorsSmallest) {
  SeekOptions o = options({"A"});
  o.direction = SeekOptions::Direction::largest;
  const SeekResult r = seek(
      o, [](double v) { return std::vector<TargetProbability>{exact(v <= 62.7 ? 0.9 : 0.3)}; });
  EXPECT_EQ(values(r),
            (std::vector<double>{0, 100, 50, 75, 62.5, 68.75, 65.625, 64.0625, 63.28125}));
  EXPECT_EQ(r.answers[0].status, SeekAnswer::Status::found);
  EXPECT_EQ(r.answers[0].answer, 62.5);
  EXPECT_EQ(r.answers[0].bracket_low, 62.5);
  EXPECT_EQ(r.answers[0].bracket_high, 63.28125);
  EXPECT_EQ(r.answer_all, 62.5);
  EXPECT_TRUE(r.warnings.empty());

  // The ends, mirrored: met at the high end; not reached when even the low end misses.
  const SeekResult high_end =
      seek(o, [](double) { return std::vector<TargetProbability>{exact(0.9)}; });
  EXPECT_EQ(high_end.answers[0].status, SeekAnswer::Status::at_range_end);
  EXPECT_EQ(high_end.answers[0].answer, 100);
  EXPECT_EQ(high_end.answers[0].bracket_low, 100);
  EXPECT_TRUE(std::isnan(high_end.answers[0].bracket_high));
  EXPECT_STREQ(to_string(high_end.answers[0].status, o.direction), "at the high end");
  const SeekResult none =
      seek(o, [](double) { return std::vector<TargetProbability>{exact(0.1)}; });
  EXPECT_EQ(none.answers[0].status, SeekAnswer::Status::not_reached);
  EXPECT_TRUE(std::isnan(none.answers[0].answer));
  EXPECT_TRUE(std::isnan(none.answers[0].bracket_low));
  EXPECT_EQ(none.answers[0].bracket_high, 0);
}

TEST(Seek, SeveralTargetsShareEvaluations) {
  const double thresholds[] = {37.3, 80.1};
  auto single = [&](int k) {
    int calls = 0;
    const SeekResult r = seek(options({"A"}), [&](double v) {
      ++calls;
      return std::vector<TargetProbability>{rising_step(v, thresholds[k])};
    });
    EXPECT_EQ(calls, 9);
    return r.answers[0];
  };
  const SeekAnswer a = single(0), b = single(1);

  int calls = 0;
  std::set<double> asked;
  const SeekResult r = seek(options({"A", "B", "C"}), [&](double v) {
    ++calls;
    EXPECT_TRUE(asked.insert(v).second) << "value evaluated twice: " << v;
    return std::vector<TargetProbability>{rising_step(v, thresholds[0]),
                                          rising_step(v, thresholds[1]), exact(0.99)};
  });
  // LO, HI and the first midpoint (50) are shared: 9 + 9 - 3 evaluations, not 18 (+ 2 for C).
  EXPECT_EQ(calls, 15);
  EXPECT_EQ(r.steps.size(), 15u);
  EXPECT_EQ(r.answers[0].answer, a.answer);
  EXPECT_EQ(r.answers[0].bracket_low, a.bracket_low);
  EXPECT_EQ(r.answers[1].answer, b.answer);
  EXPECT_EQ(r.answers[1].bracket_low, b.bracket_low);
  EXPECT_EQ(r.answers[2].status, SeekAnswer::Status::at_range_end);
  EXPECT_EQ(r.answers[2].answer, 0);
  // The value meeting all three is the largest answer, already evaluated (no extra call).
  EXPECT_EQ(r.answer_all, b.answer);
  EXPECT_TRUE(r.answer_all_verified);
  // Steps hold every target's probability.
  for (const auto& s : r.steps) EXPECT_EQ(s.per_target.size(), 3u);

  // One target not reachable: no common answer.
  const SeekResult partial = seek(options({"A", "B"}), [&](double v) {
    return std::vector<TargetProbability>{rising_step(v, thresholds[0]), exact(0.2)};
  });
  EXPECT_EQ(partial.answers[0].answer, a.answer);
  EXPECT_TRUE(std::isnan(partial.answers[1].answer));
  EXPECT_TRUE(std::isnan(partial.answer_all));
}

TEST(Seek, NonMonotoneStepsAreWarnedAbout) {
  // P falls from 0.95 to 0.85 at 60 although it should rise: 100 is below 50.
  const SeekResult r = seek(options({"T17"}), [](double v) {
    return std::vector<TargetProbability>{exact(v < 37.3 ? 0.5 : v < 60 ? 0.95 : 0.85)};
  });
  // Once per pair: (50, 100) and later (37.5, 100).
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_NE(r.warnings[1].find("at 37.5 "), std::string::npos) << r.warnings[1];
  EXPECT_NE(r.warnings[0].find("T17"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("not monotone"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("at 100 is below P = 0.950"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("at 50 "), std::string::npos) << r.warnings[0];
  // The bisection still answers with its bracket.
  EXPECT_EQ(r.answers[0].status, SeekAnswer::Status::found);
  EXPECT_EQ(r.answers[0].answer, 37.5);

  // Decreases within the Monte Carlo interval are not contradictions.
  const SeekResult noisy = seek(options({"A"}), [](double v) {
    const double p = (v >= 37.3 ? 0.9 : 0.5) - (std::fmod(v, 2.0) == 0 ? 0.05 : 0.0);
    return std::vector<TargetProbability>{{p, p - 0.1, p + 0.1}};
  });
  EXPECT_TRUE(noisy.warnings.empty()) << noisy.warnings[0];
}

TEST(Seek, CommonAnswerThatFailsItsCheckIsDropped) {
  // A meets the goal on [37.3, 60) and at 100; B from 80.1 on. B's answer does not meet A.
  const SeekResult r = seek(options({"A", "B"}), [](double v) {
    const bool a = (v >= 37.3 && v < 60) || v == 100;
    return std::vector<TargetProbability>{exact(a ? 0.9 : 0.1), rising_step(v, 80.1)};
  });
  EXPECT_EQ(r.answers[0].answer, 37.5);
  EXPECT_EQ(r.answers[1].answer, 80.46875);
  EXPECT_TRUE(std::isnan(r.answer_all));
  EXPECT_FALSE(r.answer_all_verified);
  bool common_warning = false;
  for (const auto& w : r.warnings)
    if (w.find("every target") != std::string::npos) common_warning = true;
  EXPECT_TRUE(common_warning);
}

TEST(Seek, IntegerLeverStopsAtWholeNumbers) {
  SeekOptions o = options({"A"}, 0, 20, 0);
  o.integer = true;
  const SeekResult r =
      seek(o, [](double v) { return std::vector<TargetProbability>{rising_step(v, 7)}; });
  for (const auto& s : r.steps) EXPECT_EQ(s.value, std::floor(s.value));
  EXPECT_EQ(r.answers[0].answer, 7);
  EXPECT_EQ(r.answers[0].bracket_low, 6);
}

TEST(Seek, RejectsBadOptions) {
  auto one = [](double) { return std::vector<TargetProbability>{exact(0.5)}; };
  EXPECT_THROW(seek(options({"A"}, 5, 5), one), std::invalid_argument);
  EXPECT_THROW(seek(options({"A"}, 5, 1), one), std::invalid_argument);
  EXPECT_THROW(seek(options({}), one), std::invalid_argument);
  SeekOptions o = options({"A"});
  o.goal = 0;
  EXPECT_THROW(seek(o, one), std::invalid_argument);
  o = options({"A"}, 0.5, 10);
  o.integer = true;
  EXPECT_THROW(seek(o, one), std::invalid_argument);
  // The evaluator must return one probability per target.
  EXPECT_THROW(seek(options({"A", "B"}), one), std::invalid_argument);
}

TEST(Seek, LeverWithoutEffectIsWarnedAbout) {
  // T1's value and P are the same at both ends (the lever does not reach it); T2's value moves
  // although its P stays 0 (the lever works, the threshold is out of reach).
  const SeekResult r = seek(options({"T1", "T2"}), [](double v) {
    return std::vector<TargetProbability>{{0.0, 0.0, 0.1, 12.5}, {0.0, 0.0, 0.1, 100 + v}};
  });
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("no measurable effect on T1 over 0..100"), std::string::npos)
      << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("median value is 12.5"), std::string::npos) << r.warnings[0];
  // Without values (an evaluator that gives none) nothing is said.
  EXPECT_TRUE(seek(options({"T1"}), [](double) {
                return std::vector<TargetProbability>{exact(0.0)};
              }).warnings.empty());
}
