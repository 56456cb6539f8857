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

// The BLAS threads for analysing a table of `sectors` sectors when the user left the choice
// (`--threads 0`, neither OPENBLAS_NUM_THREADS nor OMP_NUM_THREADS set): one below
// kParallelBlasSectors, where OpenBLAS's second thread makes the LU factorisation slower on this
// project's machines (benchmarks/README.md), all cores from there on. Otherwise no change.
inline constexpr std::size_t kParallelBlasSectors = 2000;
void choose_blas_threads(int threads_option, std::size_t sectors);

}  // namespace icsim::cli
