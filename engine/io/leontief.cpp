#include "icsim/io/leontief.hpp"

#include <sstream>

#include "icsim/common/error.hpp"

namespace icsim::io {

namespace {
// Below this the solution has lost all but a few digits; an economic table that far from
// invertible is an input error (e.g. a sector that only buys from itself), not a result.
constexpr double kMinReciprocalCondition = 1e-13;
}  // namespace

LeontiefSystem::LeontiefSystem(const Eigen::MatrixXd& A) : n_(A.rows()) {
  if (A.rows() != A.cols()) {
    std::ostringstream msg;
    msg << "the coefficient matrix is " << A.rows() << " x " << A.cols() << ", expected square";
    throw ModelError(msg.str());
  }
  Eigen::MatrixXd I_minus_A = -A;
  I_minus_A.diagonal().array() += 1.0;
  lu_.compute(I_minus_A);
  rcond_ = n_ == 0 ? 1.0 : lu_.rcond();
  if (!(rcond_ > kMinReciprocalCondition)) {
    std::ostringstream msg;
    msg << "I - A is singular (reciprocal condition number " << rcond_
        << "): the Leontief system has no unique solution";
    throw ModelError(msg.str());
  }
}

Eigen::MatrixXd LeontiefSystem::solve(const Eigen::MatrixXd& demand) const {
  return lu_.solve(demand);
}

Eigen::MatrixXd LeontiefSystem::solve_transposed(const Eigen::MatrixXd& rows) const {
  // e^T L = (L^T e)^T, and L^T = (I - A)^-T: one transposed solve with the same factors.
  // With P (I - A) = L U:  (I - A)^T y = e  <=>  U^T (L^T (P y)) = e.
  Eigen::MatrixXd z = rows.transpose();
  const auto& lu = lu_.matrixLU();
  lu.triangularView<Eigen::Upper>().transpose().solveInPlace(z);
  lu.triangularView<Eigen::UnitLower>().transpose().solveInPlace(z);
  return (lu_.permutationP().transpose() * z).transpose();
}

Eigen::MatrixXd LeontiefSystem::inverse() const { return lu_.inverse(); }

Eigen::MatrixXd ghosh_inverse(const LeontiefSystem& leontief, const Eigen::VectorXd& x) {
  Eigen::MatrixXd L = leontief.inverse();
  const Eigen::Index n = x.size();
  Eigen::MatrixXd G(n, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i) {
      if (x(i) > 0.0 && x(j) > 0.0)
        G(i, j) = L(i, j) * x(j) / x(i);
      else
        G(i, j) = i == j ? 1.0 : 0.0;
    }
  return G;
}

Eigen::VectorXd ghosh_row_sums(const LeontiefSystem& leontief, const Eigen::VectorXd& x) {
  // G 1 = diag(x)^-1 L diag(x) 1 = diag(x)^-1 (L x).
  Eigen::VectorXd Lx = leontief.solve(x);
  Eigen::VectorXd out(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) out(i) = x(i) > 0.0 ? Lx(i) / x(i) : 1.0;
  return out;
}

}  // namespace icsim::io
