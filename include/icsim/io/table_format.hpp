#pragma once
// Loading and saving tables. Two input formats:
//  - icsim's table folder (docs/table-format.md): table.toml + sectors.csv + Z.csv + ...
//  - pymrio's text format (the folder pymrio.save_all / load_test writes: trade_flows_Z.txt,
//    finald_demand_Y.txt, factor_input.txt, extensions), so pymrio users bring tables as-is.
// Every problem found is an InputError naming file, line/column or sector, and what was expected.
#include <string>
#include <vector>

#include "icsim/io/table.hpp"

namespace icsim::io {

class OutputSet;

// Detects the format of `dir` and loads it, then validates (validate_table).
IOTable load_table(const std::string& dir);
IOTable load_table_folder(const std::string& dir);
IOTable load_pymrio_folder(const std::string& dir);

// Checks everything that makes a table unusable, throwing InputError/ModelError with a
// message naming the sectors: NaN/Inf, negative flows where none are allowed, row/column
// imbalance beyond meta.balance_tolerance, domestic column sums of A >= 1 (Hawkins-Simon),
// bridge columns summing over 1. `where` prefixes messages (usually the folder).
void validate_table(const IOTable& table, const std::string& where);

// Writes a table folder in icsim's format (used by importers and --write-table), atomically:
// into a temporary folder renamed to `dir`, or, when `dir` is an existing table folder, file by
// file, replacing its table files (and removing those the new table lacks) only when all are
// written. Checks the target first (check_table_folder_target).
void save_table_folder(const IOTable& table, const std::string& dir);

// The same, as part of a command's outputs: committed with the others by outputs.commit().
void stage_table_folder(const IOTable& table, const std::string& dir, OutputSet& outputs);

// Refuses (InputError) a `dir` that is a file, a device, one of `inputs`, or an existing folder
// holding other files than a table folder's: replacing it would mix two tables or destroy
// someone's files. `option` names it in messages ("--write-table").
void check_table_folder_target(const std::string& dir, const std::string& option,
                               const std::vector<std::string>& inputs);

}  // namespace icsim::io
