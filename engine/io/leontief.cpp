#include "icsim/io/leontief.hpp"

#include <lapacke.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <string>

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
  lu_ = -A;
  lu_.diagonal().array() += 1.0;
  pivots_.resize(static_cast<std::size_t>(std::max<Eigen::Index>(n_, 1)));
  rcond_ = 1.0;
  if (n_ == 0) return;
  const auto n = static_cast<lapack_int>(n_);
  const double norm1 = lu_.cwiseAbs().colwise().sum().maxCoeff();
  const lapack_int info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, n, n, lu_.data(), n, pivots_.data());
  if (info < 0) throw std::logic_error("dgetrf: invalid argument " + std::to_string(-info));
  if (info == 0) LAPACKE_dgecon(LAPACK_COL_MAJOR, '1', n, lu_.data(), n, norm1, &rcond_);
  if (info > 0 || !(rcond_ > kMinReciprocalCondition)) {
    std::ostringstream msg;
    msg << "I - A is singular (reciprocal condition number " << (info > 0 ? 0.0 : rcond_)
        << "): the Leontief system has no unique solution";
    throw ModelError(msg.str());
  }
}

Eigen::MatrixXd LeontiefSystem::solve_impl(Eigen::MatrixXd rhs, char trans) const {
  if (n_ == 0 || rhs.cols() == 0) return rhs;
  const auto n = static_cast<lapack_int>(n_);
  LAPACKE_dgetrs(LAPACK_COL_MAJOR, trans, n, static_cast<lapack_int>(rhs.cols()), lu_.data(), n,
                 pivots_.data(), rhs.data(), n);
  return rhs;
}

Eigen::MatrixXd LeontiefSystem::solve(const Eigen::MatrixXd& demand) const {
  return solve_impl(demand, 'N');
}

Eigen::MatrixXd LeontiefSystem::solve_transposed(const Eigen::MatrixXd& rows) const {
  // e^T L = (L^T e)^T, and L^T = (I - A)^-T: one transposed solve with the same factors.
  return solve_impl(rows.transpose(), 'T').transpose();
}

Eigen::MatrixXd LeontiefSystem::inverse() const {
  return solve_impl(Eigen::MatrixXd::Identity(n_, n_), 'N');
}

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
