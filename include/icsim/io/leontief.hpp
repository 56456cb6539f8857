#pragma once
// The Leontief system (I - A) x = f, factored once. Everything that needs L only through a
// product with it (multipliers, shocks, linkages, Ghosh row sums) goes through solve() or
// solve_transposed(); the explicit inverse is formed only when the caller asks for L itself.
#include <Eigen/Core>
#include <vector>

namespace icsim::io {

class LeontiefSystem {
 public:
  // Factors I - A in place with partial-pivot LU (LAPACK getrf). Throws ModelError if the
  // system is singular or so ill-conditioned that results would be meaningless.
  explicit LeontiefSystem(const Eigen::MatrixXd& A);

  Eigen::Index size() const { return n_; }

  // x = L f for every column f of `demand` (n x m).
  Eigen::MatrixXd solve(const Eigen::MatrixXd& demand) const;
  // y^T = e^T L for every row e of `rows` (k x n): weighted column sums of L (multipliers).
  Eigen::MatrixXd solve_transposed(const Eigen::MatrixXd& rows) const;
  // L = (I - A)^-1, only when L itself is the output.
  Eigen::MatrixXd inverse() const;
  // Reciprocal condition number of I - A (1-norm), never an overestimate of the conditioning
  // margin: when ||A||_1 < 1 (every column sum of |A| below 1, as in validated single-region
  // tables) the rigorous Neumann lower bound (1 - ||A||_1) / ||I - A||_1; otherwise, or when
  // that bound is near the rejection threshold, LAPACK's dgecon estimate.
  double reciprocal_condition() const { return rcond_; }

 private:
  Eigen::Index n_;
  Eigen::MatrixXd lu_;     // getrf factors of I - A: unit L below the diagonal, U on and above
  std::vector<int> ipiv_;  // getrf row interchanges (1-based)
  double rcond_;
};

// Ghosh inverse G = (I - B)^-1 with B = diag(x)^-1 Z; formed from the Leontief factorization
// (G = diag(x)^-1 L diag(x)) since both systems share one LU. Zero-output sectors get an
// identity row/column.
Eigen::MatrixXd ghosh_inverse(const LeontiefSystem& leontief, const Eigen::VectorXd& x);
// Row sums of G (total forward effect of a unit of primary input), without forming G.
Eigen::VectorXd ghosh_row_sums(const LeontiefSystem& leontief, const Eigen::VectorXd& x);

}  // namespace icsim::io
