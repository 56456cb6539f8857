#pragma once
// The tables of forecast scores that `icsim score` prints for an observed file and `icsim run`
// for a scenario's [[actual]] figures (docs/score.md): the comparable figures, the targets whose
// outcome is known, the summary, and the figures that are not comparable.
#include <ostream>
#include <string>
#include <vector>

#include "icsim/results/validation.hpp"

namespace icsim::cli {

// "count/of (P %)", "-" when of = 0.
std::string share(int count, int of);
// One row per comparable figure; `with_metric` adds the series after the id.
void print_figures(std::ostream& out, const std::vector<results::FigureScore>& figures,
                   bool with_metric = false);
void print_targets(std::ostream& out, const std::vector<results::TargetScore>& targets);
void print_not_comparable(std::ostream& out, const std::vector<results::FigureScore>& figures);
// Band coverage and mean relative CRPS out of and in sample; the Brier score against the
// climatological reference when a target's outcome is known.
void print_summary(std::ostream& out, const results::ScoreSummary& summary);

}  // namespace icsim::cli
