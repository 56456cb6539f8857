#pragma once
// Tables from spreadsheets: `icsim io WORKBOOK.xlsx` and `icsim impact WORKBOOK.xlsx`. The
// workbook (one sheet per file of the table folder, docs/table-format.md) is converted by
// tools/importers/workbook.py (Python's openpyxl) into a temporary table folder, which is then
// loaded like any other; messages about the temporary files name the workbook's sheet and row.
#include <string>

#include "icsim/io/table.hpp"

namespace icsim::cli {

// Whether `path` names a spreadsheet workbook (.xlsx or .xlsm, any case).
bool is_workbook(const std::string& path);

// io::load_table for a table folder or a pymrio folder, the conversion above for a workbook.
io::IOTable load_table_or_workbook(const std::string& path);

}  // namespace icsim::cli
