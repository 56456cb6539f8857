#pragma once
// Goal seeking (`icsim seek`, docs/seek.md): the smallest (or largest) value of one scenario lever
// for which the probability of each of several targets reaches a goal p, by bisection.
//
// The logic here is pure: it calls an evaluator `lever value -> probability of every target` and
// never runs the model itself, so it can be tested with hand-made step functions. The command
// evaluates a value by projecting the scenario with the lever overridden and the same seed at
// every step (common random numbers: two steps differ only by the lever).
//
// Assumption: P(target) is monotone in the lever, rising for Direction::smallest, falling for
// Direction::largest. For each target (smallest; largest mirrors it):
//  * P(low) >= p: the answer is `low` (Status::at_range_end; for largest: P(high) >= p, `high`);
//  * P(high) < p: no answer in the range (Status::not_reached, answer NaN);
//  * else bisection on [a, b] with P(a) < p <= P(b) until b - a <= tolerance; the answer is b,
//    the smallest value evaluated that meets the goal (Status::found).
// Every value is evaluated once (a cache shared by all targets), and every evaluation inside a
// target's bracket narrows it, so targets share steps. A step whose probability contradicts
// monotonicity beyond the Monte Carlo interval is recorded as a warning (see `warnings`): for
// smallest, a value v above an evaluated u whose P(v) lies below the 95 % interval of P(u) (for
// largest: P(v) above that interval).
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace icsim::experiment {

// The probability of one target at one lever value, with its 95 % interval.
struct TargetProbability {
  double probability = 0;
  double low = 0, high = 0;  // 95 % interval (Wilson, wilson_interval in targets.hpp)
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
  // One sentence each: steps that contradict monotonicity, an answer_all that fails its check.
  std::vector<std::string> warnings;
};

// Called with each lever value to evaluate; returns one TargetProbability per target (exactly
// options.targets.size() of them, else std::invalid_argument).
using SeekEvaluator = std::function<std::vector<TargetProbability>(double)>;
// Called after each step (the step just added is result.steps.back()); may be empty.
using SeekObserver = std::function<void(const SeekResult&)>;

// Runs the search. Throws std::invalid_argument for a bad range (low >= high, not finite, not
// whole numbers for an integer lever), a goal outside (0, 1], or zero targets.
SeekResult seek(const SeekOptions& options, const SeekEvaluator& evaluate,
                const SeekObserver& observer = {});

// "found", "at the low end" (smallest) / "at the high end" (largest), "not reached in range".
const char* to_string(SeekAnswer::Status status, SeekOptions::Direction direction);
const char* to_string(SeekOptions::Direction direction);  // "smallest", "largest"

}  // namespace icsim::experiment
