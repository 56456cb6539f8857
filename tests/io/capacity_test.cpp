#include "icsim/io/capacity.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "icsim/common/error.hpp"
#include "support/checks.hpp"

using namespace icsim;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr double kFree = std::numeric_limits<double>::infinity();

VectorXd vec(std::initializer_list<double> values) {
  VectorXd v(static_cast<Index>(values.size()));
  Index i = 0;
  for (double x : values) v(i++) = x;
  return v;
}

io::CapacityConstrainedOutput solve(const MatrixXd& A, const VectorXd& f, const VectorXd& K,
                                    const VectorXd& constrained) {
  return io::solve_capacity_constrained(io::LeontiefSystem(A), A, f, K, constrained);
}

// x = A x + f - leak in every sector (leak = 0 where the sector is not held).
void expect_accounting_identity(const MatrixXd& A, const VectorXd& f,
                                const io::CapacityConstrainedOutput& r) {
  const VectorXd rhs = A * r.x + f - r.leak;
  for (Index i = 0; i < A.rows(); ++i)
    EXPECT_NEAR(r.x(i), rhs(i), 1e-12 * (1 + std::abs(r.x(i)))) << "sector " << i;
}

// Independent check: the dense system with x_i = K_i on `held` and x_i - (A x)_i = f_i
// elsewhere, solved by full-pivot LU of the whole n x n matrix.
VectorXd dense_mixed_solve(const MatrixXd& A, const VectorXd& f, const VectorXd& K,
                           const std::vector<bool>& held) {
  const Index n = A.rows();
  MatrixXd M = MatrixXd::Identity(n, n);
  VectorXd b(n);
  for (Index i = 0; i < n; ++i) {
    if (held[static_cast<std::size_t>(i)]) {
      b(i) = K(i);
    } else {
      M.row(i) -= A.row(i);
      b(i) = f(i);
    }
  }
  return M.fullPivLu().solve(b);
}

}  // namespace

TEST(CapacityConstrained, UnconstrainedIsTheLeontiefSolution) {
  const MatrixXd A = test::mat({{0.15, 0.25}, {0.2, 0.05}});
  const VectorXd f = vec({1, 1});
  const io::LeontiefSystem L(A);
  const VectorXd x = L.solve(f);
  // Capacity above demand, and capacity below demand on sectors that are not constrained.
  for (const auto& [K, constrained] :
       {std::pair{vec({10, 10}), vec({1, 1})}, std::pair{vec({0.1, 0.1}), vec({0, 0})}}) {
    const auto r = io::solve_capacity_constrained(L, A, f, K, constrained);
    EXPECT_EQ(r.x, x);  // bit for bit: the same solve
    EXPECT_EQ(r.leak, VectorXd::Zero(2));
  }
}

TEST(CapacityConstrained, HandWorkedTwoSectors) {
  // I - A = [[0.85, -0.25], [-0.2, 0.95]]: with f = (1, 1), L f = (1.2, 1.05) / 0.7575 =
  // (1.584, 1.386). Capacity 1 in sector 0: x0 = 1, then 0.95 x1 = f1 + 0.2 x0 = 1.2, so
  // x1 = 1.2 / 0.95; demand for sector 0 is 0.15 + 0.25 x1 + 1, of which 1 is produced.
  const MatrixXd A = test::mat({{0.15, 0.25}, {0.2, 0.05}});
  const auto r = solve(A, vec({1, 1}), vec({1.0, kFree}), vec({1, 0}));
  EXPECT_DOUBLE_EQ(r.x(0), 1.0);
  EXPECT_NEAR(r.x(1), 1.2 / 0.95, 1e-15);
  EXPECT_NEAR(r.leak(0), 0.15 + 0.25 * 1.2 / 0.95, 1e-15);
  EXPECT_EQ(r.leak(1), 0.0);
  expect_accounting_identity(A, vec({1, 1}), r);
}

TEST(CapacityConstrained, HandWorkedThreeSectorsReleasesASector) {
  // Sector 0 supplies sector 1 (0.5 a unit). L f = (2, 2, 1) exceeds K = (1.8, 1, -) in sectors
  // 0 and 1, so both are held first; holding sector 1 at 1 cuts the demand for sector 0 to
  // 1 + 0.5 = 1.5 < 1.8, so sector 0 is released: x = (1.5, 1, 1), sector 1 imports 1.
  const MatrixXd A = test::mat({{0, 0.5, 0}, {0, 0, 0}, {0, 0, 0}});
  const VectorXd f = vec({1, 2, 1});
  const auto r = solve(A, f, vec({1.8, 1.0, kFree}), vec({1, 1, 0}));
  EXPECT_NEAR(r.x(0), 1.5, 1e-15);
  EXPECT_EQ(r.x(1), 1.0);
  EXPECT_NEAR(r.x(2), 1.0, 1e-15);
  EXPECT_EQ(r.leak(0), 0.0);
  EXPECT_NEAR(r.leak(1), 1.0, 1e-15);
  EXPECT_EQ(r.leak(2), 0.0);
  expect_accounting_identity(A, f, r);
}

TEST(CapacityConstrained, AgreesWithAnIndependentDenseSolve) {
  // Five sectors with dense coefficients; capacities cut every constrained sector by a factor,
  // so that different subsets bind. For each case the solution must be the one mixed system
  // (among all subsets of the constrained sectors) that is consistent: held sectors' demand at
  // or above capacity, free constrained sectors at or below it.
  const MatrixXd A = test::mat({{0.10, 0.05, 0.20, 0.02, 0.08},
                                {0.12, 0.15, 0.03, 0.10, 0.04},
                                {0.05, 0.20, 0.10, 0.06, 0.02},
                                {0.02, 0.04, 0.15, 0.05, 0.20},
                                {0.08, 0.02, 0.05, 0.12, 0.10}});
  const VectorXd f = vec({3, 1, 2, 4, 1.5});
  const io::LeontiefSystem L(A);
  const VectorXd x_free = L.solve(f);
  const VectorXd constrained = vec({1, 1, 0, 1, 1});
  for (const VectorXd& cut : {vec({0.9, 1.1, 1, 0.95, 1.2}), vec({0.5, 0.6, 1, 0.7, 0.8}),
                              vec({1.2, 0.8, 1, 1.3, 0.9}), vec({0.99, 0.99, 1, 0.99, 0.99})}) {
    const VectorXd K = x_free.cwiseProduct(cut);
    const auto r = io::solve_capacity_constrained(L, A, f, K, constrained);
    expect_accounting_identity(A, f, r);
    std::vector<bool> held(5);
    for (Index i = 0; i < 5; ++i) held[static_cast<std::size_t>(i)] = r.leak(i) != 0.0;
    EXPECT_TRUE(r.x.isApprox(dense_mixed_solve(A, f, K, held), 1e-13));
    // Every consistent subset (brute force over the 2^4 subsets of the constrained sectors).
    int consistent = 0;
    for (unsigned mask = 0; mask < 16; ++mask) {
      const Index idx[4] = {0, 1, 3, 4};
      std::vector<bool> h(5, false);
      for (int k = 0; k < 4; ++k) h[static_cast<std::size_t>(idx[k])] = (mask >> k) & 1u;
      const VectorXd x = dense_mixed_solve(A, f, K, h);
      const VectorXd demand = A * x + f;
      bool ok = true;
      for (Index i : idx) {
        if (h[static_cast<std::size_t>(i)])
          ok = ok && demand(i) >= K(i) * (1 - 1e-12);
        else
          ok = ok && x(i) <= K(i) * (1 + 1e-12);
      }
      if (!ok) continue;
      ++consistent;
      EXPECT_EQ(h, held) << "another consistent binding set";
      EXPECT_TRUE(r.x.isApprox(x, 1e-13));
    }
    EXPECT_EQ(consistent, 1);
    for (Index i = 0; i < 5; ++i) {
      EXPECT_GE(r.leak(i), 0.0);
      if (constrained(i) > 0) {
        EXPECT_LE(r.x(i), K(i) * (1 + io::kCapacityTolerance));
      }
    }
  }
}

TEST(CapacityConstrained, SizesMustAgree) {
  const MatrixXd A = test::mat({{0.15, 0.25}, {0.2, 0.05}});
  const io::LeontiefSystem L(A);
  EXPECT_THROW(io::solve_capacity_constrained(L, A, vec({1, 1, 1}), vec({1, 1}), vec({1, 1})),
               std::invalid_argument);
  EXPECT_THROW(io::solve_capacity_constrained(L, A, vec({1, 1}), vec({1}), vec({1, 1})),
               std::invalid_argument);
}
