// Scenario documents: reading a TOML file and its `extends` chain, merging child over parent,
// applying `--set` overrides, and writing the resolved document back as text.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "icsim/common/error.hpp"
#include "icsim/io/text.hpp"
#include "internal.hpp"

namespace fs = std::filesystem;

namespace icsim::scenario::detail {

// ---- small helpers -----------------------------------------------------------------------------

Where where_of(const toml::source_region& source, const std::string& fallback_file) {
  Where w;
  std::string path = source.path ? *source.path : std::string();
  if (path.rfind(kSetPrefix, 0) == 0) {
    w.file = "--set";
    w.set_argument = path.substr(std::string(kSetPrefix).size());
    return w;
  }
  w.file = path.empty() ? fallback_file : path;
  if (!path.empty()) {
    w.line = static_cast<long>(source.begin.line);
    w.column = static_cast<long>(source.begin.column);
  }
  return w;
}

void Sink::add(const Where& where, const std::string& key, const std::string& message) {
  Diagnostic d;
  d.file = where.file;
  d.line = where.line;
  d.column = where.column;
  d.key = key;
  d.message = message;
  if (!where.set_argument.empty()) d.message += " (in --set " + where.set_argument + ")";
  list_.push_back(std::move(d));
}

std::string join(const std::vector<std::string>& items, const std::string& sep, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) out += (i ? sep : "") + items[i];
  if (items.size() > max) out += sep + "... (" + std::to_string(items.size() - max) + " more)";
  return out;
}

namespace {
std::size_t levenshtein(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& c : candidates) {
    std::size_t d = levenshtein(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  if (best.empty() && !word.empty())
    for (const auto& c : candidates)
      if (c.rfind(word, 0) == 0 || (word.size() >= 3 && word.rfind(c, 0) == 0 && c.size() >= 3)) {
        best = c;
        break;
      }
  return best.empty() ? std::string() : "; did you mean '" + best + "'?";
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

// ---- reading files -------------------------------------------------------------------------

namespace {

std::string absolute_in(const std::string& path, const fs::path& folder) {
  fs::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (folder / p).lexically_normal().string();
}

// Makes the path-valued strings under `node` (at `pattern`) absolute against `folder`.
void absolutise(toml::node& node, const std::string& pattern, const fs::path& folder) {
  if (is_path_key(pattern)) {
    if (auto* s = node.as_string()) s->get() = absolute_in(s->get(), folder);
    return;
  }
  if (auto* t = node.as_table())
    for (auto&& [k, v] : *t) absolutise(v, child_pattern(pattern, std::string(k.str())), folder);
}

// Identity of an entry of an array of tables, for merging by name; "" if it has none.
std::string identity(const toml::table& entry, const std::string& pattern) {
  if (pattern == "target") return entry["id"].value_or(std::string());
  if (pattern == "actual") {
    std::ostringstream s;
    s << entry["metric"].value_or(std::string()) << "|";
    if (auto* sel = entry["select"].as_array())
      for (auto&& e : *sel) s << e.value_or(std::string()) << ",";
    s << "|" << entry["year"].value_or(std::int64_t{0});
    return s.str();
  }
  return entry["name"].value_or(std::string());
}

bool atomic(const std::string& pattern) {
  return is_growth_spec(pattern) || pattern == "programme[].split" ||
         pattern == "target[].denominator";
}

void merge_tables(toml::table& base, toml::table&& over, const std::string& pattern);

void merge_arrays(toml::array& base, toml::array&& over, const std::string& pattern) {
  for (auto&& elem : over) {
    auto* t = elem.as_table();
    std::string id = t ? identity(*t, pattern) : std::string();
    toml::table* match = nullptr;
    if (!id.empty())
      for (auto&& b : base)
        if (auto* bt = b.as_table(); bt && identity(*bt, pattern) == id) match = bt;
    if (match)
      merge_tables(*match, std::move(*t), pattern + "[]");
    else
      base.push_back(std::move(elem));
  }
}

void merge_tables(toml::table& base, toml::table&& over, const std::string& pattern) {
  for (auto&& [k, v] : over) {
    const std::string key(k.str());
    const std::string child = child_pattern(pattern, key);
    toml::node* existing = base.get(key);
    if (existing && !atomic(child) && existing->is_table() && v.is_table()) {
      merge_tables(*existing->as_table(), std::move(*v.as_table()), child);
    } else if (existing && is_array_of_tables(child) && existing->is_array() && v.is_array()) {
      merge_arrays(*existing->as_array(), std::move(*v.as_array()), child);
    } else {
      base.insert_or_assign(k, std::move(v));
    }
  }
}

std::string chain_text(const std::vector<std::string>& stack, const std::string& last) {
  std::string out;
  for (const auto& s : stack) out += s + " -> ";
  return out + last;
}

std::optional<toml::table> read_file(const std::string& path, const Where& named_at,
                                     const std::string& key, std::vector<std::string>& stack,
                                     Sink& sink) {
  // Every filesystem problem (missing, a folder, a device, a link loop, no permission) is
  // reported where the file is named; problems in the text where they are in the file.
  std::string text;
  try {
    const io::PathKind kind = io::path_kind(path);
    if (kind == io::PathKind::missing) {
      sink.add(named_at, key, "cannot open '" + path + "': no such file");
      return std::nullopt;
    }
    if (kind != io::PathKind::file) {
      sink.add(named_at, key,
               "'" + path + "' is not a file (" +
                   (kind == io::PathKind::folder ? "a folder" : "a device, pipe or socket") + ")");
      return std::nullopt;
    }
    text = io::read_file_bytes(path, "scenario file");
  } catch (const InputError& e) {
    sink.add(named_at, key, e.what());
    return std::nullopt;
  }
  if (auto problem = io::utf8_problem(text)) {
    sink.add(Where{path, problem->line, problem->column, {}}, "", problem->message);
    return std::nullopt;
  }
  // toml++ recurses once per nesting level: bound the depth before it parses.
  if (auto problem = io::toml_nesting_problem(text)) {
    sink.add(Where{path, problem->line, 0, {}}, "", problem->message);
    return std::nullopt;
  }
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    Where w{path,
            static_cast<long>(e.source().begin.line),
            static_cast<long>(e.source().begin.column),
            {}};
    sink.add(w, "", "not valid TOML: " + std::string(e.description()));
    return std::nullopt;
  }
  const fs::path folder = fs::path(path).parent_path();
  absolutise(doc, "", folder);
  toml::node* ext = doc.get("extends");
  if (!ext) return doc;
  const Where ext_where = where_of(ext->source(), path);
  if (!ext->is_string()) {
    sink.add(ext_where, "extends",
             "expected a string (the path of the parent scenario file), got " + type_name(*ext));
    return std::nullopt;
  }
  const std::string parent_path = absolute_in(ext->as_string()->get(), folder);
  doc.erase("extends");
  if (std::find(stack.begin(), stack.end(), parent_path) != stack.end()) {
    sink.add(ext_where, "extends",
             "circular inheritance: " + chain_text(stack, parent_path) +
                 " (a file cannot extend itself, directly or through its parents)");
    return std::nullopt;
  }
  stack.push_back(parent_path);
  std::optional<toml::table> parent = read_file(parent_path, ext_where, "extends", stack, sink);
  stack.pop_back();
  if (!parent) return std::nullopt;
  merge_tables(*parent, std::move(doc), "");
  return parent;
}

// ---- overrides -----------------------------------------------------------------------------

std::string quote_toml(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// The value of an override, as key "v" of a table; its source path names the argument.
toml::table override_value(const Override& o) {
  const std::string source = std::string(kSetPrefix) + o.key + "=" + o.value;
  std::optional<toml::table> parsed;
  try {
    // Too deep a value is taken as a string (and refused by the key's type check).
    if (!io::toml_nesting_problem("v = " + o.value)) parsed = toml::parse("v = " + o.value, source);
  } catch (const toml::parse_error&) {
  }
  if (!parsed || parsed->size() != 1 || !parsed->get("v"))
    parsed = toml::parse("v = " + quote_toml(o.value), source);
  if (auto* t = parsed->get("v")->as_table()) t->is_inline(true);
  return std::move(*parsed);
}

void apply_override(toml::table& root, const Override& o, Sink& sink) {
  const Where w{"--set", 0, 0, o.key + "=" + o.value};
  const std::vector<std::string> segments = split_key(o.key);
  if (segments.empty()) {
    sink.add(w, o.key, "empty key; expected a dotted key such as scenario.replications");
    return;
  }
  toml::table* table = &root;
  std::string pattern;
  std::string shown;  // the key as far as resolved, for messages
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& seg = segments[i];
    const bool last = i + 1 == segments.size();
    if (!is_free_key_table(pattern)) {
      const auto* keys = table_keys(pattern);
      if (!keys) {
        sink.add(w, shown, "is a single value, it has no key '" + seg + "'");
        return;
      }
      if (std::find(keys->begin(), keys->end(), seg) == keys->end()) {
        const std::string full = shown.empty() ? seg : shown + "." + seg;
        sink.add(
            w, full,
            "unknown key" + did_you_mean(seg, *keys) + " (valid here: " + join(*keys, ", ") + ")");
        return;
      }
    }
    const std::string child = child_pattern(pattern, seg);
    shown = shown.empty() ? seg : shown + "." + seg;
    if (last) {
      toml::table holder = override_value(o);
      toml::node* value = holder.get("v");
      absolutise(*value, child, fs::current_path());
      if (is_array_of_tables(child) && !value->is_array())
        sink.add(w, shown, "expected an array of tables");
      table->insert_or_assign(seg, std::move(*value));
      return;
    }
    if (is_array_of_tables(child)) {
      // The next segment names the entry: by name/id, or [index].
      toml::array* arr = table->get(seg) ? table->get(seg)->as_array() : nullptr;
      const std::string& which = segments[i + 1];
      toml::table* entry = nullptr;
      std::vector<std::string> names;
      if (arr) {
        if (which.size() > 2 && which.front() == '[') {
          std::size_t index = 0;
          try {
            index = std::stoul(which.substr(1, which.size() - 2));
          } catch (const std::exception&) {
            index = arr->size();
          }
          if (index < arr->size()) entry = (*arr)[index].as_table();
        } else {
          for (auto&& e : *arr)
            if (auto* t = e.as_table()) {
              std::string id = identity(*t, child);
              names.push_back(id);
              if (id == which) entry = t;
            }
        }
      }
      const bool by_index = which.size() > 2 && which.front() == '[';
      if (!entry && by_index) {
        const std::size_t count = arr ? arr->size() : 0;
        sink.add(w, shown + which,
                 "no " + seg + " entry " + which + ": the file has " + std::to_string(count) + " " +
                     seg + " entr" + (count == 1 ? "y" : "ies") +
                     (count > 0 ? " ([0] to [" + std::to_string(count - 1) + "])" : "") +
                     "; --set changes entries of the file, it cannot add new ones");
        return;
      }
      if (!entry) {
        std::string what = child == "target" ? "id" : "name";
        sink.add(w, shown + "." + which,
                 "no " + seg + " entry with " + what + " '" + which + "'" +
                     did_you_mean(which, names) +
                     (names.empty() ? std::string(" (there are none)")
                                    : " (existing: " + join(names, ", ") + ")") +
                     "; --set changes entries of the file, it cannot add new ones");
        return;
      }
      if (i + 2 == segments.size()) {
        sink.add(w, shown + "." + which,
                 "names a whole entry; set one of its keys, e.g. " + shown + "." + which +
                     ".<key>=VALUE");
        return;
      }
      table = entry;
      pattern = child + "[]";
      shown += which.front() == '[' ? which : "." + which;
      ++i;
      continue;
    }
    toml::node* next = table->get(seg);
    if (!next) {
      table->insert_or_assign(seg, toml::table{});
      next = table->get(seg);
    }
    if (!next->is_table()) {
      if (is_growth_spec(child) && (next->is_number())) {
        // A number growth spec becomes a constant distribution table so a parameter can be set.
        toml::table spec;
        spec.is_inline(true);
        spec.insert("distribution", "constant");
        spec.insert("mean", next->value_or(0.0));
        table->insert_or_assign(seg, std::move(spec));
        next = table->get(seg);
      } else {
        sink.add(w, shown, "is " + type_name(*next) + " in the scenario, not a table");
        return;
      }
    }
    table = next->as_table();
    pattern = child;
  }
}

// Rewrites absolute paths relative to `folder`.
void relativise(toml::node& node, const std::string& pattern, const fs::path& folder) {
  if (is_path_key(pattern)) {
    if (auto* s = node.as_string()) {
      fs::path rel = fs::path(s->get()).lexically_relative(folder);
      if (!rel.empty()) s->get() = rel.generic_string();
    }
    return;
  }
  if (auto* t = node.as_table())
    for (auto&& [k, v] : *t) relativise(v, child_pattern(pattern, std::string(k.str())), folder);
}

// toml++ (as packaged) prints floats with 17 significant digits (0.050000000000000003);
// rewrite every float outside strings in its shortest form that reads back the same double.
std::string shortest_floats(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      out += c;
      if (c == '\\' && quote == '"' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      out += c;
      continue;
    }
    const bool starts = (std::isdigit(static_cast<unsigned char>(c)) || c == '-') &&
                        (i == 0 || std::string(" =[,{\t").find(text[i - 1]) != std::string::npos);
    if (starts) {
      std::size_t end = i + (c == '-' ? 1 : 0);
      while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                                   text[end] == '.' || text[end] == 'e' || text[end] == 'E' ||
                                   ((text[end] == '-' || text[end] == '+') &&
                                    (text[end - 1] == 'e' || text[end - 1] == 'E'))))
        ++end;
      const std::string token = text.substr(i, end - i);
      if (token.find('.') != std::string::npos) {
        const double v = std::strtod(token.c_str(), nullptr);
        char buf[64];
        auto res = std::to_chars(buf, buf + sizeof buf, v);
        std::string shorter(buf, res.ptr);
        if (shorter.find_first_of(".eE") == std::string::npos) shorter += ".0";
        if (std::strtod(shorter.c_str(), nullptr) == v && shorter.size() < token.size()) {
          out += shorter;
          i = end - 1;
          continue;
        }
      }
      out += token;
      i = end - 1;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::optional<toml::table> read_document(const std::string& path,
                                         const std::vector<Override>& overrides, Sink& sink) {
  const std::string top = fs::absolute(path).lexically_normal().string();
  std::vector<std::string> stack{top};
  std::optional<toml::table> doc = read_file(top, Where{top, 0, 0, {}}, "", stack, sink);
  if (!doc) return std::nullopt;
  for (const auto& o : overrides) apply_override(*doc, o, sink);
  return doc;
}

std::string resolved_text(const toml::table& document, const std::string& folder) {
  toml::table copy = document;
  copy.erase("extends");
  relativise(copy, "", fs::path(folder));
  std::ostringstream out;
  out << toml::toml_formatter{copy} << "\n";
  return shortest_floats(out.str());
}

}  // namespace icsim::scenario::detail
