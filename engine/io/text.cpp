#include "icsim/io/text.hpp"

#include <fcntl.h>
#include <iconv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "icsim/common/error.hpp"

namespace icsim::io {
namespace {

// The reason behind an errno, in words a user can act on.
std::string reason(int error) {
  switch (error) {
    case ELOOP:
      return "a loop of symbolic links (too many levels of symbolic links)";
    case EACCES:
    case EPERM:
      return "permission denied (the file or a folder on its path is not readable for you)";
    case ENAMETOOLONG:
      return "the path is too long";
    case ENOENT:
      return "no such file or folder";
    case ENOTDIR:
      return "a part of the path is a file, not a folder";
    default:
      return std::strerror(error);
  }
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const std::size_t left = s.size() - i;
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  auto cont = [&](std::size_t k) { return k < left && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 2) return 0;
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return b(1) >= lo && b(1) <= hi && cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 2) return 0;
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return b(1) >= lo && b(1) <= hi && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

// `line` decoded as GB18030 (a superset of GBK and GB2312), or nullopt if it is not GB18030.
std::optional<std::string> as_gb18030(std::string_view line) {
  iconv_t cd = ::iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string in(line), out(line.size() * 4 + 16, '\0');
  char* src = in.data();
  char* dst = out.data();
  std::size_t src_left = in.size(), dst_left = out.size();
  const std::size_t done = ::iconv(cd, &src, &src_left, &dst, &dst_left);
  ::iconv_close(cd);
  if (done == static_cast<std::size_t>(-1) || src_left != 0) return std::nullopt;
  out.resize(out.size() - dst_left);
  return out;
}

// The script of a two-byte UTF-8 character (U+0080..U+07FF), as a bit; 0 for symbols and
// combining marks, which mix with any script (°, ×, ·, accents).
unsigned script_bit(unsigned cp) {
  if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7 || (cp >= 0x300 && cp < 0x370)) return 0;
  if (cp < 0x250) return 1u << 0;  // Latin
  if (cp < 0x300) return 1u << 1;  // IPA, spacing modifiers
  if (cp < 0x400) return 1u << 2;  // Greek
  if (cp < 0x530) return 1u << 3;  // Cyrillic
  if (cp < 0x590) return 1u << 4;  // Armenian
  if (cp < 0x600) return 1u << 5;  // Hebrew
  if (cp < 0x700) return 1u << 6;  // Arabic
  return 1u << 7;                  // Syriac, Thaana, NKo
}

// Whether a run of valid non-ASCII UTF-8 looks like GBK bytes read as UTF-8: Chinese text in
// GBK whose bytes happen to form two-byte UTF-8 sequences decodes to a word that mixes scripts
// ('农业' -> 'ũҵ', Latin and Cyrillic), which no real word does; and the same bytes read as
// GB18030 give Chinese characters.
bool mojibake_run(std::string_view run) {
  unsigned scripts = 0;
  std::size_t chars = 0;
  for (std::size_t k = 0; k < run.size(); k += 2, ++chars) {
    const auto lead = static_cast<unsigned char>(run[k]);
    if (lead >= 0xE0 || k + 1 >= run.size()) return false;  // 3- and 4-byte: real CJK text
    scripts |= script_bit(((lead & 0x1Fu) << 6) | (static_cast<unsigned char>(run[k + 1]) & 0x3Fu));
  }
  if (chars < 2 || (scripts & (scripts - 1)) == 0) return false;
  const std::optional<std::string> gb = as_gb18030(run);
  if (!gb) return false;
  for (std::size_t k = 0; k + 2 < gb->size(); ++k) {
    const auto c = static_cast<unsigned char>((*gb)[k]);
    if (c >= 0xE4 && c <= 0xE9) return true;  // U+4E00..U+9FFF, CJK ideographs
  }
  return false;
}

// The 1-based line and column (in bytes) of byte `pos` of `text`.
std::pair<long, long> line_and_column(std::string_view text, std::size_t pos) {
  long line = 1;
  std::size_t line_start = 0;
  for (std::size_t k = 0; k < pos && k < text.size(); ++k)
    if (text[k] == '\n') {
      ++line;
      line_start = k + 1;
    }
  return {line, static_cast<long>(pos - line_start) + 1};
}

}  // namespace

PathKind path_kind(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int error = errno;
    if (error == ENOENT) return PathKind::missing;
    throw InputError(located(path, 0, "cannot be reached: " + reason(error)));
  }
  if (S_ISREG(st.st_mode)) return PathKind::file;
  if (S_ISDIR(st.st_mode)) return PathKind::folder;
  return PathKind::other;
}

std::string read_file_bytes(const std::string& path, const std::string& what) {
  Fd f;
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (f.fd < 0) {
    const int error = errno;
    throw InputError(located(path, 0, "cannot open the " + what + ": " + reason(error)));
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0)
    throw InputError(located(path, 0, "cannot read the " + what + ": " + reason(errno)));
  if (S_ISDIR(st.st_mode))
    throw InputError(located(path, 0, "is a folder; expected the " + what + " itself"));
  if (!S_ISREG(st.st_mode))
    throw InputError(
        located(path, 0, "is not a regular file (a device, pipe or socket); expected the " + what));
  // Read straight into the string (one copy of the file, not two); a file that grows while it
  // is read is read to its end.
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t have = 0;
  for (;;) {
    if (have == bytes.size()) bytes.resize(bytes.size() + (1 << 16));
    const ssize_t got = ::read(f.fd, bytes.data() + have, bytes.size() - have);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw InputError(located(path, 0, "reading the " + what + " failed: " + reason(errno)));
    }
    if (got == 0) break;
    have += static_cast<std::size_t>(got);
  }
  bytes.resize(have);
  return bytes;
}

std::optional<TextProblem> utf8_problem(std::string_view text) {
  if (text.size() >= 2 &&
      ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF')))
    return TextProblem{1, 1,
                       "the file is UTF-16 (Excel's 'Unicode text'); re-save it as UTF-8 (Excel: "
                       "'CSV UTF-8 (comma delimited)')"};
  // Find the first bad byte: ASCII is checked eight bytes at a time (no high bit, no zero byte),
  // other text run by run (a run: consecutive non-ASCII characters); the line is counted only
  // when there is a problem. Runs that are valid UTF-8 but read like GB18030/GBK text taken as
  // UTF-8 (mojibake_run) are remembered, and reported if nothing worse is found.
  std::size_t i = 0;
  const std::size_t size = text.size();
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  std::optional<std::pair<std::size_t, std::size_t>> mojibake;
  for (;;) {
    while (i + 8 <= size) {
      std::uint64_t w;
      std::memcpy(&w, text.data() + i, 8);
      if (((w | ((w - kOnes) & ~w)) & kHigh) != 0) break;  // a high bit or a zero byte
      i += 8;
    }
    if (i >= size || text[i] == '\0') break;
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t run = i;
    bool bad = false;
    while (i < size && static_cast<unsigned char>(text[i]) >= 0x80) {
      const std::size_t n = utf8_sequence(text, i);
      if (n == 0) {
        bad = true;
        break;
      }
      i += n;
    }
    if (bad) break;
    if (!mojibake && mojibake_run(text.substr(run, i - run))) mojibake.emplace(run, i);
  }
  if (i >= size && mojibake) {
    const auto [from, to] = *mojibake;
    const auto [line, column] = line_and_column(text, from);
    const std::string seen(text.substr(from, to - from));
    return TextProblem{line, column,
                       "the text '" + seen +
                           "' is valid UTF-8 but reads like GB18030/GBK text (the Chinese Windows "
                           "encoding) taken as UTF-8: in GB18030 it reads '" +
                           as_gb18030(seen).value_or("?") +
                           "'. If that is what the file means, re-save it as UTF-8 (Excel: 'CSV "
                           "UTF-8 (comma delimited)'; or iconv -f GB18030 -t UTF-8 FILE > "
                           "NEW_FILE)"};
  }
  if (i >= size) return std::nullopt;
  const char c = text[i];
  const auto [line, column] = line_and_column(text, i);
  if (c == '\0')
    return TextProblem{line, column,
                       "a NUL byte: the file is binary or UTF-16, not UTF-8 text; re-save it as "
                       "UTF-8"};
  // The non-ASCII run around the bad byte (a word, a name), decoded as GB18030 if it is.
  const std::size_t line_start = i + 1 - static_cast<std::size_t>(column);
  std::size_t run_start = i, run_end = i;
  while (run_start > line_start && i - run_start < 120 &&
         static_cast<unsigned char>(text[run_start - 1]) >= 0x80)
    --run_start;
  while (run_end < text.size() && run_end - i < 120 &&
         static_cast<unsigned char>(text[run_end]) >= 0x80)
    ++run_end;
  std::optional<std::string> gb = as_gb18030(text.substr(run_start, run_end - run_start));
  if (!gb) gb = as_gb18030(text.substr(i, run_end - i));
  std::string message = "not valid UTF-8 (byte " + hex_byte(static_cast<unsigned char>(c)) + ")";
  if (gb) {
    message +=
        "; the file looks like GB18030/GBK, the Chinese Windows encoding, in which the text "
        "there reads '" +
        *gb +
        "'. icsim reads UTF-8 only: re-save the file as UTF-8 (Excel: 'CSV UTF-8 (comma "
        "delimited)'; or iconv -f GB18030 -t UTF-8 FILE > NEW_FILE)";
  } else {
    message += "; re-save the file as UTF-8";
  }
  return TextProblem{line, column, message};
}

void require_utf8(std::string_view text, const std::string& name) {
  if (auto p = utf8_problem(text))
    throw InputError(
        located(name, p->line, "column " + std::to_string(p->column) + ": " + p->message));
}

std::string read_text_file(const std::string& path, const std::string& what) {
  std::string text = read_file_bytes(path, what);
  require_utf8(text, path);
  return text;
}

// ---- TOML nesting ---------------------------------------------------------------------------

std::optional<TextProblem> toml_nesting_problem(std::string_view s, std::size_t max_depth) {
  long line = 1;
  std::size_t table_depth = 0;    // segments of the last [table] header
  std::vector<std::size_t> open;  // depth of each open array / inline table
  std::vector<bool> open_is_table;
  std::size_t depth = 0;  // depth of the key or value being read
  bool in_key = true, statement_start = true;
  auto too_deep = [&]() {
    return TextProblem{line, 0,
                       "nested more than " + std::to_string(max_depth) +
                           " levels deep (table headers, dotted keys, arrays and inline tables "
                           "together); icsim accepts at most " +
                           std::to_string(max_depth)};
  };
  // Skips a string starting at s[i] (one of " ' """ '''), counting lines; returns the index
  // after it.
  auto skip_string = [&](std::size_t i) {
    const char q = s[i];
    const bool triple = s.substr(i, 3) == std::string(3, q);
    i += triple ? 3 : 1;
    while (i < s.size()) {
      if (s[i] == '\\' && q == '"') {
        if (i + 1 < s.size() && s[i + 1] == '\n') ++line;
        i += 2;
        continue;
      }
      if (s[i] == '\n') {
        ++line;
        if (!triple) return i;  // unterminated: toml++ reports it
      }
      if (s[i] == q && (!triple || s.substr(i, 3) == std::string(3, q)))
        return i + (triple ? 3 : 1);
      ++i;
    }
    return i;
  };
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      if (open.empty()) {
        in_key = statement_start = true;
        depth = table_depth;
      }
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      if (in_key && statement_start) depth = (open.empty() ? table_depth : open.back()) + 1;
      statement_start = false;
      i = skip_string(i);
      continue;
    }
    if (open.empty() && statement_start && c == '[') {  // [table] or [[array of tables]]
      std::size_t segments = 1;
      for (++i; i < s.size() && s[i] != ']' && s[i] != '\n';) {
        if (s[i] == '"' || s[i] == '\'') {
          i = skip_string(i);
          continue;
        }
        if (s[i] == '.' && ++segments > max_depth) return too_deep();
        ++i;
      }
      table_depth = depth = segments;
      statement_start = false;
      continue;
    }
    if (in_key) {
      if (statement_start) {
        depth = (open.empty() ? table_depth : open.back()) + 1;
        statement_start = false;
      }
      if (c == '.') ++depth;
      if (c == '=') in_key = false;
      if (c == '}' && !open.empty()) {  // empty inline table
        depth = open.back();
        open.pop_back();
        open_is_table.pop_back();
        in_key = false;
      }
      if (depth > max_depth) return too_deep();
      ++i;
      continue;
    }
    if (c == '[' || c == '{') {
      open.push_back(depth);
      open_is_table.push_back(c == '{');
      if (++depth > max_depth) return too_deep();
      in_key = statement_start = c == '{';
    } else if ((c == ']' || c == '}') && !open.empty()) {
      depth = open.back();
      open.pop_back();
      open_is_table.pop_back();
    } else if (c == ',' && !open.empty()) {
      depth = open.back() + 1;
      in_key = statement_start = open_is_table.back();
    }
    ++i;
  }
  return std::nullopt;
}

void require_toml_nesting(std::string_view text, const std::string& name, std::size_t max_depth) {
  if (auto p = toml_nesting_problem(text, max_depth))
    throw InputError(located(name, p->line, p->message));
}

}  // namespace icsim::io
