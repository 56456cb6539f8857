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
#include "icsim/results/targets.hpp"
#include "icsim/results/validation.hpp"

namespace icsim::experiment {

using results::Coverage;
using results::FigureScore;
using results::ObservedFigure;
using results::ScoreSummary;
using results::TargetScore;
using results::Validation;

// Reads an observed-figures file (columns id, metric, scope, year, value, unit; status, and
// any others, optional). InputError naming FILE:LINE for a missing file or column, a year that
// is not an integer or a value that is not a number.
std::vector<ObservedFigure> read_observed(const std::string& path);

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

// The level targets whose outcome a figure settles: a figure (comparable or not) with the
// target's metric and single selection, year and unit; the first such figure in file order.
std::vector<TargetScore> score_targets(const std::vector<TargetInfo>& targets,
                                       const std::vector<ObservedFigure>& figures, int base_year,
                                       long replications);

ScoreSummary summarise(const std::vector<FigureScore>& figures,
                       const std::vector<TargetScore>& targets);

// A scenario's reported figures ([[actual]]) scored on its projection, as `icsim run` does for a
// plain run (observed_from "[[actual]]"): each figure (id: its `id`, else "actual[K]") by the
// scores above, its series summed over its selection as the scenario states it (so several
// codes and constant prices work; no unit conversion: the figure is in the series' unit), not
// comparable only when its year is outside the run or a member is not finite; and each level
// target of `report` (no denominator) whose series, year and unit a figure matches, by the first
// such figure.
Validation validate_actuals(const std::vector<results::Actual>& actuals,
                            const results::TargetReport& report, const results::Projection& p,
                            int base_year);

}  // namespace icsim::experiment
