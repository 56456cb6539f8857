#pragma once
// Sensitivity analysis of a model output to its parameters (`icsim sensitivity`,
// docs/sensitivity.md). Designs and indices only: the command turns a design into sweep points
// and runs them through the ensemble; these functions never run the model, so they are tested
// on functions whose indices are known.
//
// Designs live in the unit cube [0, 1]^d (one coordinate per parameter), row-major (point,
// parameter); scaled_design maps them onto the parameters' ranges.
//
// Morris screening (Morris 1991; Campolongo, Cariboni & Saltelli 2007 for mu*): `trajectories`
// random one-at-a-time paths on a grid of `levels` values per parameter, each of d + 1 points
// where every parameter moves once by Delta = levels / (2 (levels - 1)). The elementary effect of
// parameter i on a path is the output's change divided by the parameter's change as a share of
// its range, so an effect is "output change over the whole range" (a linear term c x over
// [low, high] has effect c (high - low) everywhere). Per parameter: mu* = mean |effect|
// (importance), mu = mean effect (direction), sigma = standard deviation of the effects
// (interaction or non-linearity), over the paths where the effect could be computed.
//
// Sobol indices (Saltelli 2002; estimators as implemented by OpenTURNS): a pick-freeze design of
// (d + 2) N points (N base points A, N points B, then for each parameter A with that column from
// B), and first-order S1 and total ST indices with bootstrap confidence intervals.
#include <cstdint>
#include <string>
#include <vector>

#include "icsim/scenario/parameter_ranges.hpp"

namespace icsim::experiment {

struct MorrisDesign {
  int parameters = 0, trajectories = 0, levels = 0;
  double delta = 0;            // levels / (2 (levels - 1)), as a share of each range
  std::vector<double> points;  // trajectories x (parameters + 1) rows of `parameters` values
  // Per trajectory and step k = 1 .. parameters: the parameter moved between rows k - 1 and k
  // of the trajectory ((trajectory, step - 1) row-major).
  std::vector<int> moved;
  std::size_t rows() const { return points.size() / static_cast<std::size_t>(parameters); }
};

// Random trajectories: each starts at a grid point whose every coordinate can move by Delta in
// its drawn direction, and moves the parameters in a random order. Deterministic in `seed`.
// std::invalid_argument unless parameters >= 1, trajectories >= 2, levels even and >= 2.
MorrisDesign morris_design(int parameters, int trajectories, int levels, std::uint64_t seed);

struct MorrisIndices {
  std::vector<double> mu_star, mu, sigma;  // per parameter; NaN where no effect was computed
  std::vector<int> effects;                // per parameter: effects used
};

// Indices of one output from its value at every design row (`values`, in design order; NaN
// values drop the effects they enter). `scaled` is the design as run (scaled_design), so that a
// rounded integer parameter's effect is divided by the change actually made; a step whose
// rounded values did not change drops its effect.
MorrisIndices morris_indices(const MorrisDesign& design, const std::vector<double>& scaled,
                             const std::vector<scenario::ParameterRange>& ranges,
                             const std::vector<double>& values);

enum class SobolEstimator { saltelli, jansen, mauntz_kucherenko, martinez };
// "saltelli", "jansen", "mauntz_kucherenko", "martinez"; std::invalid_argument otherwise.
SobolEstimator sobol_estimator(const std::string& name);
std::string to_string(SobolEstimator estimator);

// The pick-freeze design of (parameters + 2) x base_size rows (OpenTURNS SobolIndicesExperiment
// over independent uniforms), deterministic in `seed`.
std::vector<double> sobol_design(int parameters, int base_size, std::uint64_t seed);

struct SobolSettings {
  SobolEstimator estimator = SobolEstimator::saltelli;
  int bootstrap = 200;             // bootstrap resamples of the intervals
  double confidence_level = 0.95;  // of the intervals
  std::uint64_t seed = 0;          // of the bootstrap
};

struct SobolIndices {
  // Per parameter; NaN when the output does not vary over the design (`constant` is then true)
  // or varies too little for the estimator (`estimable` is then false: one of the design's
  // blocks, e.g. the A or B sample, has no variance).
  std::vector<double> first, first_low, first_high;
  std::vector<double> total, total_low, total_high;
  bool constant = false;
  bool estimable = true;
};

// Indices of one output from its value at every row of sobol_design(parameters, base_size, ..)
// (in design order). std::invalid_argument if the sizes disagree or a value is not finite.
SobolIndices sobol_indices(int parameters, int base_size, const std::vector<double>& design,
                           const std::vector<double>& values, const SobolSettings& settings);

// A unit-cube design mapped onto the ranges: low + u (high - low), rounded for integer ranges.
std::vector<double> scaled_design(const std::vector<double>& unit,
                                  const std::vector<scenario::ParameterRange>& ranges);

}  // namespace icsim::experiment
