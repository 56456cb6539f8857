#pragma once
// The largest firms by output (大优强: the plans count the output of their "large, excellent and
// strong" firms, a list the city names without publishing a size rule): the output of the n
// largest active firms of a population this year. Called after the year's exits (which zero
// the output of the firms that leave), it counts the firms active at the end of the year. Ties at
// the n-th place do not matter (equal outputs give the same sum whichever is taken).
#include <cstddef>

#include "icsim/abm/firms.hpp"

namespace icsim::abm {

// Sum of the n largest outputs of the active firms (FirmFlag kActive) of `firms`, in the
// population's money (base-year prices); every active firm's output when fewer than n are
// active, 0 for n = 0. Added from the largest down, so the result does not depend on the
// firms' order.
double top_firms_output(const FirmPopulation& firms, std::size_t n);

}  // namespace icsim::abm
