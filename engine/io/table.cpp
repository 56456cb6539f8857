#include "icsim/io/table.hpp"

#include <algorithm>

namespace icsim::io {

int Labelled::find(const std::string& label) const {
  auto it = std::find(labels.begin(), labels.end(), label);
  return it == labels.end() ? -1 : static_cast<int>(it - labels.begin());
}

bool IOTable::multi_region() const {
  return std::any_of(sector_region.begin(), sector_region.end(),
                     [](const std::string& r) { return !r.empty(); });
}

std::vector<std::string> IOTable::regions() const {
  std::vector<std::string> out;
  for (const auto& r : sector_region)
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  return out;
}

int IOTable::sector_index(const std::string& code) const {
  auto it = std::find(codes.begin(), codes.end(), code);
  return it == codes.end() ? -1 : static_cast<int>(it - codes.begin());
}

Eigen::VectorXd IOTable::total_output() const {
  Eigen::VectorXd x = Z.rowwise().sum();
  if (final_demand.values.size() > 0) x += final_demand.values.rowwise().sum();
  return x;
}

Eigen::VectorXd IOTable::total_input() const {
  Eigen::VectorXd x = Z.colwise().sum().transpose();
  if (imports.values.size() > 0) x += imports.values.colwise().sum().transpose();
  if (value_added.values.size() > 0) x += value_added.values.colwise().sum().transpose();
  return x;
}

namespace {
// Division by output, leaving zero-output sectors with zero coefficients: such a sector does
// not exist in the region, so it neither buys nor adds anything per unit.
Eigen::VectorXd safe_reciprocal(const Eigen::VectorXd& x) {
  return x.unaryExpr([](double v) { return v > 0.0 ? 1.0 / v : 0.0; });
}
}  // namespace

Eigen::MatrixXd IOTable::technical_coefficients() const {
  return Z * safe_reciprocal(total_output()).asDiagonal();
}

Eigen::MatrixXd IOTable::coefficients(const Labelled& rows) const {
  return rows.values * safe_reciprocal(total_output()).asDiagonal();
}

}  // namespace icsim::io
