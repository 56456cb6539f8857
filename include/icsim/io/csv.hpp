#pragma once
// Reading the CSV files of a table folder. Parsing is libcsv's (RFC 4180 quoting); this layer
// adds what our formats need: a UTF-8 BOM is skipped, each record keeps its line number, and
// numbers are parsed strictly so that a bad cell is reported as FILE:LINE, column, value.
#include <string>
#include <vector>

namespace icsim::io {

struct CsvRecord {
  long line = 0;  // 1-based line number in the file where the record starts
  std::vector<std::string> fields;
};

struct CsvFile {
  std::string path;
  std::vector<std::string> header;
  std::vector<CsvRecord> rows;

  // Index of a header column, or -1.
  int column(const std::string& name) const;
  // Parse field `col` of `row` as a finite double; throws InputError naming file, line,
  // column header and the offending text. Empty cells are errors unless empty_is_zero.
  double number(const CsvRecord& row, std::size_t col, bool empty_is_zero = false) const;
};

// Reads a whole CSV file (delimiter ',' or '\t'). Throws InputError if the file is missing,
// unreadable, empty, not valid CSV, or if a record's field count differs from the header's.
CsvFile read_csv(const std::string& path, char delimiter = ',');

// Splits text in memory, for tests and for formats embedded in other files.
CsvFile parse_csv(const std::string& text, const std::string& name_for_errors,
                  char delimiter = ',');

// Writing: a field quoted per RFC 4180 when it holds a comma, quote or newline, and a number
// with 17 significant digits so that reading it back gives the same double.
std::string csv_escape(const std::string& field);
std::string csv_number(double value);

}  // namespace icsim::io
