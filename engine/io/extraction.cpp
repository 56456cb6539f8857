// Hypothetical extraction (Miller & Blair 2009, "Input-Output Analysis", 2nd ed., §12.2; the
// method goes back to Strassert 1968 and Schultz 1977; backward/forward variants after
// Dietzenbacher, van der Linden & Steenge 1993).
//  - complete: delete the extracted sectors' rows and columns of A and their final demand;
//    x-bar = (I - A_kk)^-1 f_k over the kept sectors k. Loss = 1'x - 1'x-bar.
//  - backward: zero the columns of A (the sectors buy nothing from local industries, their
//    inputs come from outside); final demand unchanged; x-bar = (I - A_(c))^-1 f.
//  - forward: zero the rows of A (local industries buy nothing from them and import it
//    instead); final demand unchanged; x-bar = (I - A_(r))^-1 f. This is the demand-driven
//    forward variant the header describes; Dietzenbacher & van der Linden (1997) measure
//    forward linkage with the Ghosh model instead (zeroing rows of B), which is not done here.
// The baseline x is the table's total output (equal to L f for the table's own A and f).
// Each call factors one system, once, with LeontiefSystem.
#include "icsim/io/extraction.hpp"

#include <algorithm>

#include "icsim/common/error.hpp"
#include "icsim/io/leontief.hpp"

namespace icsim::io {

ExtractionResult extract(const IOTable& table, const std::vector<int>& sectors,
                         ExtractionKind kind) {
  const std::size_t n = table.size();
  const auto N = static_cast<Eigen::Index>(n);

  // Validate and de-duplicate (first occurrence wins, order kept).
  std::vector<bool> out(n, false);
  std::vector<int> picked;
  for (int s : sectors) {
    if (s < 0 || static_cast<std::size_t>(s) >= n)
      throw InputError("hypothetical extraction: sector index " + std::to_string(s) +
                       " is out of range (the table has " + std::to_string(n) + " sectors)");
    if (!out[s]) {
      out[s] = true;
      picked.push_back(s);
    }
  }

  ExtractionResult result;
  result.kind = kind;
  for (int s : picked) result.extracted.push_back(table.codes[s]);

  const Eigen::VectorXd x = table.total_output();
  result.output_before = x.sum();
  if (picked.empty()) {  // nothing extracted: nothing changes (no solve needed)
    result.output_after = result.output_before;
    result.output_change = Eigen::VectorXd::Zero(N);
    return result;
  }

  Eigen::VectorXd f = Eigen::VectorXd::Zero(N);
  if (table.final_demand.values.rows() == N && table.final_demand.values.cols() > 0)
    f = table.final_demand.values.rowwise().sum();
  Eigen::MatrixXd A = table.technical_coefficients();

  switch (kind) {
    case ExtractionKind::complete: {
      std::vector<Eigen::Index> keep;
      for (std::size_t i = 0; i < n; ++i)
        if (!out[i]) keep.push_back(static_cast<Eigen::Index>(i));
      result.output_change = -x;
      if (keep.empty()) {
        result.output_after = 0.0;
        return result;
      }
      const auto m = static_cast<Eigen::Index>(keep.size());
      Eigen::MatrixXd Akk(m, m);
      Eigen::VectorXd fk(m);
      for (Eigen::Index b = 0; b < m; ++b) {
        fk(b) = f(keep[b]);
        for (Eigen::Index a = 0; a < m; ++a) Akk(a, b) = A(keep[a], keep[b]);
      }
      const LeontiefSystem system(Akk);
      const Eigen::VectorXd xk = system.solve(fk);
      for (Eigen::Index a = 0; a < m; ++a) result.output_change(keep[a]) = xk(a) - x(keep[a]);
      result.output_after = xk.sum();
      return result;
    }
    case ExtractionKind::backward:
      for (int s : picked) A.col(s).setZero();
      break;
    case ExtractionKind::forward:
      for (int s : picked) A.row(s).setZero();
      break;
  }
  const LeontiefSystem system(A);
  const Eigen::VectorXd xbar = system.solve(f);
  result.output_after = xbar.sum();
  result.output_change = xbar - x;
  return result;
}

}  // namespace icsim::io
