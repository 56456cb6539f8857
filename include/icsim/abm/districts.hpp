#pragma once
// Districts of the region and their land pools (docs/model.md §3 step 9), read from a CSV file such
// as scenarios/data/ningbo/districts.csv. Format (one row per district, header required):
//
//   code,name,industrial_land_mu,land_available_mu,land_approved_mu,annual_land_supply_mu,source[,SECTOR...]
//
// followed by optional columns named by table sector codes, each holding the district's share
// of that sector's output. A sector without a column is spread like industrial land (each
// district's share of total industrial land). A sector column must sum to 1 over the districts
// (within 1e-6). Land in mu (亩), never negative. Every error is an InputError naming
// FILE:LINE and what was expected.
#include <string>
#include <vector>

#include "icsim/abm/firms.hpp"
#include "icsim/io/table.hpp"

namespace icsim::abm {

// Tolerance on a sector's share column summing to 1 over the districts.
inline constexpr double kDistrictShareTolerance = 1e-6;

std::vector<District> load_districts(const std::string& csv_path, const io::IOTable& table);

// The same from CSV text in memory (tests); `name_for_errors` stands for the file name.
std::vector<District> parse_districts(const std::string& csv_text,
                                      const std::string& name_for_errors, const io::IOTable& table);

}  // namespace icsim::abm
