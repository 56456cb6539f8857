// validate_table: everything that makes a loaded table unusable, named by sector and file.
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "icsim/common/error.hpp"
#include "icsim/io/table_format.hpp"
#include "table_text.hpp"

namespace icsim::io {
using detail::fmt;
using detail::join;
using detail::sector_label;
namespace {

void check_finite(const Eigen::MatrixXd& m, const std::string& what, const std::string& where) {
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (!std::isfinite(m(i, j)))
        throw InputError(where + ": " + what + " has a non-finite value at row " +
                         std::to_string(i + 1) + ", column " + std::to_string(j + 1));
}
// Labels become indicator names, and each indicator names several results (CSV columns of
// `icsim io --csv`, datasets of `--out`): <name>_multiplier, <name>_multiplier_type2,
// <name>_investment_multiplier (plain investment_multiplier for output) and so on. No two
// indicators may give the same result name, and no result name may be one of the fixed ones.
void check_labels(const IOTable& t, const std::string& where) {
  std::vector<std::pair<std::string, std::string>> indicators{{"output", "reserved"}};
  auto add_block = [&](const Labelled& block, const std::string& file, const char* total) {
    if (block.size() == 0) return;
    const bool single_total = block.size() == 1 && block.labels[0] == total;
    if (!single_total) indicators.emplace_back(total, "reserved");
    for (const auto& l : block.labels) {
      if (single_total && l == total) {
        indicators.emplace_back(l, file);
        continue;
      }
      if (l.empty()) throw InputError(where + ": " + file + " has an empty label");
      for (unsigned char c : l)
        if (c < 0x20 || c == 0x7f || c == '/' || c == '"' || c == '\\')
          throw InputError(where + ": label '" + l + "' in " + file +
                           " has a '/', quote, backslash or control character; labels name "
                           "results, use letters, digits and '_'");
      indicators.emplace_back(l, file);
    }
  };
  if (t.value_added.size() > 0) add_block(t.value_added, "value_added.csv", "value_added");
  add_block(t.imports, "imports.csv", "imports");
  if (t.satellites.size() > 0) {  // satellites have no total; an empty name stands for none
    for (const auto& l : t.satellites.labels)
      if (l == "value_added" || l == "imports") indicators.emplace_back(l, "satellites.csv");
    Labelled copy = t.satellites;
    copy.labels.clear();
    for (const auto& l : t.satellites.labels)
      if (l != "value_added" && l != "imports") copy.labels.push_back(l);
    add_block(copy, "satellites.csv", "");
  }
  // Result names, each claimed by one indicator.
  std::map<std::string, std::string> claimed;
  for (const char* fixed :
       {"sector", "sector_name", "backward_linkage", "forward_linkage", "linkage_class",
        "total_output", "cluster", "cluster_name", "system", "code", "name", "name_zh"})
    claimed.emplace(fixed, "");
  for (const auto& [label, file] : indicators) {
    if (label.empty()) continue;
    const bool first = label == "output";
    const std::vector<std::string> names{
        label + "_multiplier", label + "_multiplier_type2",
        first ? "investment_multiplier" : label + "_investment_multiplier",
        first ? "investment_multiplier_type2" : label + "_investment_multiplier_type2",
        first ? "cluster_investment_multiplier" : label + "_cluster_investment_multiplier"};
    for (const auto& result : names) {
      auto [it, fresh] = claimed.emplace(result, label);
      if (fresh) continue;
      const std::string from = file == "reserved" ? "" : " in " + file;
      if (it->second == label)
        throw InputError(where + ": label '" + label + "'" + from +
                         " appears twice (labels name multipliers and must be unique)");
      if (it->second.empty() || file == "reserved")
        throw InputError(where + ": label '" + (file == "reserved" ? it->second : label) + "'" +
                         " collides with the reserved name '" +
                         (file == "reserved" ? label : result) + "' (its result '" + result +
                         "' is already taken); rename it");
      throw InputError(where + ": label '" + label + "'" + from + " collides with label '" +
                       it->second + "': both would name the result '" + result +
                       "' (labels name multipliers and must be unique); rename one of them");
    }
  }
}

// Row or column totals that overflow (every cell finite, their sum not): the cell that makes
// the total largest is named, so that a misplaced exponent can be found.
void check_totals_finite(const IOTable& t, const Eigen::VectorXd& x, const Eigen::VectorXd& input,
                         const std::string& where) {
  const Eigen::Index n = x.size();
  for (Eigen::Index j = 0; j < n; ++j) {
    const bool row = !std::isfinite(x(j));
    if (!row && std::isfinite(input(j))) continue;
    Eigen::Index at = 0;
    const double big =
        row ? t.Z.row(j).cwiseAbs().maxCoeff(&at) : t.Z.col(j).cwiseAbs().maxCoeff(&at);
    throw InputError(where + ": the " + (row ? "row" : "column") + " total of sector " +
                     sector_label(t, j) +
                     " overflows (it is beyond the largest double, about 1.8e308); its largest "
                     "flow in Z.csv is " +
                     fmt(big) + (row ? " to sector " : " from sector ") + sector_label(t, at) +
                     ". Check the values and the money unit");
  }
}

// A sector that produces nothing cannot buy inputs or pay value added: its coefficients would
// be 0/0. Its column must be zero (the balance check alone accepts purchases offset by a
// negative value added).
void check_zero_output(const IOTable& t, const Eigen::VectorXd& x, const std::string& where) {
  auto first_nonzero = [](const Eigen::MatrixXd& m, Eigen::Index col) -> Eigen::Index {
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (m(i, col) != 0.0) return i;
    return -1;
  };
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    if (x(j) != 0.0) continue;
    std::string cell;
    if (Eigen::Index i = first_nonzero(t.Z, j); i >= 0)
      cell = "Z.csv row " + sector_label(t, i) + " = " + fmt(t.Z(i, j));
    else if (Eigen::Index k = first_nonzero(t.imports.values, j); k >= 0)
      cell = "imports.csv row '" + t.imports.labels[static_cast<std::size_t>(k)] +
             "' = " + fmt(t.imports.values(k, j));
    else if (Eigen::Index v = first_nonzero(t.value_added.values, j); v >= 0)
      cell = "value_added.csv row '" + t.value_added.labels[static_cast<std::size_t>(v)] +
             "' = " + fmt(t.value_added.values(v, j));
    if (cell.empty()) continue;
    throw InputError(where + ": sector " + sector_label(t, j) +
                     " has zero total output (its rows in Z.csv and final_demand.csv sum to 0) "
                     "but a non-zero input column: " +
                     cell +
                     ". A sector that produces nothing cannot buy or pay anything; set its "
                     "column to 0 or give it output");
  }
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

  check_labels(t, where);

  // Row totals (uses) must equal column totals (inputs).
  const Eigen::VectorXd x = t.total_output();
  const Eigen::VectorXd input = t.total_input();
  check_totals_finite(t, x, input, where);
  check_zero_output(t, x, where);
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
}  // namespace icsim::io
