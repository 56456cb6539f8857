#include "icsim/io/csv.hpp"

#include <csv.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "icsim/common/error.hpp"
#include "icsim/io/text.hpp"

namespace icsim::io {
namespace {

// libcsv reports fields and records through callbacks; we track the physical line on which
// each record starts so that error messages can point at it.
struct Collector {
  std::vector<std::vector<std::string>> records;
  std::vector<long> record_lines;
  std::vector<std::string> current;
  long line_of_next_record = 1;
};

void on_field(void* data, std::size_t len, void* ctx) {
  auto* c = static_cast<Collector*>(ctx);
  c->current.emplace_back(static_cast<const char*>(data), len);
}

void on_record(int, void* ctx) {
  auto* c = static_cast<Collector*>(ctx);
  c->records.push_back(std::move(c->current));
  c->record_lines.push_back(c->line_of_next_record);
  c->current.clear();
}

// Plain decimal notation only: [+-] digits [. digits] [e [+-] digits]. strtod alone would also
// take hexadecimal ("0x1p3"), "inf", "nan" and "infinity", none of which belongs in a table.
bool decimal_syntax(const std::string& t) {
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
std::string number_hint(const std::string& t) {
  if (t.find(',') != std::string::npos)
    return " (decimal commas and thousands separators are not accepted: write 1234.5, not "
           "1.234,5 or 1,234.5)";
  if (t.find_first_of("xX") != std::string::npos)
    return " (hexadecimal numbers are not accepted: write the value in decimal)";
  return "";
}

bool blank(const std::vector<std::string>& fields) {
  for (const auto& f : fields)
    if (!f.empty()) return false;
  return true;
}

}  // namespace

int CsvFile::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

double CsvFile::number(const CsvRecord& row, std::size_t col, bool empty_is_zero) const {
  const std::string& text = row.fields.at(col);
  const std::string column_name = col < header.size() ? header[col] : std::to_string(col + 1);
  std::size_t begin = text.find_first_not_of(" \t");
  std::size_t end = text.find_last_not_of(" \t\r");
  if (begin == std::string::npos) {
    if (empty_is_zero) return 0.0;
    throw InputError(located(
        path, row.line, "column '" + column_name + "': expected a number, found an empty cell"));
  }
  std::string trimmed = text.substr(begin, end - begin + 1);
  if (!decimal_syntax(trimmed)) {
    const bool special = trimmed.find_first_of("iInN") != std::string::npos &&
                         trimmed.find_first_of("0123456789") == std::string::npos;
    throw InputError(located(path, row.line,
                             "column '" + column_name + "': expected a " +
                                 (special ? "finite number" : "number") + ", found '" + text + "'" +
                                 (special ? " (NaN and Inf are not allowed)" : number_hint(text))));
  }
  errno = 0;
  char* stop = nullptr;
  double value = std::strtod(trimmed.c_str(), &stop);
  if (!std::isfinite(value)) {
    throw InputError(located(path, row.line,
                             "column '" + column_name + "': the number '" + trimmed +
                                 "' is too large (beyond about 1.8e308, it would be Inf)"));
  }
  return value;
}

CsvFile parse_csv(const std::string& raw, const std::string& name, char delimiter) {
  require_utf8(raw, name);
  std::string_view text(raw);
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
    text.remove_prefix(3);  // UTF-8 BOM, as Excel writes "CSV UTF-8"

  csv_parser parser;
  if (csv_init(&parser, CSV_APPEND_NULL) != 0) throw std::runtime_error("libcsv: init failed");
  csv_set_delim(&parser, static_cast<unsigned char>(delimiter));
  Collector collector;

  // Feed line by line so that each completed record knows the line on which it began.
  std::size_t pos = 0;
  long line = 1;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::size_t stop = nl == std::string_view::npos ? text.size() : nl + 1;
    if (collector.current.empty()) collector.line_of_next_record = line;
    if (csv_parse(&parser, text.data() + pos, stop - pos, on_field, on_record, &collector) !=
        stop - pos) {
      std::string why = csv_strerror(csv_error(&parser));
      csv_free(&parser);
      throw InputError(located(name, line, "not valid CSV: " + why));
    }
    pos = stop;
    ++line;
  }
  if (csv_fini(&parser, on_field, on_record, &collector) != 0) {
    std::string why = csv_strerror(csv_error(&parser));
    csv_free(&parser);
    throw InputError(located(name, line - 1, "not valid CSV (unterminated quote?): " + why));
  }
  csv_free(&parser);

  CsvFile file;
  file.path = name;
  std::size_t first = 0;
  while (first < collector.records.size() && blank(collector.records[first])) ++first;
  if (first == collector.records.size()) throw InputError(located(name, 0, "the file is empty"));
  file.header = collector.records[first];
  if (delimiter == ',' && file.header.size() == 1 && file.header[0].find(';') != std::string::npos)
    throw InputError(located(name, collector.record_lines[first],
                             "the fields are separated by ';', not ',' (a CSV export in a "
                             "European or Chinese locale, which also writes decimal commas); "
                             "re-save it with ',' between fields and '.' as the decimal point"));
  for (auto& h : file.header) {
    std::size_t b = h.find_first_not_of(" \t");
    std::size_t e = h.find_last_not_of(" \t\r");
    h = b == std::string::npos ? std::string() : h.substr(b, e - b + 1);
  }
  for (std::size_t r = first + 1; r < collector.records.size(); ++r) {
    if (blank(collector.records[r])) continue;
    CsvRecord rec{collector.record_lines[r], std::move(collector.records[r])};
    if (rec.fields.size() != file.header.size()) {
      throw InputError(located(name, rec.line,
                               "expected " + std::to_string(file.header.size()) +
                                   " fields as in the header, found " +
                                   std::to_string(rec.fields.size())));
    }
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
