// pymrio's text format (the folder pymrio.save_all / load_test writes), read as-is.
#include <cctype>
#include <filesystem>

#include "icsim/common/error.hpp"
#include "icsim/io/csv.hpp"
#include "icsim/io/table_format.hpp"
#include "icsim/io/text.hpp"
#include "table_text.hpp"

namespace fs = std::filesystem;

namespace icsim::io {
using detail::trim;

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
  if (path_kind((d / "emissions.txt").string()) != PathKind::missing)
    add_extension("emissions.txt", "");
  t.satellites.values.resize(static_cast<Eigen::Index>(sat_rows.size()), n);
  for (std::size_t r = 0; r < sat_rows.size(); ++r)
    t.satellites.values.row(static_cast<Eigen::Index>(r)) = sat_rows[r];

  t.meta.name = fs::path(dir).filename().string();
  t.meta.region = "multi-region (" + std::to_string(t.regions().size()) + " regions)";
  t.meta.source = "pymrio text format: " + dir;
  t.meta.household_consumption = "final_consumption_expenditure_by_households";
  t.meta.gfcf = "gross_fixed_capital_formation";
  t.meta.labour_income = "compensation";  // pymrio tables rarely split value added: no Type II
  if (path_kind((d / "metadata.json").string()) != PathKind::missing) {
    const std::string text = read_text_file((d / "metadata.json").string());
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

}  // namespace icsim::io
