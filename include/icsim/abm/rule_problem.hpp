#pragma once
// A broken rule of a parameter set (mujun.hpp, land.hpp): the fields it concerns and what was
// expected, as data, so that the scenario schema can report it on the key the scenario wrote.
#include <string>
#include <vector>

namespace icsim::abm {

struct RuleProblem {
  // The fields concerned, relative to the rule set, first the one to report on: {"a_share",
  // "b_share", "c_share"}, {"weights"}, {"industrial_share_by_district[2]"}.
  std::vector<std::string> fields;
  std::string expected;  // "0 <= a_share <= b_share <= c_share <= 1"

  // "SECTION.f1/f2: expected ...", the text validate() throws.
  std::string text(const std::string& section) const {
    std::string out = section + ".";
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "/" : "") + fields[i];
    return out + ": expected " + expected;
  }
};

}  // namespace icsim::abm
