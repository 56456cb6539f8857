#pragma once
// The statistics of `icsim compare`: the difference of two runs' probabilities of reaching a
// target with its 95 % interval, and paired differences of a projected quantity. Two runs with
// the same seed and replication numbers share their random numbers (replication r draws the
// same streams in both), so replication r of A and replication r of B form a pair and the
// differences are taken pair by pair (docs/compare.md).
#include <vector>

namespace icsim::cli {

// P(B) - P(A) from the 0/1 verdicts of each replication, with a 95 % interval.
struct ProportionDifference {
  long n_a = 0, n_b = 0;
  // paired: replications reaching the target in both runs, in A only, in B only, in neither
  long both = 0, only_a = 0, only_b = 0, neither = 0;
  double p_a = 0, p_b = 0, difference = 0, low = 0, high = 0;
  double phi = 0;  // correlation of the pairs' verdicts (0 when not paired)
};

// Newcombe's hybrid score interval (Newcombe 1998, "Improved confidence intervals for the
// difference between binomial proportions based on paired data", method 10): the Wilson
// intervals [l, u] of P(A) and P(B) combined as
//   low  = d - sqrt((p_b - l_b)^2 - 2 phi (p_b - l_b)(u_a - p_a) + (u_a - p_a)^2)
//   high = d + sqrt((u_b - p_b)^2 - 2 phi (u_b - p_b)(p_a - l_a) + (p_a - l_a)^2)
// with d = p_b - p_a and phi the phi coefficient of the 2x2 table of pairs (0 when a margin of
// the table is empty). `paired` needs a.size() == b.size(); unpaired runs use phi = 0 (the
// method for independent samples).
ProportionDifference proportion_difference(const std::vector<double>& a,
                                           const std::vector<double>& b, bool paired);

// A quantity of both runs over their replications: medians of A and B and, paired, the median
// and 5th / 95th percentiles of the differences B - A pair by pair (NaN when not paired).
struct QuantityDifference {
  double median_a = 0, median_b = 0;
  double median_difference = 0, p05 = 0, p95 = 0;
};
QuantityDifference quantity_difference(const std::vector<double>& a, const std::vector<double>& b,
                                       bool paired);

}  // namespace icsim::cli
