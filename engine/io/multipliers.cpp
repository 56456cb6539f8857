#include "icsim/io/multipliers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "icsim/common/error.hpp"

namespace icsim::io {

int Indicators::find(const std::string& name) const {
  auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

namespace {

void add_indicator(Indicators& ind, std::vector<Eigen::RowVectorXd>& rows, std::string name,
                   std::string units, std::string long_name, Eigen::RowVectorXd coefficients) {
  ind.names.push_back(std::move(name));
  ind.units.push_back(std::move(units));
  ind.long_names.push_back(std::move(long_name));
  rows.push_back(std::move(coefficients));
}

// Region r's households: columns/rows named "<region>/<label>" in a multi-region table.
std::string regional_label(const std::string& region, const std::string& label) {
  return region.empty() ? label : region + "/" + label;
}

}  // namespace

Indicators standard_indicators(const IOTable& table) {
  const Eigen::Index n = static_cast<Eigen::Index>(table.size());
  const std::string money = table.meta.money_unit.empty() ? "money unit" : table.meta.money_unit;
  const std::string per_money = money + " per " + money + " of final demand";
  Indicators ind;
  std::vector<Eigen::RowVectorXd> rows;
  // IOTable::coefficients, with total output summed once for the three blocks (the same
  // arithmetic: zero-output sectors get zero coefficients).
  const Eigen::VectorXd inv_x =
      table.total_output().unaryExpr([](double v) { return v > 0.0 ? 1.0 / v : 0.0; });
  auto coefficients = [&](const Labelled& block) -> Eigen::MatrixXd {
    return block.values * inv_x.asDiagonal();
  };

  add_indicator(ind, rows, "output", per_money, "total output", Eigen::RowVectorXd::Ones(n));
  if (table.value_added.size() > 0) {
    Eigen::MatrixXd va = coefficients(table.value_added);
    add_indicator(ind, rows, "value_added", per_money, "value added", va.colwise().sum());
    for (std::size_t c = 0; c < table.value_added.size(); ++c)
      if (table.value_added.labels[c] != "value_added")
        add_indicator(ind, rows, table.value_added.labels[c], per_money,
                      "value added: " + table.value_added.labels[c],
                      va.row(static_cast<Eigen::Index>(c)));
  }
  if (table.imports.size() > 0) {
    Eigen::MatrixXd im = coefficients(table.imports);
    if (table.imports.size() > 1 || table.imports.labels[0] != "imports")
      add_indicator(ind, rows, "imports", per_money, "intermediate imports and inflows",
                    im.colwise().sum());
    for (std::size_t c = 0; c < table.imports.size(); ++c)
      add_indicator(ind, rows, table.imports.labels[c], per_money,
                    "intermediate imports: " + table.imports.labels[c],
                    im.row(static_cast<Eigen::Index>(c)));
  }
  if (table.satellites.size() > 0) {
    Eigen::MatrixXd sat = coefficients(table.satellites);
    for (std::size_t c = 0; c < table.satellites.size(); ++c) {
      const std::string unit =
          c < table.satellites.units.size() ? table.satellites.units[c] : std::string();
      add_indicator(ind, rows, table.satellites.labels[c],
                    (unit.empty() ? "units" : unit) + " per " + money + " of final demand",
                    table.satellites.labels[c], sat.row(static_cast<Eigen::Index>(c)));
    }
  }
  ind.coefficients.resize(static_cast<Eigen::Index>(rows.size()), n);
  for (std::size_t k = 0; k < rows.size(); ++k)
    ind.coefficients.row(static_cast<Eigen::Index>(k)) = rows[k];
  return ind;
}

HouseholdClosure household_closure(const IOTable& table) {
  const Eigen::Index n = static_cast<Eigen::Index>(table.size());
  const Eigen::VectorXd x = table.total_output();
  const int income_row = table.value_added.find(table.meta.labour_income);
  if (income_row < 0)
    throw InputError("Type II multipliers need a value-added row '" + table.meta.labour_income +
                     "' (labour income; set labour_income in table.toml to name another row)");

  HouseholdClosure h;
  h.regions = table.multi_region() ? table.regions() : std::vector<std::string>{""};
  const Eigen::Index nh = static_cast<Eigen::Index>(h.regions.size());
  h.income_coefficients = Eigen::MatrixXd::Zero(nh, n);
  h.consumption_coefficients = Eigen::MatrixXd::Zero(n, nh);

  for (Eigen::Index r = 0; r < nh; ++r) {
    const std::string& region = h.regions[static_cast<std::size_t>(r)];
    const std::string column = regional_label(region, table.meta.household_consumption);
    const int consumption_col = table.final_demand.find(column);
    if (consumption_col < 0)
      throw InputError("Type II multipliers need a final-demand column '" + column +
                       "' (household consumption; set household_consumption in table.toml to "
                       "name another column)");
    double income = 0.0;
    for (Eigen::Index j = 0; j < n; ++j) {
      if (!region.empty() && table.sector_region[static_cast<std::size_t>(j)] != region) continue;
      const double wage = table.value_added.values(income_row, j);
      income += wage;
      if (x(j) > 0.0) h.income_coefficients(r, j) = wage / x(j);
    }
    if (!(income > 0.0))
      throw InputError("Type II multipliers: total labour income ('" + table.meta.labour_income +
                       "')" + (region.empty() ? "" : " of region " + region) +
                       " is not positive, so household consumption coefficients are undefined");
    h.consumption_coefficients.col(r) = table.final_demand.values.col(consumption_col) / income;
  }
  return h;
}

Eigen::MatrixXd closed_coefficients(const Eigen::MatrixXd& A, const HouseholdClosure& h) {
  const Eigen::Index n = A.rows();
  const Eigen::Index nh = h.income_coefficients.rows();
  Eigen::MatrixXd closed = Eigen::MatrixXd::Zero(n + nh, n + nh);
  closed.topLeftCorner(n, n) = A;
  closed.topRightCorner(n, nh) = h.consumption_coefficients;
  closed.bottomLeftCorner(nh, n) = h.income_coefficients;
  return closed;
}

namespace {
Eigen::MatrixXd ratio(const Eigen::MatrixXd& total, const Eigen::MatrixXd& direct) {
  Eigen::MatrixXd out(total.rows(), total.cols());
  for (Eigen::Index k = 0; k < total.rows(); ++k)
    for (Eigen::Index j = 0; j < total.cols(); ++j)
      out(k, j) = direct(k, j) != 0.0 ? total(k, j) / direct(k, j)
                                      : std::numeric_limits<double>::quiet_NaN();
  return out;
}
}  // namespace

Eigen::MatrixXd Multipliers::type1_ratio() const { return ratio(type1, indicators.coefficients); }

std::optional<Eigen::MatrixXd> Multipliers::type2_ratio() const {
  if (!type2) return std::nullopt;
  return ratio(*type2, indicators.coefficients);
}

Multipliers compute_multipliers(const IOTable& table, const LeontiefSystem& leontief,
                                bool with_type2) {
  Multipliers m;
  m.indicators = standard_indicators(table);
  // All indicators at once: one transposed solve with k right-hand sides.
  m.type1 = leontief.solve_transposed(m.indicators.coefficients);
  if (with_type2) {
    const HouseholdClosure h = household_closure(table);
    const Eigen::Index n = leontief.size();
    const Eigen::Index nh = h.income_coefficients.rows();
    LeontiefSystem closed(closed_coefficients(table.technical_coefficients(), h));
    // Indicators count only the n industries; households' own "output" is not output.
    Eigen::MatrixXd rows = Eigen::MatrixXd::Zero(m.indicators.coefficients.rows(), n + nh);
    rows.leftCols(n) = m.indicators.coefficients;
    m.type2 = closed.solve_transposed(rows).leftCols(n);
  }
  return m;
}

Eigen::MatrixXd investment_bridge(const IOTable& table, std::string* source) {
  const Eigen::Index n = static_cast<Eigen::Index>(table.size());
  if (table.gfcf_bridge) {
    if (source) *source = "gfcf_bridge.csv";
    return *table.gfcf_bridge;
  }
  const int col = table.final_demand.find(table.meta.gfcf);
  if (col < 0)
    throw InputError("investment multipliers need gfcf_bridge.csv or a final-demand column '" +
                     table.meta.gfcf + "' (set gfcf in table.toml to name another column)");
  const Eigen::VectorXd gfcf = table.final_demand.values.col(col);
  const double total = gfcf.sum();
  if (!(total > 0.0))
    throw InputError("investment multipliers: final-demand column '" + table.meta.gfcf +
                     "' sums to " + std::to_string(total) + ", expected a positive total");
  // Without an investment matrix every sector is assumed to buy the region's GFCF mix.
  if (source) *source = "product mix of final-demand column '" + table.meta.gfcf + "'";
  return gfcf.replicate(1, n) / total;
}

InvestmentMultipliers compute_investment_multipliers(const IOTable& table,
                                                     const Multipliers& multipliers) {
  InvestmentMultipliers out;
  out.bridge = investment_bridge(table, &out.bridge_source);
  out.type1 = multipliers.type1 * out.bridge;
  if (multipliers.type2) out.type2 = *multipliers.type2 * out.bridge;
  return out;
}

Linkages compute_linkages(const LeontiefSystem& leontief, const Eigen::VectorXd& x) {
  const Eigen::Index n = leontief.size();
  Linkages out;
  Eigen::VectorXd column_sums = leontief.solve_transposed(Eigen::RowVectorXd::Ones(n)).transpose();
  Eigen::VectorXd ghosh_sums = ghosh_row_sums(leontief, x);
  // A sector with no output does not exist in the region: it gets no index and does not
  // pull the averages towards its trivial multiplier of 1.
  double mean_b = 0.0, mean_f = 0.0;
  Eigen::Index present = 0;
  for (Eigen::Index j = 0; j < n; ++j)
    if (x(j) > 0.0) {
      mean_b += column_sums(j);
      mean_f += ghosh_sums(j);
      ++present;
    }
  mean_b /= static_cast<double>(std::max<Eigen::Index>(present, 1));
  mean_f /= static_cast<double>(std::max<Eigen::Index>(present, 1));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.backward.resize(n);
  out.forward.resize(n);
  out.classification.resize(static_cast<std::size_t>(n));
  for (Eigen::Index j = 0; j < n; ++j) {
    auto& cls = out.classification[static_cast<std::size_t>(j)];
    if (!(x(j) > 0.0)) {
      out.backward(j) = out.forward(j) = nan;
      cls = "absent";
      continue;
    }
    out.backward(j) = column_sums(j) / mean_b;
    out.forward(j) = ghosh_sums(j) / mean_f;
    const bool b = out.backward(j) > 1.0, f = out.forward(j) > 1.0;
    cls = b && f ? "key" : b ? "backward" : f ? "forward" : "weak";
  }
  return out;
}

}  // namespace icsim::io
