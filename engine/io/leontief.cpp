#include "icsim/io/leontief.hpp"

#include <Eigen/Dense>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <type_traits>
#include <vector>

#include "icsim/common/error.hpp"

namespace icsim::io {

namespace {
// Below this the solution has lost all but a few digits; an economic table that far from
// invertible is an input error (e.g. a sector that only buys from itself), not a result.
constexpr double kMinReciprocalCondition = 1e-13;
// The cheap Neumann-series bound is accepted only this far above the threshold; closer to
// it (or when there is no bound) LAPACK's dgecon estimate decides.
constexpr double kBoundMargin = 1e3;

static_assert(std::is_same_v<lapack_int, int>, "LeontiefSystem stores LAPACK pivots as int");

[[noreturn]] void throw_singular(double rcond) {
  std::ostringstream msg;
  msg << "I - A is singular (reciprocal condition number " << rcond
      << "): the Leontief system has no unique solution";
  throw ModelError(msg.str());
}

// B := op(I - A)^-1 B in place with the stored factors (LAPACK getrs: the same laswp and
// trsm calls scipy's lu_solve makes, so results are bitwise those of getrs).
void getrs(char trans, const Eigen::MatrixXd& lu, const std::vector<int>& ipiv,
           Eigen::MatrixXd& B) {
  const lapack_int n = static_cast<lapack_int>(lu.rows());
  const lapack_int nrhs = static_cast<lapack_int>(B.cols());
  if (n == 0 || nrhs == 0) return;
  LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, trans, n, nrhs, lu.data(), n, ipiv.data(), B.data(),
                      static_cast<lapack_int>(B.outerStride()));
}
}  // namespace

LeontiefSystem::LeontiefSystem(const Eigen::MatrixXd& A) : n_(A.rows()) {
  if (A.rows() != A.cols()) {
    std::ostringstream msg;
    msg << "the coefficient matrix is " << A.rows() << " x " << A.cols() << ", expected square";
    throw ModelError(msg.str());
  }
  const Eigen::Index n = n_;
  // Form I - A directly in the storage that getrf factors in place (one n x n buffer), and
  // in the same pass the 1-norms ||A||_1 and ||I - A||_1.
  lu_.resize(n, n);
  double a_norm = 0.0;  // max_j sum_i |a_ij|
  double anorm = 0.0;   // ||I - A||_1
  for (Eigen::Index j = 0; j < n; ++j) {
    const double* a = A.col(j).data();
    double* m = lu_.col(j).data();
    double abs_a = 0.0;
    double abs_m = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double v = -a[i];
      m[i] = v;
      abs_a += std::abs(v);
      abs_m += std::abs(v);
    }
    const double d = 1.0 - a[j];
    m[j] = d;
    abs_m += std::abs(d) - std::abs(a[j]);
    a_norm = std::max(a_norm, abs_a);
    anorm = std::max(anorm, abs_m);
    if (!std::isfinite(abs_a)) a_norm = anorm = std::numeric_limits<double>::quiet_NaN();
  }
  if (n == 0) {
    rcond_ = 1.0;
    return;
  }
  if (!std::isfinite(a_norm) || !std::isfinite(anorm)) throw_singular(a_norm);

  ipiv_.resize(static_cast<std::size_t>(n));
  const lapack_int ln = static_cast<lapack_int>(n);
  const lapack_int info =
      LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, ln, ln, lu_.data(), ln, ipiv_.data());
  if (info > 0) throw_singular(0.0);  // an exact zero pivot

  // If ||A||_1 < 1 the Neumann series gives ||(I - A)^-1||_1 <= 1 / (1 - ||A||_1), so
  // rcond_1 >= (1 - ||A||_1) / ||I - A||_1: a rigorous lower bound that needs no solves.
  // Single-region tables (validated column sums < 1, A >= 0) always have it.
  const double bound = a_norm < 1.0 ? (1.0 - a_norm) / anorm : 0.0;
  if (bound > kBoundMargin * kMinReciprocalCondition) {
    rcond_ = bound;
    return;
  }
  std::vector<double> work(4 * static_cast<std::size_t>(n));
  std::vector<lapack_int> iwork(static_cast<std::size_t>(n));
  double rcond = 0.0;
  const lapack_int cinfo = LAPACKE_dgecon_work(LAPACK_COL_MAJOR, '1', ln, lu_.data(), ln, anorm,
                                               &rcond, work.data(), iwork.data());
  rcond_ = cinfo == 0 ? rcond : 0.0;
  if (!(rcond_ > kMinReciprocalCondition)) throw_singular(rcond_);
}

Eigen::MatrixXd LeontiefSystem::solve(const Eigen::MatrixXd& demand) const {
  Eigen::MatrixXd x = demand;
  getrs('N', lu_, ipiv_, x);
  return x;
}

Eigen::MatrixXd LeontiefSystem::solve_transposed(const Eigen::MatrixXd& rows) const {
  // e^T L = (L^T e)^T, and L^T = (I - A)^-T: one transposed solve with the same factors.
  Eigen::MatrixXd z = rows.transpose();
  getrs('T', lu_, ipiv_, z);
  return z.transpose();
}

Eigen::MatrixXd LeontiefSystem::inverse() const {
  Eigen::MatrixXd L = Eigen::MatrixXd::Identity(n_, n_);
  getrs('N', lu_, ipiv_, L);
  return L;
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
