#pragma once
// The Leontief system (I - A) x = f, factored once. Everything that needs L only through a
// product with it (multipliers, shocks, linkages, Ghosh row sums) goes through solve() or
// solve_transposed(); the explicit inverse is formed only when the caller asks for L itself.
#include <Eigen/Dense>

namespace icsim::io {

class LeontiefSystem {
 public:
  // Factors I - A with partial-pivot LU (LAPACK getrf through Eigen). Throws ModelError if
  // the system is singular or so ill-conditioned that results would be meaningless.
  explicit LeontiefSystem(const Eigen::MatrixXd& A);

  Eigen::Index size() const { return n_; }

  // x = L f for every column f of `demand` (n x m).
  Eigen::MatrixXd solve(const Eigen::MatrixXd& demand) const;
  // y^T = e^T L for every row e of `rows` (k x n): weighted column sums of L (multipliers).
  Eigen::MatrixXd solve_transposed(const Eigen::MatrixXd& rows) const;
  // L = (I - A)^-1, only when L itself is the output.
  Eigen::MatrixXd inverse() const;
  // LAPACK-style estimate of the reciprocal condition number of I - A (1-norm).
  double reciprocal_condition() const { return rcond_; }

 private:
  Eigen::Index n_;
  Eigen::PartialPivLU<Eigen::MatrixXd> lu_;
  double rcond_;
};

// Ghosh inverse G = (I - B)^-1 with B = diag(x)^-1 Z; formed from the Leontief factorization
// (G = diag(x)^-1 L diag(x)) since both systems share one LU. Zero-output sectors get an
// identity row/column.
Eigen::MatrixXd ghosh_inverse(const LeontiefSystem& leontief, const Eigen::VectorXd& x);
// Row sums of G (total forward effect of a unit of primary input), without forming G.
Eigen::VectorXd ghosh_row_sums(const LeontiefSystem& leontief, const Eigen::VectorXd& x);

}  // namespace icsim::io
