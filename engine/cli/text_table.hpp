#pragma once
// Aligned plain-text tables for the terminal. Chinese characters occupy two columns, so widths
// are measured in display columns, not bytes.
#include <ostream>
#include <string>
#include <vector>

namespace icsim::cli {

std::size_t display_width(const std::string& utf8);
std::string truncate_display(const std::string& utf8, std::size_t width);

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header, std::vector<bool> right_aligned = {});
  void add_row(std::vector<std::string> cells);
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

std::string fixed(double value, int decimals);  // "-" for NaN
// A value with the decimals its size needs: 0 from 1000, 1 from 100, 2 from 1, else 3; "-" when
// not finite.
std::string number(double value);
// Units as a reader of the tables expects them ("CNY 100 million" -> 亿元, "percent" -> %).
std::string short_unit(const std::string& unit);

}  // namespace icsim::cli
