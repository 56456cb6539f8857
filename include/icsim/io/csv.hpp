#pragma once
// Reading the CSV files of a table folder (RFC 4180 quoting). The file is held once in memory
// and its fields are views into it (quoted fields are unquoted in place), so reading allocates
// per file, not per field; numbers are parsed with fast_float. What our formats need on top:
// a UTF-8 BOM is skipped, each record keeps its line number, and numbers are parsed strictly so
// that a bad cell is reported as FILE:LINE, column, value.
//
// Field rules (those of libcsv, which this reader replaced): records end at LF, CRLF or CR
// outside quotes; spaces and tabs around an unquoted field are dropped; a field that starts
// with '"' runs to the matching '"' ("" inside is one quote, line breaks are kept); records whose
// fields are all empty (blank lines) are skipped.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace icsim::io {

// A whole CSV file: the header and the records, every record with the header's field count.
class CsvText {
 public:
  std::string path;
  std::vector<std::string> header;  // spaces and tabs trimmed

  std::size_t rows() const { return lines_.size(); }
  std::size_t columns() const { return header.size(); }
  // 1-based line of the file on which record r starts.
  long line(std::size_t r) const { return lines_[r]; }
  // Field c of record r, a view into the file's text (valid while this object lives).
  std::string_view field(std::size_t r, std::size_t c) const {
    const Span& s = cells_[r * header.size() + c];
    return {bytes_.data() + s.begin, s.size};
  }
  // The same, spaces, tabs and CRs trimmed, as a string.
  std::string text(std::size_t r, std::size_t c) const;
  // Index of a header column, or -1.
  int column(const std::string& name) const;
  // Field c of record r as a finite double; throws InputError naming file, line, column header
  // and the offending text. Empty cells are errors unless empty_is_zero.
  double number(std::size_t r, std::size_t c, bool empty_is_zero = false) const;

 private:
  friend CsvText parse_csv_text(std::string bytes, const std::string& name, char delimiter);
  struct Span {
    std::uint32_t begin = 0;
    std::uint32_t size = 0;
  };
  std::string bytes_;
  std::vector<Span> cells_;  // rows() x columns(), record by record
  std::vector<long> lines_;
};

// Reads a whole CSV file (delimiter ',' or '\t'). Throws InputError if the file is missing,
// unreadable, not UTF-8, empty, not valid CSV, or if a record's field count differs from the
// header's; semicolon-separated exports and decimal commas are named as such.
CsvText read_csv_text(const std::string& path, char delimiter = ',');
// The same for text in memory; `bytes` is taken over (moved in).
CsvText parse_csv_text(std::string bytes, const std::string& name_for_errors, char delimiter = ',');

// The same content with every field copied into a string, for small files read field by field.
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

CsvFile read_csv(const std::string& path, char delimiter = ',');
CsvFile parse_csv(const std::string& text, const std::string& name_for_errors,
                  char delimiter = ',');

// One cell as a finite double, with the checks and messages of CsvText::number: plain decimal
// notation only (no hexadecimal, Inf, NaN, decimal commas), nothing beyond a double's range.
double parse_csv_number(std::string_view cell, const std::string& path, long line,
                        std::string_view column_name, bool empty_is_zero = false);

// Writing: a field quoted per RFC 4180 when it holds a comma, quote or newline, and a number
// with 17 significant digits so that reading it back gives the same double.
std::string csv_escape(const std::string& field);
std::string csv_number(double value);

}  // namespace icsim::io
