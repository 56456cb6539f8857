#include "cli/text_table.hpp"

#include <sys/ioctl.h>
#include <unistd.h>
#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace icsim::cli {
namespace {

// One code point of `s` at byte `i`: its bytes and display width (invalid bytes: one column).
struct Glyph {
  std::size_t bytes;
  std::size_t width;
  bool space;
};

Glyph glyph_at(const std::string& s, std::size_t i) {
  utf8proc_int32_t cp = 0;
  const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                  static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) return {1, 1, false};
  const int w = utf8proc_charwidth(cp);
  return {static_cast<std::size_t>(n), static_cast<std::size_t>(std::max(w, 0)), cp == ' '};
}

// The words of a number cell: split at spaces outside brackets, so that an interval
// "[0.76, 0.99]" stays whole.
std::vector<std::string> number_words(const std::string& cell) {
  std::vector<std::string> words(1);
  int depth = 0;
  for (char ch : cell) {
    if (ch == '[') ++depth;
    if (ch == ']' && depth > 0) --depth;
    if (ch == ' ' && depth == 0) {
      if (!words.back().empty()) words.emplace_back();
    } else {
      words.back() += ch;
    }
  }
  if (words.size() > 1 && words.back().empty()) words.pop_back();
  return words;
}

}  // namespace

std::size_t display_width(const std::string& s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const Glyph g = glyph_at(s, i);
    w += g.width;
    i += g.bytes;
  }
  return w;
}

std::string truncate_display(const std::string& s, std::size_t width) {
  if (display_width(s) <= width) return s;
  std::string out;
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const Glyph g = glyph_at(s, i);
    if (w + g.width > width - 1) break;
    out += s.substr(i, g.bytes);
    w += g.width;
    i += g.bytes;
  }
  return out + "~";
}

std::vector<std::string> wrap_display(const std::string& s, std::size_t width) {
  if (width == 0 || display_width(s) <= width) return {s};
  // Pieces that stay together: runs of narrow characters (words), single wide characters
  // (Chinese text breaks between any two), and spaces (dropped at a break).
  struct Piece {
    std::string text;
    std::size_t width = 0;
    bool space = false, wide = false;
  };
  std::vector<Piece> pieces;
  for (std::size_t i = 0; i < s.size();) {
    const Glyph g = glyph_at(s, i);
    const std::string text = s.substr(i, g.bytes);
    i += g.bytes;
    const bool wide = g.width >= 2;
    if (!g.space && !wide && !pieces.empty() && !pieces.back().space && !pieces.back().wide) {
      pieces.back().text += text;
      pieces.back().width += g.width;
    } else {
      pieces.push_back({text, g.width, g.space, wide});
    }
  }
  std::vector<std::string> lines;
  std::string line;
  std::size_t used = 0;
  bool pending_space = false;
  auto flush = [&] {
    if (used > 0) lines.push_back(line);
    line.clear();
    used = 0;
    pending_space = false;
  };
  for (const Piece& p : pieces) {
    if (p.space) {
      pending_space = used > 0;
      continue;
    }
    const std::size_t gap = pending_space ? 1 : 0;
    if (used + gap + p.width <= width) {
      if (gap) line += ' ';
      line += p.text;
      used += gap + p.width;
      pending_space = false;
      continue;
    }
    flush();
    if (p.width <= width) {
      line = p.text;
      used = p.width;
      continue;
    }
    for (std::size_t i = 0; i < p.text.size();) {  // a word wider than the column
      const Glyph g = glyph_at(p.text, i);
      if (used + g.width > width) flush();
      line += p.text.substr(i, g.bytes);
      used += g.width;
      i += g.bytes;
    }
  }
  flush();
  if (lines.empty()) lines.emplace_back();
  return lines;
}

std::size_t output_columns() {
  if (const char* text = std::getenv("COLUMNS")) {
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (end != text && *end == '\0' && value > 0) return static_cast<std::size_t>(value);
  }
  winsize size{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return size.ws_col;
  return 0;
}

std::string paragraph(const std::string& text) {
  std::string out;
  for (const auto& line : wrap_display(text, output_columns()))
    out += (out.empty() ? "" : "\n") + line;
  return out;
}

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> right_aligned)
    : header_(std::move(header)), right_(std::move(right_aligned)) {
  right_.resize(header_.size(), false);
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::print(std::ostream& out) const { print(out, output_columns()); }

void TextTable::print(std::ostream& out, std::size_t columns) const {
  constexpr std::size_t kGap = 2, kNarrowest = 16;
  const std::size_t n = header_.size();
  std::vector<std::size_t> width(n);
  for (std::size_t c = 0; c < n; ++c) {
    width[c] = display_width(header_[c]);
    for (const auto& r : rows_) width[c] = std::max(width[c], display_width(r[c]));
  }
  auto total = [&] {
    std::size_t sum = n > 0 ? kGap * (n - 1) : 0;
    for (auto w : width) sum += w;
    return sum;
  };
  // Left-aligned (text) columns give up width, the widest first, until the table fits.
  while (columns > 0 && total() > columns) {
    std::size_t widest = n;
    for (std::size_t c = 0; c < n; ++c)
      if (!right_[c] && width[c] > kNarrowest && (widest == n || width[c] > width[widest]))
        widest = c;
    if (widest == n) break;
    --width[widest];
  }
  // Then number columns, widest first, down to their longest word: "0.95 [0.76, 0.99]" can
  // break after "0.95".
  std::vector<std::size_t> longest_word(n, 0);
  for (std::size_t c = 0; c < n; ++c) {
    if (!right_[c]) continue;
    auto words = [&](const std::string& cell) {
      for (const auto& word : number_words(cell))
        longest_word[c] = std::max(longest_word[c], display_width(word));
    };
    words(header_[c]);
    for (const auto& r : rows_) words(r[c]);
  }
  while (columns > 0 && total() > columns) {
    std::size_t widest = n;
    for (std::size_t c = 0; c < n; ++c)
      if (right_[c] && width[c] > longest_word[c] && (widest == n || width[c] > width[widest]))
        widest = c;
    if (widest == n) break;
    --width[widest];
  }
  // Last, text columns below 16, down to 6.
  while (columns > 0 && total() > columns) {
    std::size_t widest = n;
    for (std::size_t c = 0; c < n; ++c)
      if (!right_[c] && width[c] > 6 && (widest == n || width[c] > width[widest])) widest = c;
    if (widest == n) break;
    --width[widest];
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::vector<std::vector<std::string>> wrapped(n);
    std::size_t height = 1;
    for (std::size_t c = 0; c < n; ++c) {
      if (!right_[c] || display_width(cells[c]) <= width[c]) {
        wrapped[c] = wrap_display(cells[c], width[c]);
      } else {  // whole words (intervals) per line
        wrapped[c].clear();
        for (const auto& word : number_words(cells[c])) {
          if (!wrapped[c].empty() &&
              display_width(wrapped[c].back()) + 1 + display_width(word) <= width[c])
            wrapped[c].back() += " " + word;
          else
            wrapped[c].push_back(word);
        }
      }
      height = std::max(height, wrapped[c].size());
    }
    for (std::size_t k = 0; k < height; ++k) {
      std::string text;
      for (std::size_t c = 0; c < n; ++c) {
        const std::string cell = k < wrapped[c].size() ? wrapped[c][k] : std::string();
        const std::size_t w = display_width(cell);
        const std::string pad(width[c] > w ? width[c] - w : 0, ' ');
        text += (c ? std::string(kGap, ' ') : "") + (right_[c] ? pad + cell : cell + pad);
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      out << text << '\n';
    }
  };
  line(header_);
  out << std::string(total(), '-') << '\n';
  for (const auto& r : rows_) line(r);
}

std::string fixed(double value, int decimals) {
  if (std::isnan(value)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string number(double v) {
  if (!std::isfinite(v)) return "-";
  const double a = std::fabs(v);
  return fixed(v, a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 3);
}

std::string short_unit(const std::string& unit) {
  if (unit == "CNY 100 million") return "亿元";
  if (unit == "CNY 100 million per mu") return "亿元/亩";
  if (unit == "percent") return "%";
  return unit;
}

std::string amount(double value, const std::string& unit) {
  if (!std::isfinite(value)) return "-";
  const std::string u = short_unit(unit);
  if (u == "万元/亩" || u == "%") return fixed(value, 1);
  if (u == "亿元" || u == "firms" || u == "projects" || u == "persons" || u == "mu" ||
      u == "year" || u == "years")
    return fixed(value, 0);
  if (u == "1") return fixed(value, 3);
  return number(value);
}

std::string with_unit(double value, const std::string& unit) {
  const std::string u = short_unit(unit);
  return amount(value, unit) + (u.empty() || u == "1" ? "" : " " + u);
}

}  // namespace icsim::cli
