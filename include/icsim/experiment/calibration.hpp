#pragma once
// Calibration by the method of simulated moments (`icsim calibrate`, docs/calibrate.md).
//
// A point is a value of every parameter (scenario::ParameterRange). It is evaluated by running
// the scenario with those values and the calibration's seed and replications (the same seed at
// every point: common random numbers, so two points differ by their parameters alone) and
// measuring each moment's series in its year across the replications. The loss is
//   L = sum_k w_k ((m_k - o_k) / o_k)^2
// with m_k the simulated median of moment k, o_k its observed value and w_k its weight.
//
// The optimiser works on the unit cube (parameter j = low_j + u_j (high_j - low_j)): a global
// stage (a Latin hypercube of the given size, scenario::latin_hypercube, or NLopt's CRS2 / ISRES
// with that many evaluations), then a local derivative-free stage (NLopt BOBYQA or Nelder-Mead)
// from the best point so far. Every random choice is keyed by the calibration's seed, so a
// re-run evaluates the same points and finds the same parameters exactly.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "icsim/experiment/validation.hpp"
#include "icsim/scenario/calibration.hpp"

namespace icsim::experiment {

struct MomentSpec {
  ObservedFigure figure;  // metric, scope, year, value, unit (and id: the observed row or "m<k>")
  double weight = 1;
  double tolerance = 0;  // relative; 0 = none
  std::string source;    // where the value comes from ("observed.csv:LINE" or the table's source)
  std::string where;     // FILE:LINE of the [[calibration.moment]] table
};

// The latest year a moment may be dated: the base year of the scenario the parameters are for.
struct DateRule {
  int last_year = 0;
  std::string scenario;  // the file whose base year it is
};

// The plan's moments with their observed rows looked up. InputError naming the moment's
// FILE:LINE for an id not in the observed file (or no observed file), a moment dated after
// rule.last_year, or a zero observed value.
std::vector<MomentSpec> resolve_moments(const scenario::CalibrationPlan& plan,
                                        const DateRule& rule);

struct MomentFit {
  double median = 0, p05 = 0, p95 = 0;
  double deviation = 0;  // (median - observed) / observed
  bool within = false;   // |deviation| <= tolerance (false when no tolerance is stated)
};

// Each moment measured on a run. InputError naming the moment's FILE:LINE when the run cannot
// produce it (unknown metric or code, a firm-model series without the firm model, another unit,
// a year outside the run's years, a series that is not finite); the reason is validation.hpp's.
std::vector<MomentFit> fit_moments(const results::Projection& p, const std::string& money_unit,
                                   const std::string& region, int base_year,
                                   const std::vector<MomentSpec>& moments);

// sum_k w_k deviation_k^2.
double moment_loss(const std::vector<MomentSpec>& moments, const std::vector<MomentFit>& fits);

// ---- the optimiser (independent of the model; tested on plain functions) ----------------------

struct OptimiserSettings {
  std::string global_method = "latin_hypercube";  // "latin_hypercube", "crs2", "isres"
  int global_evaluations = 1;
  std::string local_method = "bobyqa";  // "bobyqa", "neldermead"
  int local_evaluations = 0;
  std::uint64_t seed = 0;
};

struct OptimiserPoint {
  std::vector<double> unit;  // in [0, 1]^d
  double loss = 0;
  int stage = 0;  // 0 global, 1 local
};

struct OptimiserResult {
  std::vector<OptimiserPoint> points;  // in evaluation order
  std::size_t best = 0;                // index of the smallest loss (the first of equals)
};

// Losses of a batch of points of the unit cube, one per point, for stage 0 (global) or 1
// (local). The global Latin hypercube comes as one batch, which the caller may split over
// workers; the other stages ask one point at a time.
using BatchLoss =
    std::function<std::vector<double>(const std::vector<std::vector<double>>&, int stage)>;

// Minimises over [0, 1]^dimensions. std::invalid_argument for an unknown method or a budget < 1.
OptimiserResult minimise(int dimensions, const OptimiserSettings& settings, const BatchLoss& loss);

// ---- calibrating a scenario -----------------------------------------------------------------

struct CalibrationPoint {
  std::vector<double> values;  // per parameter, as the scenario reads it (integers rounded)
  double loss = 0;
  int stage = 0;
};

struct CalibrationResult {
  std::vector<CalibrationPoint> points;  // every distinct evaluation, in order
  std::size_t best = 0;
  std::vector<MomentFit> fits;  // at the best point
};

// Evaluates the moments at one point of parameter values (the caller runs the model).
using MomentEvaluator = std::function<std::vector<MomentFit>(const std::vector<double>& values)>;
// Called after each evaluation (may be empty).
using CalibrationObserver = std::function<void(const CalibrationPoint&, std::size_t index)>;

// The parameter values of a unit-cube point: low + u (high - low), through the text the
// scenario reads (so integer parameters are whole numbers and the values are exactly those
// written to the fragment).
std::vector<double> parameter_values(const std::vector<scenario::ParameterRange>& ranges,
                                     const std::vector<double>& unit);

// Runs the optimiser on the moment loss; points whose values coincide (integer rounding, a
// revisit) are evaluated once.
CalibrationResult calibrate(const std::vector<scenario::ParameterRange>& ranges,
                            const std::vector<MomentSpec>& moments,
                            const OptimiserSettings& settings, const MomentEvaluator& evaluate,
                            const CalibrationObserver& observer = {});

}  // namespace icsim::experiment
