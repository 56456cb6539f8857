#pragma once
// Plain-text tables for the terminal. Widths are display columns (utf8proc's character widths:
// Chinese characters take two), not bytes. A table wider than the output wraps the text in its
// left-aligned columns onto further lines instead of cutting it; the width is the terminal's
// (TIOCGWINSZ) or COLUMNS, and output to a pipe or file without COLUMNS is never wrapped.
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace icsim::cli {

std::size_t display_width(const std::string& utf8);
std::string truncate_display(const std::string& utf8, std::size_t width);
// Lines of at most `width` display columns (0: no limit): breaks at spaces and between Chinese
// characters, and inside a word only when the word alone is wider than `width`.
std::vector<std::string> wrap_display(const std::string& utf8, std::size_t width);
// The columns available on standard output: COLUMNS when set to a positive number, else the
// terminal's width when standard output is a terminal, else 0 (no limit).
std::size_t output_columns();

// `text` wrapped to output_columns() (unchanged when there is no limit), lines joined by '\n'.
std::string paragraph(const std::string& text);

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header, std::vector<bool> right_aligned = {});
  void add_row(std::vector<std::string> cells);
  // Fits output_columns(); `columns` 0 means no limit. Left-aligned (text) columns give up
  // width first, widest first, down to 16 columns each; then right-aligned (number) columns,
  // down to their longest word (a number or an interval is never broken); then text columns
  // down to 6. What still does not fit is left to the terminal.
  void print(std::ostream& out) const;
  void print(std::ostream& out, std::size_t columns) const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

std::string fixed(double value, int decimals);  // "-" for NaN
// A value with the decimals its size needs: 0 from 1000, 1 from 100, 2 from 1, else 3; "-" when
// not finite. For quantities without a known unit; amount() for those with one.
std::string number(double value);
// Units as a reader of the tables expects them ("CNY 100 million" -> 亿元, "percent" -> %).
std::string short_unit(const std::string& unit);
// One number format per unit (the unit as in the files or short_unit's): 万元/亩 and % with 1
// decimal; 亿元 (100 million yuan), firms, projects, persons, mu and years whole; "1" (ratios)
// 3 decimals; any other unit as number(). "-" when not finite.
std::string amount(double value, const std::string& unit);
// amount() followed by the short unit: "1196.5 亿元".
std::string with_unit(double value, const std::string& unit);

}  // namespace icsim::cli
