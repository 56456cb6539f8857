#include "icsim/io/table_format.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "icsim/common/error.hpp"
#include "icsim/io/csv.hpp"

namespace fs = std::filesystem;

namespace icsim::io {
namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) out += (i ? sep : "") + items[i];
  if (items.size() > max) out += sep + "... (" + std::to_string(items.size() - max) + " more)";
  return out;
}

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// ---- table.toml -----------------------------------------------------------------------------

TableMeta read_meta(const std::string& path) {
  if (!fs::exists(path))
    throw InputError(located(path, 0, "missing file (every table folder needs table.toml)"));
  toml::table doc;
  try {
    doc = toml::parse_file(path);
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
  meta.year = static_cast<int>(*year.value<std::int64_t>());
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

// Maps the header columns [first, end) of `csv` onto sector indices: every sector exactly once,
// in any order, nothing else.
std::vector<int> sector_columns(const CsvFile& csv, std::size_t first, const IOTable& t) {
  const std::size_t found = csv.header.size() - first;
  std::vector<int> map;
  std::vector<std::string> unknown;
  std::set<std::string> seen;
  for (std::size_t c = first; c < csv.header.size(); ++c) {
    const std::string& code = csv.header[c];
    if (!seen.insert(code).second)
      throw InputError(located(csv.path, 1, "header names sector '" + code + "' twice"));
    int idx = t.sector_index(code);
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

void require_header(const CsvFile& csv, const std::vector<std::string>& leading) {
  for (std::size_t i = 0; i < leading.size(); ++i)
    if (csv.header.size() <= i || csv.header[i] != leading[i])
      throw InputError(located(csv.path, 1,
                               "header must start with '" + join(leading, ",", 10) + "', found '" +
                                   join(csv.header, ",", 6) + "'"));
}

// Rows keyed by sector code in column 0 (Z, final demand, bridge): returns row index per record.
std::vector<int> sector_rows(const CsvFile& csv, const IOTable& t) {
  std::vector<int> map;
  std::map<std::string, long> seen;
  for (const auto& row : csv.rows) {
    const std::string code = trim(row.fields[0]);
    int idx = t.sector_index(code);
    if (idx < 0)
      throw InputError(
          located(csv.path, row.line, "sector code '" + code + "' is not in sectors.csv"));
    auto [it, inserted] = seen.emplace(code, row.line);
    if (!inserted)
      throw InputError(located(
          csv.path, row.line,
          "sector '" + code + "' appears twice (also on line " + std::to_string(it->second) + ")"));
    map.push_back(idx);
  }
  if (csv.rows.size() != t.size()) {
    std::vector<std::string> missing;
    for (const auto& code : t.codes)
      if (!seen.count(code)) missing.push_back(code);
    throw InputError(located(csv.path, 0,
                             "has " + std::to_string(csv.rows.size()) + " sector rows, expected " +
                                 std::to_string(t.size()) +
                                 "; missing: " + join(missing, ", ", 8)));
  }
  return map;
}

std::string sector_label(const IOTable& t, Eigen::Index j) {
  const auto u = static_cast<std::size_t>(j);
  std::string name = !t.names_zh.empty() && !t.names_zh[u].empty() ? t.names_zh[u] : t.names[u];
  return "'" + t.codes[u] + "'" + (name.empty() || name == t.codes[u] ? "" : " (" + name + ")");
}

void read_sectors(const std::string& path, IOTable& t) {
  CsvFile csv = read_csv(path);
  int code = csv.column("code"), name = csv.column("name"), zh = csv.column("name_zh"),
      region = csv.column("region");
  if (code < 0 || name < 0)
    throw InputError(located(
        path, 1,
        "header must have columns 'code' and 'name' (optional 'name_zh', 'region'), found '" +
            join(csv.header, ",", 8) + "'"));
  std::map<std::string, long> seen;
  for (const auto& row : csv.rows) {
    std::string c = trim(row.fields[static_cast<std::size_t>(code)]);
    if (c.empty()) throw InputError(located(path, row.line, "empty sector code"));
    auto [it, inserted] = seen.emplace(c, row.line);
    if (!inserted)
      throw InputError(located(
          path, row.line,
          "duplicate sector code '" + c + "' (first on line " + std::to_string(it->second) + ")"));
    t.codes.push_back(c);
    t.names.push_back(trim(row.fields[static_cast<std::size_t>(name)]));
    t.names_zh.push_back(zh >= 0 ? trim(row.fields[static_cast<std::size_t>(zh)]) : std::string());
    t.sector_region.push_back(region >= 0 ? trim(row.fields[static_cast<std::size_t>(region)])
                                          : std::string());
  }
  if (t.codes.empty()) throw InputError(located(path, 0, "no sectors listed"));
}

// A component block: header `<key>,[unit,]codes...`, one row per component.
Labelled read_component_rows(const std::string& path, const IOTable& t, const std::string& key,
                             bool with_unit, bool allow_negative) {
  CsvFile csv = read_csv(path);
  std::vector<std::string> leading{key};
  if (with_unit) leading.push_back("unit");
  require_header(csv, leading);
  std::vector<int> cols = sector_columns(csv, leading.size(), t);
  Labelled block;
  block.values = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(csv.rows.size()),
                                       static_cast<Eigen::Index>(t.size()));
  std::map<std::string, long> seen;
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const auto& row = csv.rows[r];
    std::string label = trim(row.fields[0]);
    if (label.empty()) throw InputError(located(path, row.line, "empty " + key + " name"));
    auto [it, inserted] = seen.emplace(label, row.line);
    if (!inserted)
      throw InputError(located(path, row.line,
                               key + " '" + label + "' appears twice (also on line " +
                                   std::to_string(it->second) + ")"));
    block.labels.push_back(label);
    if (with_unit) block.units.push_back(trim(row.fields[1]));
    for (std::size_t c = leading.size(); c < csv.header.size(); ++c) {
      double v = csv.number(row, c);
      if (v < 0.0 && !allow_negative)
        throw InputError(located(path, row.line,
                                 "column '" + csv.header[c] + "', " + key + " '" + label +
                                     "': negative value " + fmt(v) +
                                     " (flows in this file must be >= 0)"));
      block.values(static_cast<Eigen::Index>(r), cols[c - leading.size()]) = v;
    }
  }
  return block;
}

// ---- validation -------------------------------------------------------------------------------

void check_finite(const Eigen::MatrixXd& m, const std::string& what, const std::string& where) {
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (!std::isfinite(m(i, j)))
        throw InputError(where + ": " + what + " has a non-finite value at row " +
                         std::to_string(i + 1) + ", column " + std::to_string(j + 1));
}

}  // namespace

void validate_table(const IOTable& t, const std::string& where) {
  const Eigen::Index n = static_cast<Eigen::Index>(t.size());
  if (t.Z.rows() != n || t.Z.cols() != n)
    throw InputError(where + ": Z is " + std::to_string(t.Z.rows()) + " x " +
                     std::to_string(t.Z.cols()) + ", expected square " + std::to_string(n) + " x " +
                     std::to_string(n));
  if (t.final_demand.values.rows() != n)
    throw InputError(where + ": final demand has " + std::to_string(t.final_demand.values.rows()) +
                     " rows, expected one per sector (" + std::to_string(n) + ")");
  check_finite(t.Z, "Z", where);
  check_finite(t.final_demand.values, "final demand", where);
  check_finite(t.value_added.values, "value added", where);
  check_finite(t.imports.values, "imports", where);
  check_finite(t.satellites.values, "satellites", where);

  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i)
      if (t.Z(i, j) < 0.0)
        throw InputError(where + ": Z has a negative flow " + fmt(t.Z(i, j)) + " from sector " +
                         sector_label(t, i) + " to sector " + sector_label(t, j) +
                         " (intermediate flows must be >= 0)");
  for (Eigen::Index j = 0; j < t.imports.values.cols(); ++j)
    for (Eigen::Index i = 0; i < t.imports.values.rows(); ++i)
      if (t.imports.values(i, j) < 0.0)
        throw InputError(where + ": imports row '" + t.imports.labels[static_cast<std::size_t>(i)] +
                         "' is negative (" + fmt(t.imports.values(i, j)) + ") for sector " +
                         sector_label(t, j));

  // Labels become multiplier names, so they must not collide.
  std::map<std::string, std::string> labels{{"output", "reserved"}};
  auto claim = [&](const Labelled& block, const std::string& file) {
    for (const auto& l : block.labels) {
      if (l == "value_added" && file == "value_added.csv" && block.size() == 1) continue;
      if (l == "imports" && file == "imports.csv" && block.size() == 1) continue;
      auto [it, ok] = labels.emplace(l, file);
      if (!ok)
        throw InputError(where + ": label '" + l + "' in " + file + " is also used in " +
                         it->second + " (labels name multipliers and must be unique)");
    }
  };
  if (t.value_added.size() > 1 ||
      (t.value_added.size() == 1 && t.value_added.labels[0] != "value_added"))
    labels.emplace("value_added", "reserved");
  if (t.imports.size() > 1 || (t.imports.size() == 1 && t.imports.labels[0] != "imports"))
    labels.emplace("imports", "reserved");
  claim(t.value_added, "value_added.csv");
  claim(t.imports, "imports.csv");
  claim(t.satellites, "satellites.csv");

  // Row totals (uses) must equal column totals (inputs).
  const Eigen::VectorXd x = t.total_output();
  const Eigen::VectorXd input = t.total_input();
  const double scale = x.cwiseAbs().maxCoeff();
  std::vector<std::pair<double, Eigen::Index>> off;
  for (Eigen::Index j = 0; j < n; ++j) {
    const double diff = std::abs(x(j) - input(j));
    const double allowed =
        t.meta.balance_tolerance * std::max(std::abs(x(j)), std::abs(input(j))) + 1e-12 * scale;
    if (diff > allowed) off.emplace_back(diff, j);
  }
  if (!off.empty()) {
    std::sort(off.rbegin(), off.rend());
    std::ostringstream msg;
    msg << where << ": the table is not balanced in " << off.size()
        << " sector(s) (relative tolerance " << t.meta.balance_tolerance
        << "; row total = Z + final demand, column total = Z + imports + value added):";
    for (std::size_t k = 0; k < off.size() && k < 5; ++k) {
      Eigen::Index j = off[k].second;
      msg << "\n  sector " << sector_label(t, j) << ": row total " << fmt(x(j)) << ", column total "
          << fmt(input(j)) << ", off by " << fmt(x(j) - input(j));
      if (x(j) != 0.0) msg << " (" << fmt(100.0 * (x(j) - input(j)) / x(j)) << " %)";
    }
    if (off.size() > 5) msg << "\n  ... and " << off.size() - 5 << " more";
    throw InputError(msg.str());
  }
  for (Eigen::Index j = 0; j < n; ++j)
    if (x(j) < 0.0)
      throw InputError(where + ": sector " + sector_label(t, j) + " has negative total output " +
                       fmt(x(j)));

  // Hawkins-Simon: with non-negative A, every column sum < 1 guarantees a non-negative inverse.
  const Eigen::MatrixXd A = t.technical_coefficients();
  std::vector<std::string> bad;
  for (Eigen::Index j = 0; j < n; ++j) {
    double s = A.col(j).sum();
    if (s >= 1.0) bad.push_back(sector_label(t, j) + " sums to " + fmt(s));
  }
  if (!bad.empty())
    throw ModelError(where +
                     ": columns of A summing to >= 1 (the sector buys more from local "
                     "industries than it produces; value added + imports <= 0), violating the "
                     "Hawkins-Simon condition: " +
                     join(bad, "; ", 8));

  if (t.gfcf_bridge) {
    const Eigen::MatrixXd& C = *t.gfcf_bridge;
    if (C.rows() != n || C.cols() != n)
      throw InputError(where + ": gfcf_bridge is " + std::to_string(C.rows()) + " x " +
                       std::to_string(C.cols()) + ", expected " + std::to_string(n) + " x " +
                       std::to_string(n));
    check_finite(C, "gfcf_bridge", where);
    for (Eigen::Index j = 0; j < n; ++j) {
      if ((C.col(j).array() < 0.0).any())
        throw InputError(where + ": gfcf_bridge column " + sector_label(t, j) +
                         " has a negative share");
      if (C.col(j).sum() > 1.0 + 1e-9)
        throw InputError(where + ": gfcf_bridge column " + sector_label(t, j) + " sums to " +
                         fmt(C.col(j).sum()) + ", expected <= 1 (shares of one unit invested)");
    }
  }
}

IOTable load_table_folder(const std::string& dir) {
  if (!fs::is_directory(dir))
    throw InputError(located(
        dir, 0,
        "not a folder (expected a table folder holding table.toml, sectors.csv, Z.csv, ...)"));
  const fs::path d(dir);
  IOTable t;
  t.meta = read_meta((d / "table.toml").string());
  read_sectors((d / "sectors.csv").string(), t);
  const Eigen::Index n = static_cast<Eigen::Index>(t.size());

  {  // Z
    CsvFile csv = read_csv((d / "Z.csv").string());
    require_header(csv, {"code"});
    if (csv.header.size() - 1 != t.size() || csv.rows.size() != t.size()) {
      if (csv.header.size() - 1 != csv.rows.size())
        throw InputError(located(csv.path, 0,
                                 "Z is not square: " + std::to_string(csv.rows.size()) +
                                     " rows and " + std::to_string(csv.header.size() - 1) +
                                     " columns; expected " + std::to_string(n) + " x " +
                                     std::to_string(n) + " (one per sector in sectors.csv)"));
    }
    std::vector<int> cols = sector_columns(csv, 1, t);
    std::vector<int> rows = sector_rows(csv, t);
    t.Z = Eigen::MatrixXd::Zero(n, n);
    for (std::size_t r = 0; r < csv.rows.size(); ++r)
      for (std::size_t c = 1; c < csv.header.size(); ++c) {
        double v = csv.number(csv.rows[r], c);
        if (v < 0.0)
          throw InputError(located(csv.path, csv.rows[r].line,
                                   "column '" + csv.header[c] + "': negative intermediate flow " +
                                       fmt(v) + " (flows in Z must be >= 0)"));
        t.Z(rows[r], cols[c - 1]) = v;
      }
  }
  {  // final demand
    CsvFile csv = read_csv((d / "final_demand.csv").string());
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
    for (std::size_t r = 0; r < csv.rows.size(); ++r)
      for (std::size_t c = 1; c < csv.header.size(); ++c)
        t.final_demand.values(rows[r], static_cast<Eigen::Index>(c - 1)) =
            csv.number(csv.rows[r], c);
  }
  t.value_added =
      read_component_rows((d / "value_added.csv").string(), t, "component", false, true);
  t.imports.values = Eigen::MatrixXd::Zero(0, n);
  t.satellites.values = Eigen::MatrixXd::Zero(0, n);
  if (fs::exists(d / "imports.csv"))
    t.imports = read_component_rows((d / "imports.csv").string(), t, "component", false, false);
  if (fs::exists(d / "satellites.csv"))
    t.satellites = read_component_rows((d / "satellites.csv").string(), t, "indicator", true, true);
  if (fs::exists(d / "gfcf_bridge.csv")) {
    CsvFile csv = read_csv((d / "gfcf_bridge.csv").string());
    require_header(csv, {"code"});
    std::vector<int> cols = sector_columns(csv, 1, t);
    std::vector<int> rows = sector_rows(csv, t);
    Eigen::MatrixXd C = Eigen::MatrixXd::Zero(n, n);
    for (std::size_t r = 0; r < csv.rows.size(); ++r)
      for (std::size_t c = 1; c < csv.header.size(); ++c) {
        double v = csv.number(csv.rows[r], c);
        if (v < 0.0)
          throw InputError(located(csv.path, csv.rows[r].line,
                                   "column '" + csv.header[c] + "': negative share " + fmt(v)));
        C(rows[r], cols[c - 1]) = v;
      }
    t.gfcf_bridge = C;
  }
  validate_table(t, dir);
  return t;
}

// ---- pymrio's text format ---------------------------------------------------------------------

namespace {

std::string slug(const std::string& s) {
  std::string out;
  bool underscore = false;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch >= 0x80) {
      out += static_cast<char>(ch >= 0x80 ? ch : std::tolower(ch));
      underscore = false;
    } else if (!out.empty() && !underscore) {
      out += '_';
      underscore = true;
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

// pymrio writes pandas frames with multi-level headers: `levels` header lines, and a number of
// index columns given by the leading empty cells of the first header line.
struct PymrioFrame {
  std::string path;
  std::size_t index_columns = 0;
  std::vector<std::vector<std::string>> column_keys;  // per data column: header levels
  std::vector<std::vector<std::string>> row_keys;     // per data row: index values
  Eigen::MatrixXd values;
};

PymrioFrame read_pymrio_frame(const std::string& path, std::size_t levels) {
  CsvFile csv = read_csv(path, '\t');
  if (csv.rows.size() < levels - 1) throw InputError(located(path, 0, "too few header lines"));
  PymrioFrame f;
  f.path = path;
  while (f.index_columns < csv.header.size() && csv.header[f.index_columns].empty())
    ++f.index_columns;
  if (f.index_columns == 0 || f.index_columns == csv.header.size())
    throw InputError(
        located(path, 1, "expected pymrio's layout: index columns left blank in the header line"));
  std::vector<const std::vector<std::string>*> header_lines{&csv.header};
  for (std::size_t l = 1; l < levels; ++l) header_lines.push_back(&csv.rows[l - 1].fields);
  for (std::size_t c = f.index_columns; c < csv.header.size(); ++c) {
    std::vector<std::string> key;
    for (auto* line : header_lines) key.push_back(trim((*line)[c]));
    f.column_keys.push_back(key);
  }
  const std::size_t first_data = levels - 1;
  f.values.resize(static_cast<Eigen::Index>(csv.rows.size() - first_data),
                  static_cast<Eigen::Index>(csv.header.size() - f.index_columns));
  for (std::size_t r = first_data; r < csv.rows.size(); ++r) {
    std::vector<std::string> key;
    for (std::size_t c = 0; c < f.index_columns; ++c) key.push_back(trim(csv.rows[r].fields[c]));
    f.row_keys.push_back(key);
    for (std::size_t c = f.index_columns; c < csv.header.size(); ++c)
      f.values(static_cast<Eigen::Index>(r - first_data),
               static_cast<Eigen::Index>(c - f.index_columns)) = csv.number(csv.rows[r], c);
  }
  return f;
}

}  // namespace

IOTable load_pymrio_folder(const std::string& dir) {
  const fs::path d(dir);
  IOTable t;
  PymrioFrame Z = read_pymrio_frame((d / "trade_flows_Z.txt").string(), 2);
  if (Z.values.rows() != Z.values.cols())
    throw InputError(located(Z.path, 0,
                             "Z is not square: " + std::to_string(Z.values.rows()) + " rows, " +
                                 std::to_string(Z.values.cols()) + " columns"));
  for (Eigen::Index j = 0; j < Z.values.cols(); ++j) {
    const auto& key = Z.column_keys[static_cast<std::size_t>(j)];
    const auto& rkey = Z.row_keys[static_cast<std::size_t>(j)];
    if (rkey[0] != key[0] || rkey[1] != key[1])
      throw InputError(located(
          Z.path, static_cast<long>(j) + 3,
          "row " + rkey[0] + "/" + rkey[1] + " does not match column " + key[0] + "/" + key[1] +
              " (rows and columns must list the same region/sector pairs in the same order)"));
    t.codes.push_back(key[0] + "/" + key[1]);
    t.names.push_back(key[1]);
    t.names_zh.emplace_back();
    t.sector_region.push_back(key[0]);
  }
  t.Z = Z.values;
  const Eigen::Index n = t.Z.rows();
  t.meta.money_unit = Z.index_columns >= 3 ? Z.row_keys[0][2] : "";

  PymrioFrame Y = read_pymrio_frame((d / "finald_demand_Y.txt").string(), 2);
  if (Y.values.rows() != n)
    throw InputError(
        located(Y.path, 0,
                "has " + std::to_string(Y.values.rows()) + " rows, expected " + std::to_string(n)));
  for (const auto& key : Y.column_keys)
    t.final_demand.labels.push_back(key[0] + "/" + slug(key[1]));
  t.final_demand.values = Y.values;

  // pymrio defines output as row sums (x = Z 1 + Y 1) and A = Z diag(x)^-1; its factor inputs
  // are an extension, not a balancing row, and need not add up (the test MRIO's do not). The
  // primary inputs that balance each column are therefore x minus the column sums of Z, and the
  // reported factor inputs are kept as satellites.
  t.value_added.labels = {"primary_inputs"};
  t.value_added.values = (t.total_output() - t.Z.colwise().sum().transpose()).transpose();
  t.imports.values = Eigen::MatrixXd::Zero(0, n);
  t.satellites.values = Eigen::MatrixXd::Zero(0, n);
  std::vector<Eigen::RowVectorXd> sat_rows;
  auto add_extension = [&](const std::string& file, const std::string& prefix) {
    PymrioFrame E = read_pymrio_frame((d / file).string(), 2);
    if (E.values.cols() != n)
      throw InputError(located(E.path, 1,
                               "has " + std::to_string(E.values.cols()) +
                                   " sector columns, expected " + std::to_string(n)));
    for (std::size_t r = 0; r < E.row_keys.size(); ++r) {
      const auto& key = E.row_keys[r];
      std::string label = prefix;
      for (std::size_t k = 0; k + 1 < key.size(); ++k) {
        if (!label.empty()) label += '_';
        label += slug(key[k]);
      }
      t.satellites.labels.push_back(label);
      t.satellites.units.push_back(key.size() > 1 ? key.back() : "");
      sat_rows.push_back(E.values.row(static_cast<Eigen::Index>(r)));
    }
  };
  add_extension("factor_input.txt", "factor_input");
  if (fs::exists(d / "emissions.txt")) add_extension("emissions.txt", "");
  t.satellites.values.resize(static_cast<Eigen::Index>(sat_rows.size()), n);
  for (std::size_t r = 0; r < sat_rows.size(); ++r)
    t.satellites.values.row(static_cast<Eigen::Index>(r)) = sat_rows[r];

  t.meta.name = fs::path(dir).filename().string();
  t.meta.region = "multi-region (" + std::to_string(t.regions().size()) + " regions)";
  t.meta.source = "pymrio text format: " + dir;
  t.meta.household_consumption = "final_consumption_expenditure_by_households";
  t.meta.gfcf = "gross_fixed_capital_formation";
  t.meta.labour_income = "compensation";  // pymrio tables rarely split value added: no Type II
  if (fs::exists(d / "metadata.json")) {
    std::ifstream in(d / "metadata.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto pos = text.find("\"name\"");
    if (pos != std::string::npos) {
      auto q1 = text.find('"', text.find(':', pos));
      auto q2 = text.find('"', q1 + 1);
      if (q1 != std::string::npos && q2 != std::string::npos)
        t.meta.name = text.substr(q1 + 1, q2 - q1 - 1);
    }
  }
  validate_table(t, dir);
  return t;
}

IOTable load_table(const std::string& dir) {
  const fs::path d(dir);
  if (fs::exists(d / "trade_flows_Z.txt")) return load_pymrio_folder(dir);
  return load_table_folder(dir);
}

// ---- writing ------------------------------------------------------------------------------------

namespace {
std::ofstream open_out(const fs::path& p) {
  std::ofstream out(p);
  if (!out) throw InputError(located(p.string(), 0, "cannot write the file"));
  return out;
}
std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}
void write_component_rows(const fs::path& p, const std::string& key, const Labelled& b,
                          const IOTable& t, bool with_unit) {
  auto out = open_out(p);
  out << key << (with_unit ? ",unit" : "");
  for (const auto& c : t.codes) out << ',' << csv_escape(c);
  out << '\n';
  for (std::size_t r = 0; r < b.size(); ++r) {
    out << csv_escape(b.labels[r]);
    if (with_unit) out << ',' << csv_escape(r < b.units.size() ? b.units[r] : "");
    for (Eigen::Index j = 0; j < b.values.cols(); ++j)
      out << ',' << csv_number(b.values(static_cast<Eigen::Index>(r), j));
    out << '\n';
  }
}
}  // namespace

void save_table_folder(const IOTable& t, const std::string& dir) {
  fs::create_directories(dir);
  const fs::path d(dir);
  {
    auto out = open_out(d / "table.toml");
    out << "name = " << toml_string(t.meta.name) << "\nregion = " << toml_string(t.meta.region)
        << "\nyear = " << t.meta.year << "\nmoney_unit = " << toml_string(t.meta.money_unit)
        << "\nsource = " << toml_string(t.meta.source)
        << "\nhousehold_consumption = " << toml_string(t.meta.household_consumption)
        << "\nlabour_income = " << toml_string(t.meta.labour_income)
        << "\ntaxes = " << toml_string(t.meta.taxes) << "\ngfcf = " << toml_string(t.meta.gfcf)
        << "\nbalance_tolerance = " << csv_number(t.meta.balance_tolerance) << "\n";
  }
  {
    auto out = open_out(d / "sectors.csv");
    const bool regions = t.multi_region();
    out << "code,name,name_zh" << (regions ? ",region" : "") << "\n";
    for (std::size_t i = 0; i < t.size(); ++i) {
      out << csv_escape(t.codes[i]) << ',' << csv_escape(t.names[i]) << ','
          << csv_escape(i < t.names_zh.size() ? t.names_zh[i] : "");
      if (regions) out << ',' << csv_escape(t.sector_region[i]);
      out << '\n';
    }
  }
  auto square = [&](const fs::path& p, const Eigen::MatrixXd& m) {
    auto out = open_out(p);
    out << "code";
    for (const auto& c : t.codes) out << ',' << csv_escape(c);
    out << '\n';
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
      out << csv_escape(t.codes[static_cast<std::size_t>(i)]);
      for (Eigen::Index j = 0; j < m.cols(); ++j) out << ',' << csv_number(m(i, j));
      out << '\n';
    }
  };
  square(d / "Z.csv", t.Z);
  {
    auto out = open_out(d / "final_demand.csv");
    out << "code";
    for (const auto& l : t.final_demand.labels) out << ',' << csv_escape(l);
    out << '\n';
    for (Eigen::Index i = 0; i < t.final_demand.values.rows(); ++i) {
      out << csv_escape(t.codes[static_cast<std::size_t>(i)]);
      for (Eigen::Index k = 0; k < t.final_demand.values.cols(); ++k)
        out << ',' << csv_number(t.final_demand.values(i, k));
      out << '\n';
    }
  }
  write_component_rows(d / "value_added.csv", "component", t.value_added, t, false);
  if (t.imports.size() > 0)
    write_component_rows(d / "imports.csv", "component", t.imports, t, false);
  if (t.satellites.size() > 0)
    write_component_rows(d / "satellites.csv", "indicator", t.satellites, t, true);
  if (t.gfcf_bridge) square(d / "gfcf_bridge.csv", *t.gfcf_bridge);
}

}  // namespace icsim::io
