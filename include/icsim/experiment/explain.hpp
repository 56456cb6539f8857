#pragma once
// Why a verdict is what it is (`icsim explain`, docs/explain.md): for one target of a run, the
// series behind it year by year (median, 90 % band, share of replications past the threshold),
// the firm and land model's constraints in the years up to the target's year with the ones that
// bind marked, and flags for verdicts that do not come from the model's uncertainty (a value
// that is the same in every replication, a series the model keeps at zero). `icsim run` prints
// the same flags under its verdict table.
#include <string>
#include <vector>

#include "icsim/results/projection.hpp"

namespace icsim::experiment {

// A flag on a verdict: a short code (for files and tests) and a sentence for the user.
struct VerdictFlag {
  std::string code;  // "constant_value", "zero_value", "certain_verdict"
  std::string message;
};

// The flags of a target from its per-replication values and reached flags (0/1). NaN values
// (replications in which the quantity is undefined) are ignored.
//   constant_value:  every replication has the same non-zero value: P is 0 or 1 by
//                    construction, decided by the inputs (a fixed series, an exogenous figure).
//   zero_value:      the same, at 0 (the model produces nothing in the series).
//   certain_verdict: P is 0 or 1 although the value varies: no replication comes near the
//                    threshold (the message says how far the nearest one is, in % of the
//                    threshold, or in its unit when the threshold is 0).
std::vector<VerdictFlag> verdict_flags(const std::vector<double>& values,
                                       const std::vector<signed char>& reached, double threshold);

// A target as a result file lists it (/targets) with its per-replication verdicts.
struct TargetVerdict {
  std::string id, text, metric, op, kind, unit;  // metric as written: "group/var[A,B]"
  double threshold = 0;
  int year = 0;
  int base_year = 0;                 // of growth targets; 0: the year before
  std::vector<double> value;         // per replication
  std::vector<signed char> reached;  // per replication
  std::vector<double> first_year;    // per replication; NaN: never
};

struct YearBand {
  int year = 0;
  double median = 0, p05 = 0, p95 = 0;
};

// A constraint of the firm and land model in one year (medians over replications).
struct ConstraintYear {
  int year = 0;
  double value = 0;  // the constrained quantity (e.g. land granted)
  double limit = 0;  // what limits it (e.g. land available at the start of the year)
  double share = 0;  // share of replications in which it binds
};

struct Constraint {
  std::string name;     // "land", "capacity", "rectification", "projects"
  std::string reading;  // what value and limit are, and when it counts as binding
  std::string unit;
  std::vector<ConstraintYear> years;
  bool binding = false;  // binds in half the replications or more in some year that matters
};

struct Explanation {
  TargetVerdict target;
  double probability = 0;
  std::string scope;                    // "region" or the district codes the series selects
  std::vector<YearBand> series;         // the target's series (numerator of a share), base .. year
  std::vector<double> share_past;       // per year of `series`: share of replications past the
                                        // threshold (level targets; empty otherwise)
  std::vector<Constraint> constraints;  // with the firm model; empty otherwise
  std::vector<VerdictFlag> flags;
};

// Splits a metric as a result file writes it ("districts/output[zhenhai,beilun]", "a / b") into
// its numerator series; InputError if the text is not a metric of the catalogue.
results::Series numerator_series(const std::string& metric);

// The explanation of `target` on projection `p` (the same run).
Explanation explain(const results::Projection& p, const TargetVerdict& target);

}  // namespace icsim::experiment
