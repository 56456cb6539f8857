#pragma once
// The text of an explanation (experiment/explain.hpp), as `icsim explain` prints it and
// `icsim report` embeds it.
#include <ostream>
#include <string>

#include "icsim/experiment/explain.hpp"
#include "icsim/experiment/sensitivity_evidence.hpp"

namespace icsim::cli {

// One target's block. With `evidence` (a sensitivity analysis), the flag no_lever_effect when
// no parameter moves the target, and its dominant parameters.
void print_explanation(std::ostream& out, experiment::Explanation e, const std::string& money_unit,
                       const experiment::SensitivityEvidence* evidence = nullptr);

// The block after the targets' with a sensitivity analysis: the levers (its parameters) that
// move no output. It starts with the word LEVERS (the report finds it by it).
void print_levers_without_effect(std::ostream& out, const experiment::SensitivityEvidence& e);

}  // namespace icsim::cli
