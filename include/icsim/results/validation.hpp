#pragma once
// Forecast scores as plain result data (docs/score.md): the figures a run was scored against,
// each figure's scores, the plan targets whose outcome a figure settles, and the summary. They
// are computed by experiment/validation.hpp (`icsim score`, and `icsim run` for a scenario's
// [[actual]] figures) and written as the /validation group by output/validation_result.hpp.
#include <string>
#include <vector>

namespace icsim::results {

struct ObservedFigure {
  std::string id, metric, scope, unit, status;
  int year = 0;
  double value = 0;
  std::string where;  // FILE:LINE
};

struct FigureScore {
  ObservedFigure figure;
  bool comparable = false;
  std::string reason;      // why not, when not comparable
  bool in_sample = false;  // year <= base year
  double median = 0, p05 = 0, p25 = 0, p75 = 0, p95 = 0;
  double error_percent = 0;  // (median - observed) / observed * 100
  bool in_band_50 = false, in_band_90 = false;
  double crps = 0, crps_relative = 0;  // CRPS in the figure's unit, and / |observed|
  // Probability integral transform: the share of replications below the figure, ties counted
  // half. A calibrated ensemble gives PITs spread evenly over [0, 1]; the figure lies inside the
  // central band of coverage c about when |pit - 0.5| <= c / 2 (the report's coverage chart).
  double pit = 0;
};

struct TargetScore {
  std::string target, figure;  // ids
  int year = 0;
  double threshold = 0, observed = 0, probability = 0;
  std::string op, unit;
  bool reached = false, in_sample = false;
  double brier = 0, log_score = 0;
};

struct Coverage {
  int figures = 0, in_band_50 = 0, in_band_90 = 0;
  double mean_crps_relative = 0;  // NaN without figures
};

struct ScoreSummary {
  Coverage out_of_sample, in_sample;
  int targets = 0, reached = 0;
  // NaN without targets; the reference forecasts P = reached / targets for every target.
  double brier = 0, brier_reference = 0, brier_skill = 0, log_score = 0;
};

// A run scored: what against (`observed_from`: the observed file, or "[[actual]]" for the
// scenario's own figures), the run's base year and replications, and the scores.
struct Validation {
  std::string observed_from;
  int base_year = 0;
  long replications = 0;
  std::vector<FigureScore> figures;
  std::vector<TargetScore> targets;
  ScoreSummary summary;
  bool empty() const { return figures.empty(); }
};

}  // namespace icsim::results
