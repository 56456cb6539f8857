#include "icsim/io/impact.hpp"

#include <string>
#include <vector>

#include "icsim/common/error.hpp"
#include "icsim/io/csv.hpp"
#include "table_text.hpp"

namespace icsim::io {

Eigen::MatrixXd Impact::total() const {
  Eigen::MatrixXd t = direct + indirect;
  if (induced) t += *induced;
  return t;
}

Impact compute_impact(const IOTable& table, const LeontiefSystem& leontief,
                      const Eigen::VectorXd& demand, bool with_induced) {
  const Eigen::Index n = leontief.size();
  if (demand.size() != n)
    throw std::invalid_argument("compute_impact: demand has " + std::to_string(demand.size()) +
                                " entries for " + std::to_string(n) + " sectors");
  Impact out;
  out.indicators = standard_indicators(table);
  out.demand = demand;
  const Eigen::MatrixXd& e = out.indicators.coefficients;  // k x n
  const Eigen::VectorXd x1 = leontief.solve(demand);       // L Δf
  // Effects by the sector where they occur: each indicator row times the output change.
  auto by_sector = [&](const Eigen::VectorXd& output_change) {
    return Eigen::MatrixXd(e.array().rowwise() * output_change.transpose().array());
  };
  out.direct = by_sector(demand);
  out.indirect = by_sector(x1 - demand);
  if (with_induced) {
    const HouseholdClosure h = household_closure(table);
    const Eigen::Index nh = h.income_coefficients.rows();
    LeontiefSystem closed(closed_coefficients(table.technical_coefficients(), h));
    Eigen::VectorXd f = Eigen::VectorXd::Zero(n + nh);
    f.head(n) = demand;
    const Eigen::VectorXd x2 = closed.solve(f).col(0).head(n);  // industries only
    out.induced = by_sector(x2 - x1);
  }
  return out;
}

Eigen::VectorXd load_sector_amounts(const std::string& path, const IOTable& table,
                                    const std::string& what) {
  const CsvText csv = read_csv_text(path);
  if (csv.columns() != 2 || csv.header[0] != "code")
    throw InputError(located(path, 1,
                             "expected the header code,<amount> (two columns: a sector code and "
                             "the " +
                                 what + " in " + table.meta.money_unit + "), found '" +
                                 detail::join(csv.header, ",", 6) + "'"));
  Eigen::VectorXd v = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(table.size()));
  std::vector<long> seen_on(table.size(), 0);
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    const std::string code = csv.text(r, 0);
    const int i = table.sector_index(code);
    if (i < 0)
      throw InputError(
          located(path, csv.line(r),
                  "sector code '" + code + "' is not in the table (" + table.meta.name + ")"));
    const auto u = static_cast<std::size_t>(i);
    if (seen_on[u] != 0)
      throw InputError(located(path, csv.line(r),
                               "sector '" + code + "' appears twice (first on line " +
                                   std::to_string(seen_on[u]) + ")"));
    seen_on[u] = csv.line(r);
    v(i) = csv.number(r, 1);
  }
  if (csv.rows() == 0)
    throw InputError(located(path, 0, "no sectors listed (the file has no rows)"));
  return v;
}

}  // namespace icsim::io
