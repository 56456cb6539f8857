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
#include <functional>

#include "icsim/results/seek.hpp"

namespace icsim::experiment {

// The options, steps and answers are plain result data (results/seek.hpp).
using results::SeekAnswer;
using results::SeekOptions;
using results::SeekResult;
using results::SeekStep;
using results::TargetProbability;
using results::to_string;

// Called with each lever value to evaluate; returns one TargetProbability per target (exactly
// options.targets.size() of them, else std::invalid_argument).
using SeekEvaluator = std::function<std::vector<TargetProbability>(double)>;
// Called after each step (the step just added is result.steps.back()); may be empty.
using SeekObserver = std::function<void(const SeekResult&)>;

// Runs the search. Throws std::invalid_argument for a bad range (low >= high, not finite, not
// whole numbers for an integer lever), a goal outside (0, 1], or zero targets.
SeekResult seek(const SeekOptions& options, const SeekEvaluator& evaluate,
                const SeekObserver& observer = {});

}  // namespace icsim::experiment
