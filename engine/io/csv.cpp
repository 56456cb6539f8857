#include "icsim/io/csv.hpp"

#include <fast_float/fast_float.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "icsim/common/error.hpp"
#include "icsim/io/text.hpp"

namespace icsim::io {
namespace {

// Plain decimal notation only: [+-] digits [. digits] [e [+-] digits]. strtod alone would also
// take hexadecimal ("0x1p3"), "inf", "nan" and "infinity", none of which belongs in a table.
bool decimal_syntax(std::string_view t) {
  std::size_t i = 0;
  auto digits = [&]() {
    const std::size_t start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i - start;
  };
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  std::size_t mantissa = digits();
  if (i < t.size() && t[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == t.size();
}

// Why a cell that is not a number might look like one, for the message.
std::string number_hint(std::string_view t) {
  if (t.find(',') != std::string_view::npos)
    return " (decimal commas and thousands separators are not accepted: write 1234.5, not "
           "1.234,5 or 1,234.5)";
  if (t.find_first_of("xX") != std::string_view::npos)
    return " (hexadecimal numbers are not accepted: write the value in decimal)";
  return "";
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trimmed(std::string_view t) {
  std::size_t b = 0, e = t.size();
  while (b < e && is_blank(t[b])) ++b;
  while (e > b && (is_blank(t[e - 1]) || t[e - 1] == '\r')) --e;
  return t.substr(b, e - b);
}

// The message for a record whose field count differs from the header's.
std::string field_count_message(std::size_t expected, std::size_t found) {
  std::string m = "expected " + std::to_string(expected) + " fields as in the header, found " +
                  std::to_string(found);
  if (found > expected)
    m += " (a number written with a decimal comma or a thousands separator, such as 1,5 or "
         "1,234.5, is read as two fields: write 1.5 or 1234.5; quote text that holds a comma)";
  return m;
}

}  // namespace

double parse_csv_number(std::string_view cell, const std::string& path, long line,
                        std::string_view column_name, bool empty_is_zero) {
  const std::string_view t = trimmed(cell);
  if (!t.empty()) {  // the fast path: everything a table holds
    double value = 0.0;
    const auto r = fast_float::from_chars(t.data(), t.data() + t.size(), value);
    if (r.ec == std::errc() && r.ptr == t.data() + t.size() && std::isfinite(value)) return value;
  }
  const std::string column = "column '" + std::string(column_name) + "': ";
  if (t.empty()) {
    if (empty_is_zero) return 0.0;
    throw InputError(located(path, line, column + "expected a number, found an empty cell"));
  }
  if (!decimal_syntax(t)) {
    const bool special = t.find_first_of("iInN") != std::string_view::npos &&
                         t.find_first_of("0123456789") == std::string_view::npos;
    throw InputError(located(path, line,
                             column + "expected a " + (special ? "finite number" : "number") +
                                 ", found '" + std::string(cell) + "'" +
                                 (special ? " (NaN and Inf are not allowed)" : number_hint(cell))));
  }
  // Plain decimal that fast_float did not take: a leading '+', or beyond a double's range.
  const std::string text(t);
  const double value = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(value))
    throw InputError(located(
        path, line,
        column + "the number '" + text + "' is too large (beyond about 1.8e308, it would be Inf)"));
  return value;
}

// ---- CsvText --------------------------------------------------------------------------------

std::string CsvText::text(std::size_t r, std::size_t c) const {
  return std::string(trimmed(field(r, c)));
}

int CsvText::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

double CsvText::number(std::size_t r, std::size_t c, bool empty_is_zero) const {
  return parse_csv_number(field(r, c), path, line(r),
                          c < header.size() ? std::string_view(header[c]) : std::string_view("?"),
                          empty_is_zero);
}

CsvText parse_csv_text(std::string bytes, const std::string& name, char delimiter) {
  require_utf8(bytes, name);
  if (bytes.size() >= std::numeric_limits<std::uint32_t>::max())
    throw InputError(located(name, 0, "the file is too large (4 GB or more)"));
  CsvText out;
  out.path = name;
  out.bytes_ = std::move(bytes);
  char* const b = out.bytes_.data();
  const std::size_t end = out.bytes_.size();
  std::size_t pos = 0;
  if (end >= 3 && static_cast<unsigned char>(b[0]) == 0xEF &&
      static_cast<unsigned char>(b[1]) == 0xBB && static_cast<unsigned char>(b[2]) == 0xBF)
    pos = 3;  // UTF-8 BOM, as Excel writes "CSV UTF-8"
  const bool tab_is_space = delimiter != '\t';
  auto space = [&](char c) { return c == ' ' || (c == '\t' && tab_is_space); };
  auto terminator = [&](char c) { return c == delimiter || c == '\n' || c == '\r'; };

  std::vector<CsvText::Span>& cells = out.cells_;
  bool have_header = false;
  long line = 1;
  while (pos < end) {
    const long record_line = line;
    const std::size_t first_cell = cells.size();
    bool all_empty = true;
    for (;;) {  // one field per turn
      while (pos < end && space(b[pos])) ++pos;
      std::size_t begin = pos, stop = pos;
      if (pos < end && b[pos] == '"') {
        // Quoted: unquoted in place ("" -> "), so the field stays a view into the text.
        std::size_t w = ++pos;
        begin = w;
        bool closed = false;
        while (pos < end) {
          const char c = b[pos];
          if (c == '"') {
            if (pos + 1 < end && b[pos + 1] == '"') {
              b[w++] = '"';
              pos += 2;
              continue;
            }
            ++pos;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          b[w++] = c;
          ++pos;
        }
        if (!closed)
          throw InputError(located(name, record_line,
                                   "not valid CSV (unterminated quote?): the quoted field that "
                                   "starts on this line is never closed"));
        // Text after the closing quote is kept, as the replaced reader (libcsv) did.
        while (pos < end && space(b[pos])) ++pos;
        while (pos < end && !terminator(b[pos])) b[w++] = b[pos++];
        stop = w;
      } else {
        while (pos < end && !terminator(b[pos])) ++pos;
        stop = pos;
        while (stop > begin && space(b[stop - 1])) --stop;
      }
      if (stop > begin) all_empty = false;
      cells.push_back(
          {static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(stop - begin)});
      if (pos < end && b[pos] == delimiter) {
        ++pos;
        continue;
      }
      if (pos < end && b[pos] == '\r') ++pos;
      if (pos < end && b[pos] == '\n') {
        ++pos;
        ++line;
      }
      break;
    }
    const std::size_t found = cells.size() - first_cell;
    if (all_empty) {  // a blank line
      cells.resize(first_cell);
      continue;
    }
    if (!have_header) {
      have_header = true;
      for (std::size_t c = 0; c < found; ++c)
        out.header.emplace_back(
            trimmed(std::string_view(b + cells[first_cell + c].begin, cells[first_cell + c].size)));
      cells.clear();
      if (delimiter == ',' && out.header.size() == 1 &&
          out.header[0].find(';') != std::string::npos)
        throw InputError(located(name, record_line,
                                 "the fields are separated by ';', not ',' (a CSV export in a "
                                 "European or Chinese locale, which also writes decimal commas); "
                                 "re-save it with ',' between fields and '.' as the decimal "
                                 "point"));
      if (delimiter == ',' && out.header.size() == 1 &&
          out.header[0].find('\t') != std::string::npos)
        throw InputError(located(name, record_line,
                                 "the fields are separated by tabs, not ',' (a spreadsheet's "
                                 "'Text (tab delimited)' export); re-save it as CSV"));
      continue;
    }
    if (found != out.header.size())
      throw InputError(located(name, record_line, field_count_message(out.header.size(), found)));
    out.lines_.push_back(record_line);
  }
  if (!have_header) throw InputError(located(name, 0, "the file is empty"));
  return out;
}

CsvText read_csv_text(const std::string& path, char delimiter) {
  return parse_csv_text(read_file_bytes(path), path, delimiter);
}

// ---- CsvFile --------------------------------------------------------------------------------

int CsvFile::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

double CsvFile::number(const CsvRecord& row, std::size_t col, bool empty_is_zero) const {
  const std::string& text = row.fields.at(col);
  const std::string column_name = col < header.size() ? header[col] : std::to_string(col + 1);
  return parse_csv_number(text, path, row.line, column_name, empty_is_zero);
}

CsvFile parse_csv(const std::string& text, const std::string& name, char delimiter) {
  CsvText csv = parse_csv_text(text, name, delimiter);
  CsvFile file;
  file.path = name;
  file.header = csv.header;
  file.rows.reserve(csv.rows());
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    CsvRecord rec{csv.line(r), {}};
    rec.fields.reserve(file.header.size());
    for (std::size_t c = 0; c < file.header.size(); ++c) rec.fields.emplace_back(csv.field(r, c));
    file.rows.push_back(std::move(rec));
  }
  return file;
}

CsvFile read_csv(const std::string& path, char delimiter) {
  return parse_csv(read_file_bytes(path), path, delimiter);
}

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return buf;
}

}  // namespace icsim::io
