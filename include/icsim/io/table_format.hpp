#pragma once
// Loading and saving tables. Two input formats:
//  - icsim's table folder (docs/table-format.md): table.toml + sectors.csv + Z.csv + ...
//  - pymrio's text format (the folder pymrio.save_all / load_test writes: trade_flows_Z.txt,
//    finald_demand_Y.txt, factor_input.txt, extensions), so pymrio users bring tables as-is.
// Every problem found is an InputError naming file, line/column or sector, and what was expected.
#include <string>

#include "icsim/io/table.hpp"

namespace icsim::io {

// Detects the format of `dir` and loads it, then validates (validate_table).
IOTable load_table(const std::string& dir);
IOTable load_table_folder(const std::string& dir);
IOTable load_pymrio_folder(const std::string& dir);

// Checks everything that makes a table unusable, throwing InputError/ModelError with a
// message naming the sectors: NaN/Inf, negative flows where none are allowed, row/column
// imbalance beyond meta.balance_tolerance, domestic column sums of A >= 1 (Hawkins-Simon),
// bridge columns summing over 1. `where` prefixes messages (usually the folder).
void validate_table(const IOTable& table, const std::string& where);

// Writes a table folder in icsim's format (used by importers and --write-table).
void save_table_folder(const IOTable& table, const std::string& dir);

}  // namespace icsim::io
