#include "icsim/io/table_format.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "icsim/common/error.hpp"
#include "icsim/io/csv.hpp"
#include "icsim/io/text.hpp"
#include "table_text.hpp"

namespace fs = std::filesystem;

namespace icsim::io {
using detail::fmt;
using detail::join;
using detail::trim;
namespace {

// Whether an optional file of the folder is there; a folder or device in its place is an error
// reported by the reader, a loop or a permission problem by path_kind.
bool optional_file(const std::string& path) { return path_kind(path) != PathKind::missing; }

// ---- table.toml -----------------------------------------------------------------------------

TableMeta read_meta(const std::string& path) {
  if (path_kind(path) == PathKind::missing)
    throw InputError(located(path, 0, "missing file (every table folder needs table.toml)"));
  const std::string source = read_text_file(path, "table description");
  require_toml_nesting(source, path);
  toml::table doc;
  try {
    doc = toml::parse(source, path);
  } catch (const toml::parse_error& e) {
    throw InputError(located(path, static_cast<long>(e.source().begin.line),
                             "column " + std::to_string(e.source().begin.column) +
                                 ": not valid TOML: " + std::string(e.description())));
  }
  static const std::set<std::string> known = {
      "name",          "region", "year", "money_unit",       "source", "household_consumption",
      "labour_income", "taxes",  "gfcf", "balance_tolerance"};
  for (const auto& [key, node] : doc) {
    if (!known.count(std::string(key.str())))
      throw InputError(located(path, static_cast<long>(node.source().begin.line),
                               "unknown key '" + std::string(key.str()) + "'; expected one of: " +
                                   join({known.begin(), known.end()}, ", ", 20)));
  }
  TableMeta meta;
  auto text = [&](const char* key, std::string& out, bool required) {
    auto node = doc[key];
    if (!node) {
      if (required)
        throw InputError(located(path, 0, std::string("missing key '") + key + "' (a string)"));
      return;
    }
    if (!node.is_string())
      throw InputError(located(path, static_cast<long>(node.node()->source().begin.line),
                               std::string("key '") + key + "': expected a string"));
    out = *node.value<std::string>();
  };
  text("name", meta.name, true);
  text("region", meta.region, true);
  text("money_unit", meta.money_unit, true);
  text("source", meta.source, true);
  text("household_consumption", meta.household_consumption, false);
  text("labour_income", meta.labour_income, false);
  text("taxes", meta.taxes, false);
  text("gfcf", meta.gfcf, false);
  auto year = doc["year"];
  if (!year) throw InputError(located(path, 0, "missing key 'year' (an integer, e.g. 2017)"));
  if (!year.is_integer())
    throw InputError(located(path, static_cast<long>(year.node()->source().begin.line),
                             "key 'year': expected an integer, e.g. 2017"));
  const std::int64_t year_value = *year.value<std::int64_t>();
  if (year_value < kMinTableYear || year_value > kMaxTableYear)
    throw InputError(located(path, static_cast<long>(year.node()->source().begin.line),
                             "key 'year': expected a year from " + std::to_string(kMinTableYear) +
                                 " to " + std::to_string(kMaxTableYear) + ", got " +
                                 std::to_string(year_value)));
  meta.year = static_cast<int>(year_value);
  if (auto tol = doc["balance_tolerance"]) {
    auto v = tol.value<double>();
    if (!v || !(*v > 0.0) || *v >= 1.0)
      throw InputError(located(path, static_cast<long>(tol.node()->source().begin.line),
                               "key 'balance_tolerance': expected a number in (0, 1), e.g. 1e-6"));
    meta.balance_tolerance = *v;
  }
  return meta;
}

// ---- CSV blocks keyed by sector code --------------------------------------------------------

// Sector code -> index, for the n lookups of a header or a block's rows (IOTable::sector_index
// is a linear search: n^2 string comparisons at n = 4,000 cost more than parsing the numbers).
std::unordered_map<std::string_view, int> sector_lookup(const IOTable& t) {
  std::unordered_map<std::string_view, int> index;
  index.reserve(t.codes.size());
  for (std::size_t j = 0; j < t.codes.size(); ++j) index.emplace(t.codes[j], static_cast<int>(j));
  return index;
}

int find_sector(const std::unordered_map<std::string_view, int>& index, std::string_view code) {
  const auto it = index.find(code);
  return it == index.end() ? -1 : it->second;
}

// Maps the header columns [first, end) of `csv` onto sector indices: every sector exactly once,
// in any order, nothing else.
std::vector<int> sector_columns(const CsvText& csv, std::size_t first, const IOTable& t) {
  const std::size_t found = csv.header.size() - first;
  std::vector<int> map;
  std::vector<std::string> unknown;
  std::set<std::string> seen;
  const auto index = sector_lookup(t);
  for (std::size_t c = first; c < csv.header.size(); ++c) {
    const std::string& code = csv.header[c];
    if (!seen.insert(code).second)
      throw InputError(located(csv.path, 1, "header names sector '" + code + "' twice"));
    int idx = find_sector(index, code);
    if (idx < 0) unknown.push_back(code);
    map.push_back(idx);
  }
  if (!unknown.empty())
    throw InputError(located(
        csv.path, 1, "header has sector codes not in sectors.csv: " + join(unknown, ", ", 8)));
  if (found != t.size()) {
    std::vector<std::string> missing;
    for (const auto& code : t.codes)
      if (!seen.count(code)) missing.push_back(code);
    throw InputError(
        located(csv.path, 1,
                "header has " + std::to_string(found) + " sector columns, expected " +
                    std::to_string(t.size()) +
                    " (one per sector in sectors.csv); missing: " + join(missing, ", ", 8)));
  }
  return map;
}

void require_header(const CsvText& csv, const std::vector<std::string>& leading) {
  for (std::size_t i = 0; i < leading.size(); ++i)
    if (csv.header.size() <= i || csv.header[i] != leading[i])
      throw InputError(located(csv.path, 1,
                               "header must start with '" + join(leading, ",", 10) + "', found '" +
                                   join(csv.header, ",", 6) + "'"));
}

// Rows keyed by sector code in column 0 (Z, final demand, bridge): returns row index per record.
std::vector<int> sector_rows(const CsvText& csv, const IOTable& t) {
  std::vector<int> map;
  std::map<std::string, long> seen;
  const auto index = sector_lookup(t);
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    const std::string code = csv.text(r, 0);
    int idx = find_sector(index, code);
    if (idx < 0)
      throw InputError(
          located(csv.path, csv.line(r), "sector code '" + code + "' is not in sectors.csv"));
    auto [it, inserted] = seen.emplace(code, csv.line(r));
    if (!inserted)
      throw InputError(located(
          csv.path, csv.line(r),
          "sector '" + code + "' appears twice (also on line " + std::to_string(it->second) + ")"));
    map.push_back(idx);
  }
  if (csv.rows() != t.size()) {
    std::vector<std::string> missing;
    for (const auto& code : t.codes)
      if (!seen.count(code)) missing.push_back(code);
    throw InputError(located(csv.path, 0,
                             "has " + std::to_string(csv.rows()) + " sector rows, expected " +
                                 std::to_string(t.size()) +
                                 "; missing: " + join(missing, ", ", 8)));
  }
  return map;
}

void read_sectors(const std::string& path, IOTable& t) {
  CsvText csv = read_csv_text(path);
  int code = csv.column("code"), name = csv.column("name"), zh = csv.column("name_zh"),
      region = csv.column("region");
  if (code < 0 || name < 0)
    throw InputError(located(
        path, 1,
        "header must have columns 'code' and 'name' (optional 'name_zh', 'region'), found '" +
            join(csv.header, ",", 8) + "'"));
  std::map<std::string, long> seen;
  auto cell = [&](std::size_t r, int c) {
    return c >= 0 ? csv.text(r, static_cast<std::size_t>(c)) : std::string();
  };
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    std::string c = cell(r, code);
    if (c.empty()) throw InputError(located(path, csv.line(r), "empty sector code"));
    auto [it, inserted] = seen.emplace(c, csv.line(r));
    if (!inserted)
      throw InputError(located(
          path, csv.line(r),
          "duplicate sector code '" + c + "' (first on line " + std::to_string(it->second) + ")"));
    t.codes.push_back(c);
    t.names.push_back(cell(r, name));
    t.names_zh.push_back(cell(r, zh));
    t.sector_region.push_back(cell(r, region));
  }
  if (t.codes.empty()) throw InputError(located(path, 0, "no sectors listed"));
}

// A component block: header `<key>,[unit,]codes...`, one row per component.
Labelled read_component_rows(const std::string& path, const IOTable& t, const std::string& key,
                             bool with_unit, bool allow_negative) {
  CsvText csv = read_csv_text(path);
  std::vector<std::string> leading{key};
  if (with_unit) leading.push_back("unit");
  require_header(csv, leading);
  std::vector<int> cols = sector_columns(csv, leading.size(), t);
  Labelled block;
  block.values = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(csv.rows()),
                                       static_cast<Eigen::Index>(t.size()));
  std::map<std::string, long> seen;
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    const long line = csv.line(r);
    std::string label = csv.text(r, 0);
    if (label.empty()) throw InputError(located(path, line, "empty " + key + " name"));
    auto [it, inserted] = seen.emplace(label, line);
    if (!inserted)
      throw InputError(located(path, line,
                               key + " '" + label + "' appears twice (also on line " +
                                   std::to_string(it->second) + ")"));
    block.labels.push_back(label);
    if (with_unit) block.units.push_back(csv.text(r, 1));
    for (std::size_t c = leading.size(); c < csv.header.size(); ++c) {
      double v = csv.number(r, c);
      if (v < 0.0 && !allow_negative)
        throw InputError(located(path, line,
                                 "column '" + csv.header[c] + "', " + key + " '" + label +
                                     "': negative value " + fmt(v) +
                                     " (flows in this file must be >= 0)"));
      block.values(static_cast<Eigen::Index>(r), cols[c - leading.size()]) = v;
    }
  }
  return block;
}
}  // namespace

IOTable load_table_folder(const std::string& dir) {
  if (const PathKind kind = path_kind(dir); kind != PathKind::folder)
    throw InputError(
        located(dir, 0,
                std::string(kind == PathKind::missing ? "no such folder" : "not a folder") +
                    " (expected a table folder holding table.toml, sectors.csv, "
                    "Z.csv, ...)"));
  const fs::path d(dir);
  IOTable t;
  t.meta = read_meta((d / "table.toml").string());
  read_sectors((d / "sectors.csv").string(), t);
  const Eigen::Index n = static_cast<Eigen::Index>(t.size());

  {  // Z
    CsvText csv = read_csv_text((d / "Z.csv").string());
    require_header(csv, {"code"});
    if (csv.header.size() - 1 != t.size() || csv.rows() != t.size()) {
      if (csv.header.size() - 1 != csv.rows())
        throw InputError(located(csv.path, 0,
                                 "Z is not square: " + std::to_string(csv.rows()) + " rows and " +
                                     std::to_string(csv.header.size() - 1) + " columns; expected " +
                                     std::to_string(n) + " x " + std::to_string(n) +
                                     " (one per sector in sectors.csv)"));
    }
    std::vector<int> cols = sector_columns(csv, 1, t);
    std::vector<int> rows = sector_rows(csv, t);
    t.Z = Eigen::MatrixXd::Zero(n, n);
    for (std::size_t r = 0; r < csv.rows(); ++r)
      for (std::size_t c = 1; c < csv.header.size(); ++c) {
        double v = csv.number(r, c);
        if (v < 0.0)
          throw InputError(located(csv.path, csv.line(r),
                                   "column '" + csv.header[c] + "': negative intermediate flow " +
                                       fmt(v) + " (flows in Z must be >= 0)"));
        t.Z(rows[r], cols[c - 1]) = v;
      }
  }
  {  // final demand
    CsvText csv = read_csv_text((d / "final_demand.csv").string());
    require_header(csv, {"code"});
    if (csv.header.size() < 2)
      throw InputError(located(csv.path, 1, "no final-demand columns after 'code'"));
    std::vector<int> rows = sector_rows(csv, t);
    std::set<std::string> seen;
    for (std::size_t c = 1; c < csv.header.size(); ++c) {
      if (!seen.insert(csv.header[c]).second)
        throw InputError(
            located(csv.path, 1, "final-demand column '" + csv.header[c] + "' appears twice"));
      t.final_demand.labels.push_back(csv.header[c]);
    }
    t.final_demand.values =
        Eigen::MatrixXd::Zero(n, static_cast<Eigen::Index>(csv.header.size() - 1));
    for (std::size_t r = 0; r < csv.rows(); ++r)
      for (std::size_t c = 1; c < csv.header.size(); ++c)
        t.final_demand.values(rows[r], static_cast<Eigen::Index>(c - 1)) = csv.number(r, c);
  }
  t.value_added =
      read_component_rows((d / "value_added.csv").string(), t, "component", false, true);
  t.imports.values = Eigen::MatrixXd::Zero(0, n);
  t.satellites.values = Eigen::MatrixXd::Zero(0, n);
  if (optional_file((d / "imports.csv").string()))
    t.imports = read_component_rows((d / "imports.csv").string(), t, "component", false, false);
  if (optional_file((d / "satellites.csv").string()))
    t.satellites = read_component_rows((d / "satellites.csv").string(), t, "indicator", true, true);
  if (optional_file((d / "gfcf_bridge.csv").string())) {
    CsvText csv = read_csv_text((d / "gfcf_bridge.csv").string());
    require_header(csv, {"code"});
    std::vector<int> cols = sector_columns(csv, 1, t);
    std::vector<int> rows = sector_rows(csv, t);
    Eigen::MatrixXd C = Eigen::MatrixXd::Zero(n, n);
    for (std::size_t r = 0; r < csv.rows(); ++r)
      for (std::size_t c = 1; c < csv.header.size(); ++c) {
        double v = csv.number(r, c);
        if (v < 0.0)
          throw InputError(located(csv.path, csv.line(r),
                                   "column '" + csv.header[c] + "': negative share " + fmt(v)));
        C(rows[r], cols[c - 1]) = v;
      }
    t.gfcf_bridge = C;
  }
  validate_table(t, dir);
  return t;
}

IOTable load_table(const std::string& dir) {
  const fs::path d(dir);
  if (path_kind(dir) != PathKind::folder) return load_table_folder(dir);  // says what it is
  if (path_kind((d / "trade_flows_Z.txt").string()) != PathKind::missing)
    return load_pymrio_folder(dir);
  return load_table_folder(dir);
}
}  // namespace icsim::io
