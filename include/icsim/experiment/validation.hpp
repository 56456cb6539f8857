#pragma once
// Scoring a run against published figures (`icsim score`, docs/score.md): which rows of an
// observed-figures file measure a series of the run, the ensemble's median, bands and CRPS at
// each of them, the plan targets whose outcome the file settles, and the summary (band coverage,
// mean relative CRPS, Brier score against the climatological reference). The scores themselves
// are experiment/scores.hpp.
//
// A row is comparable when its `metric` names a series of the result exactly: "group/variable"
// for a region series or "group/variable:CODE" for one district, sector or cluster (SYSTEM/CODE);
// its unit is the series' unit (figures in 万元/亩 match the 亿元-per-mu series times 10^4); its
// year is one the run projects; the series is finite in every replication; and, for a series of
// the whole region (region, sector, cluster), its scope is the region (the region's name, or
// empty; without a known name, a scope with no "(": "Zhenhai (镇海经济开发区)" is a part). This
// is the rule by which `icsim report` places reported figures on its fan charts, except that
// the report checks the scope of region series only.
#include <string>
#include <vector>

#include "icsim/results/projection.hpp"

namespace icsim::experiment {

struct ObservedFigure {
  std::string id, metric, scope, unit, status;
  int year = 0;
  double value = 0;
  std::string where;  // FILE:LINE
};

// Reads an observed-figures file (columns id, metric, scope, year, value, unit; status, and
// any others, optional). InputError naming FILE:LINE for a missing file or column, a year that
// is not an integer or a value that is not a number.
std::vector<ObservedFigure> read_observed(const std::string& path);

struct FigureScore {
  ObservedFigure figure;
  bool comparable = false;
  std::string reason;      // why not, when not comparable
  bool in_sample = false;  // year <= base year
  double median = 0, p05 = 0, p25 = 0, p75 = 0, p95 = 0;
  double error_percent = 0;  // (median - observed) / observed * 100
  bool in_band_50 = false, in_band_90 = false;
  double crps = 0, crps_relative = 0;  // CRPS in the figure's unit, and / |observed|
};

// Every figure, in file order. `money_unit` is the run's (root attribute units_money), `region`
// its region's name (attribute `region` of /region; "" when unknown).
std::vector<FigureScore> score_figures(const results::Projection& p, const std::string& money_unit,
                                       const std::string& region, int base_year,
                                       const std::vector<ObservedFigure>& figures);

// A target of the run as its result file lists it (/targets).
struct TargetInfo {
  std::string id, metric, op, kind, unit;  // metric as written: "group/var[CODE]"
  double threshold = 0;
  int year = 0;
  double probability = 0;
};

struct TargetScore {
  std::string target, figure;  // ids
  int year = 0;
  double threshold = 0, observed = 0, probability = 0;
  std::string op, unit;
  bool reached = false, in_sample = false;
  double brier = 0, log_score = 0;
};

// The level targets whose outcome a figure settles: a figure (comparable or not) with the
// target's metric and single selection, year and unit; the first such figure in file order.
std::vector<TargetScore> score_targets(const std::vector<TargetInfo>& targets,
                                       const std::vector<ObservedFigure>& figures, int base_year,
                                       long replications);

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

ScoreSummary summarise(const std::vector<FigureScore>& figures,
                       const std::vector<TargetScore>& targets);

}  // namespace icsim::experiment
