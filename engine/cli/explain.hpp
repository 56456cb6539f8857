#pragma once
// The text of an explanation (experiment/explain.hpp), as `icsim explain` prints it and
// `icsim report` embeds it.
#include <ostream>
#include <string>

#include "icsim/experiment/explain.hpp"

namespace icsim::cli {

void print_explanation(std::ostream& out, const experiment::Explanation& e,
                       const std::string& money_unit);

}  // namespace icsim::cli
