#pragma once
// What goal seeking (experiment/seek.hpp, docs/seek.md) finds, as plain data: the options of a
// search, its steps (the probability of every target at each lever value) and the answer per
// target. The seek file (output/seek_result.hpp) writes it.
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace icsim::results {

// The probability of one target at one lever value, with its 95 % interval.
struct TargetProbability {
  double probability = 0;
  double low = 0, high = 0;  // 95 % interval (Wilson, experiment::wilson_interval)
  // The median over replications of the target's value (its quantity in its year); NaN when
  // the evaluator does not give it. Seek warns when it does not move over the lever's range.
  double value_median = std::numeric_limits<double>::quiet_NaN();
};

struct SeekOptions {
  enum class Direction { smallest, largest };
  double low = 0, high = 1;  // the range searched, low < high
  double goal = 0.8;         // probability goal p: a target is met at v when P(v) >= goal
  Direction direction = Direction::smallest;
  // Stop when a bracket is at most this wide; <= 0 means 1 % of (high - low).
  double tolerance = 0;
  // The lever takes whole numbers only: midpoints are rounded down to integers and a bracket
  // stops at width 1 (at the latest); low and high must be whole numbers.
  bool integer = false;
  // Target ids, for warnings; the evaluator returns one probability per target, in this order.
  std::vector<std::string> targets;
};

struct SeekStep {
  double value = 0;                           // lever value
  std::vector<TargetProbability> per_target;  // in target order
};

struct SeekAnswer {
  // at_range_end: the goal is met at the end of the range where the search starts (low for
  // smallest, high for largest), so the true threshold may lie beyond the range.
  enum class Status { found, at_range_end, not_reached };
  Status status = Status::not_reached;
  double answer = 0;  // NaN when not reached
  // The final bracket, bracket_low < bracket_high: for smallest [largest value evaluated that
  // misses the goal, answer]; for largest [answer, smallest value evaluated above it that misses
  // the goal]. NaN on the side where no such value was evaluated (at the end of the range: the
  // low end has no missing value below it, a target not reached has no value meeting it).
  double bracket_low = 0, bracket_high = 0;
};

struct SeekResult {
  std::vector<SeekStep> steps;      // in evaluation order, each value once
  std::vector<SeekAnswer> answers;  // per target
  // The value meeting every target: for smallest the largest answer, for largest the smallest
  // answer (evaluated as an extra step if it was not evaluated yet, and checked); NaN if a
  // target has no answer, or if the check fails for some target at that value.
  double answer_all = 0;
  bool answer_all_verified = false;  // answer_all's step meets every target
  double tolerance = 0;              // the tolerance used (after the default)
  // One sentence each: steps that contradict monotonicity, an answer_all that fails its check,
  // a target on which the lever has no measurable effect over the range.
  std::vector<std::string> warnings;
};

// "found", "at the low end" (smallest) / "at the high end" (largest), "not reached in range".
const char* to_string(SeekAnswer::Status status, SeekOptions::Direction direction);
const char* to_string(SeekOptions::Direction direction);  // "smallest", "largest"

}  // namespace icsim::results
