#include "icsim/experiment/seek.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

namespace icsim::experiment {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string show(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string show_p(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

class Search {
 public:
  Search(const SeekOptions& options, const SeekEvaluator& evaluate, const SeekObserver& observer)
      : o_(options), evaluate_(evaluate), observer_(observer) {}

  SeekResult run() {
    const bool smallest = o_.direction == SeekOptions::Direction::smallest;
    const std::size_t n = o_.targets.size();
    result_.tolerance = o_.tolerance > 0 ? o_.tolerance : 0.01 * (o_.high - o_.low);
    double tolerance = result_.tolerance;
    if (o_.integer) tolerance = std::max(tolerance, 1.0);
    result_.answers.assign(n, SeekAnswer{});

    const SeekStep& at_low = step(o_.low);
    const std::vector<TargetProbability> p_low = at_low.per_target;
    const std::vector<TargetProbability> p_high = step(o_.high).per_target;
    warn_without_effect(p_low, p_high);
    // The end the search starts from (where the goal is easiest to meet if P is monotone) and
    // the other end.
    const double start = smallest ? o_.high : o_.low;  // meets the goal if anything does
    const double end = smallest ? o_.low : o_.high;    // meets it if everything does
    const auto& p_start = smallest ? p_high : p_low;
    const auto& p_end = smallest ? p_low : p_high;

    // Per target: the bracket [miss, meet] as values (for largest meet < miss).
    std::vector<double> miss(n, kNaN), meet(n, kNaN);
    std::vector<bool> active(n, false);
    for (std::size_t k = 0; k < n; ++k) {
      SeekAnswer& a = result_.answers[k];
      if (p_end[k].probability >= o_.goal) {
        a.status = SeekAnswer::Status::at_range_end;
        meet[k] = end;
      } else if (p_start[k].probability < o_.goal) {
        a.status = SeekAnswer::Status::not_reached;
        miss[k] = start;
      } else {
        a.status = SeekAnswer::Status::found;
        miss[k] = end;
        meet[k] = start;
        active[k] = true;
      }
    }

    for (int round = 0; round < 2000; ++round) {
      std::vector<double> points;
      for (std::size_t k = 0; k < n; ++k) {
        if (!active[k]) continue;
        const double lo = std::min(miss[k], meet[k]), hi = std::max(miss[k], meet[k]);
        double mid = lo + (hi - lo) / 2;
        if (o_.integer) mid = std::floor(mid);
        if (hi - lo <= tolerance || !(mid > lo && mid < hi)) {
          active[k] = false;
          continue;
        }
        points.push_back(mid);
      }
      if (points.empty()) break;
      std::sort(points.begin(), points.end());
      points.erase(std::unique(points.begin(), points.end()), points.end());
      for (double v : points) {
        const std::vector<TargetProbability> probabilities = step(v).per_target;
        // Every evaluation inside a target's bracket narrows it, whichever target asked for it.
        for (std::size_t k = 0; k < n; ++k) {
          if (!active[k]) continue;
          const double lo = std::min(miss[k], meet[k]), hi = std::max(miss[k], meet[k]);
          if (!(v > lo && v < hi)) continue;
          (probabilities[k].probability >= o_.goal ? meet[k] : miss[k]) = v;
        }
      }
    }

    for (std::size_t k = 0; k < n; ++k) {
      SeekAnswer& a = result_.answers[k];
      a.answer = a.status == SeekAnswer::Status::not_reached ? kNaN : meet[k];
      a.bracket_low = smallest ? miss[k] : meet[k];
      a.bracket_high = smallest ? meet[k] : miss[k];
    }
    finish_answer_all();
    return std::move(result_);
  }

 private:
  // A lever that moves neither a target's probability nor its median value between the ends of
  // the range has no measurable effect on it (relative change below 1e-9): said, so that a
  // "not reached" is not read as "needs more of the lever".
  void warn_without_effect(const std::vector<TargetProbability>& at_low,
                           const std::vector<TargetProbability>& at_high) {
    for (std::size_t k = 0; k < o_.targets.size(); ++k) {
      const double a = at_low[k].value_median, b = at_high[k].value_median;
      if (!std::isfinite(a) || !std::isfinite(b)) continue;
      if (at_low[k].probability != at_high[k].probability ||
          std::abs(b - a) > 1e-9 * std::max(1.0, std::max(std::abs(a), std::abs(b))))
        continue;
      result_.warnings.push_back("the lever has no measurable effect on " + o_.targets[k] +
                                 " over " + show(o_.low) + ".." + show(o_.high) +
                                 ": its median value is " + show(a) +
                                 " and P = " + show_p(at_low[k].probability) + " at both ends");
    }
  }

  // The step at value v, evaluated now unless it was already.
  const SeekStep& step(double v) {
    if (auto it = index_.find(v); it != index_.end()) return result_.steps[it->second];
    SeekStep s;
    s.value = v;
    s.per_target = evaluate_(v);
    if (s.per_target.size() != o_.targets.size())
      throw std::invalid_argument("seek: the evaluator returned " +
                                  std::to_string(s.per_target.size()) + " probabilities for " +
                                  std::to_string(o_.targets.size()) + " targets");
    check_monotone(s);
    index_[v] = result_.steps.size();
    result_.steps.push_back(std::move(s));
    if (observer_) observer_(result_);
    return result_.steps.back();
  }

  // Compares a new step with every earlier one (each pair once).
  void check_monotone(const SeekStep& s) {
    const bool rising = o_.direction == SeekOptions::Direction::smallest;
    for (const SeekStep& u : result_.steps) {
      const SeekStep& lower = u.value < s.value ? u : s;
      const SeekStep& upper = u.value < s.value ? s : u;
      for (std::size_t k = 0; k < o_.targets.size(); ++k) {
        const TargetProbability& pl = lower.per_target[k];
        const TargetProbability& pu = upper.per_target[k];
        const bool contradicts = rising ? pu.probability < pl.low : pu.probability > pl.high;
        if (!contradicts) continue;
        result_.warnings.push_back(
            "target " + o_.targets[k] + ": P = " + show_p(pu.probability) + " at " +
            show(upper.value) + " is " + (rising ? "below" : "above") +
            " P = " + show_p(pl.probability) + " [" + show_p(pl.low) + ", " + show_p(pl.high) +
            "] at " + show(lower.value) + " although P should " + (rising ? "rise" : "fall") +
            " with the lever (not monotone beyond the Monte Carlo interval); its answer may not "
            "be the " +
            to_string(o_.direction) + " value meeting the goal");
      }
    }
  }

  void finish_answer_all() {
    const bool smallest = o_.direction == SeekOptions::Direction::smallest;
    result_.answer_all = kNaN;
    result_.answer_all_verified = false;
    double all = smallest ? -std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::infinity();
    for (const SeekAnswer& a : result_.answers) {
      if (std::isnan(a.answer)) return;
      all = smallest ? std::max(all, a.answer) : std::min(all, a.answer);
    }
    const SeekStep& s = step(all);
    for (std::size_t k = 0; k < o_.targets.size(); ++k)
      if (s.per_target[k].probability < o_.goal) {
        result_.warnings.push_back("the value meeting every target, " + show(all) +
                                   ", does not meet the goal for target " + o_.targets[k] +
                                   " (P = " + show_p(s.per_target[k].probability) +
                                   "): P is not monotone there; no common answer");
        return;
      }
    result_.answer_all = all;
    result_.answer_all_verified = true;
  }

  const SeekOptions& o_;
  const SeekEvaluator& evaluate_;
  const SeekObserver& observer_;
  SeekResult result_;
  std::map<double, std::size_t> index_;
};

}  // namespace

SeekResult seek(const SeekOptions& options, const SeekEvaluator& evaluate,
                const SeekObserver& observer) {
  if (!std::isfinite(options.low) || !std::isfinite(options.high) || !(options.low < options.high))
    throw std::invalid_argument("seek: the range must be finite with low < high (got " +
                                show(options.low) + ":" + show(options.high) + ")");
  if (options.integer &&
      (std::floor(options.low) != options.low || std::floor(options.high) != options.high))
    throw std::invalid_argument("seek: an integer lever needs a range of whole numbers (got " +
                                show(options.low) + ":" + show(options.high) + ")");
  if (!(options.goal > 0 && options.goal <= 1))
    throw std::invalid_argument("seek: the probability goal must lie in (0, 1] (got " +
                                show(options.goal) + ")");
  if (options.targets.empty()) throw std::invalid_argument("seek: no targets");
  if (!evaluate) throw std::invalid_argument("seek: no evaluator");
  if (std::isnan(options.tolerance))
    throw std::invalid_argument("seek: the tolerance is not a number");
  return Search(options, evaluate, observer).run();
}

}  // namespace icsim::experiment
