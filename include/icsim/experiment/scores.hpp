#pragma once
// Forecast scores of a Monte Carlo ensemble against what was later observed (`icsim score`,
// docs/score.md). Pure functions of numbers:
//  - quantiles with linear interpolation between order statistics (numpy's default method:
//    position p (n - 1) in the sorted members);
//  - central bands: the 50 % band is [q 0.25, q 0.75], the 90 % band [q 0.05, q 0.95]; an
//    observation on a band's edge is inside;
//  - the continuous ranked probability score of the ensemble's empirical distribution against
//    one observation y, CRPS = mean|X - y| - 0.5 mean|X - X'| (the mean over all n^2 ordered
//    pairs of members, i = j included), computed in O(n log n) from the sorted members:
//    mean|X - X'| = 2/n^2 sum_i (2i - n + 1) x_(i), i = 0 .. n-1. It is in the observation's
//    unit; 0 for an ensemble of n copies of y;
//  - the Brier score (p - o)^2 of a probability p for an outcome o in {0, 1};
//  - the log score (ignorance, in nats) -ln p if the outcome happened, -ln(1 - p) if not, with p
//    first clipped to [1/(2n), 1 - 1/(2n)] for an ensemble of n replications: an ensemble of n
//    cannot tell a probability below about 1/n from 0, and an unclipped 0 would make the score
//    infinite.
#include <vector>

namespace icsim::experiment {

// Quantile p in [0, 1] of members sorted ascending (non-empty); std::invalid_argument otherwise.
double quantile_sorted(const std::vector<double>& sorted, double p);

struct Band {
  double low = 0, high = 0;
  bool contains(double y) const { return low <= y && y <= high; }
};
// The central band holding `coverage` (e.g. 0.9) of sorted members: quantiles (1 -+ coverage)/2.
Band central_band(const std::vector<double>& sorted, double coverage);

// CRPS of the ensemble `members` (any order, non-empty, finite) against observation y.
double crps_ensemble(std::vector<double> members, double y);

double brier_score(double probability, bool outcome);
// p clipped to [1/(2n), 1 - 1/(2n)] for n >= 1 replications.
double clip_probability(double probability, long replications);
double log_score(double probability, bool outcome, long replications);

// Brier skill score against a reference score: 1 - brier / reference; NaN when the reference is 0
// (every outcome the same, so the climatological forecast is perfect).
double brier_skill(double brier, double reference);

}  // namespace icsim::experiment
