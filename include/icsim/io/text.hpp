#pragma once
// Reading input text safely: every file the engine reads (table CSVs, table.toml, scenario
// files, concordances, district files) comes through here, so that
//  - filesystem problems (missing, a folder or a device where a file should be, symbolic-link
//    loops, permissions) are InputErrors naming the path, never std::filesystem errors;
//  - text is valid UTF-8 (no NUL bytes); GB18030/GBK and UTF-16 files are refused with the
//    line, the column and how to re-save them (the line is shown as it reads in GB18030);
//  - TOML nesting is bounded before the TOML parser sees the text (it recurses once per level
//    and would overflow the stack on a file with 100,000 nested dotted keys or table headers).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace icsim::io {

// What is at a path. Throws InputError (naming the path) for a symbolic-link loop, a folder on
// the way that cannot be searched, a name that is too long, and any other error than "absent".
enum class PathKind { missing, file, folder, other };
PathKind path_kind(const std::string& path);

// The bytes of a regular file. InputError "PATH: ..." if it is missing, a folder, a device,
// pipe or socket, unreadable, or if reading fails. `what` names the file's role in messages
// ("table file", "scenario file"); "file" by default.
std::string read_file_bytes(const std::string& path, const std::string& what = "file");

// A problem found in text: 1-based line and column (in bytes) and the message, without the
// file name (callers that collect diagnostics need the parts).
struct TextProblem {
  long line = 0;
  long column = 0;
  std::string message;
};

// The first byte that makes `text` invalid UTF-8 (or a NUL byte), as a TextProblem whose
// message says what to do; nullopt when the text is valid. A leading UTF-8 BOM is valid.
std::optional<TextProblem> utf8_problem(std::string_view text);

// Throws InputError "NAME:LINE: column C: ..." for the problem utf8_problem finds.
void require_utf8(std::string_view text, const std::string& name);

// read_file_bytes + require_utf8.
std::string read_text_file(const std::string& path, const std::string& what = "file");

// The deepest TOML nesting accepted: table-header segments + dotted-key segments + nested
// arrays and inline tables. Scenario and table files need fewer than 10.
inline constexpr std::size_t kMaxTomlNesting = 64;

// The first place where TOML `text` nests deeper than `max_depth`, or nullopt. A conservative
// scan (strings and comments skipped), run before toml++ parses the text.
std::optional<TextProblem> toml_nesting_problem(std::string_view text,
                                                std::size_t max_depth = kMaxTomlNesting);

// Throws InputError "NAME:LINE: ..." for the problem toml_nesting_problem finds.
void require_toml_nesting(std::string_view text, const std::string& name,
                          std::size_t max_depth = kMaxTomlNesting);

}  // namespace icsim::io
