#include "icsim/io/leontief.hpp"

#include <Eigen/Dense>
#include <gtest/gtest.h>

#include "icsim/common/error.hpp"
#include "support/tables.hpp"

using namespace icsim;

namespace {
// Hand-computed: I - A = [[0.85, -0.25], [-0.2, 0.95]], det = 0.7575,
// L = [[0.95, 0.25], [0.2, 0.85]] / 0.7575.
Eigen::Matrix2d miller_blair_L() {
  Eigen::Matrix2d L;
  L << 0.95, 0.25, 0.2, 0.85;
  return L / 0.7575;
}
}  // namespace

TEST(LeontiefSystem, InverseMatchesHandComputedTwoSector) {
  auto t = test::miller_blair_2x2();
  io::LeontiefSystem sys(t.technical_coefficients());
  EXPECT_TRUE(sys.inverse().isApprox(miller_blair_L(), 1e-14));
  // Book values, rounded to 4 decimals: 1.2541, 0.3300, 0.2640, 1.1221.
  EXPECT_NEAR(sys.inverse()(0, 0), 1.2541, 5e-5);
  EXPECT_NEAR(sys.inverse()(1, 1), 1.1221, 5e-5);
}

TEST(LeontiefSystem, SolveReproducesTableOutput) {
  auto t = test::three_sector();
  io::LeontiefSystem sys(t.technical_coefficients());
  Eigen::VectorXd f = t.final_demand.values.rowwise().sum();
  EXPECT_TRUE(sys.solve(f).isApprox(t.total_output(), 1e-13));
}

TEST(LeontiefSystem, InverseTimesIMinusAIsIdentity) {
  auto t = test::three_sector();
  Eigen::MatrixXd A = t.technical_coefficients();
  io::LeontiefSystem sys(A);
  Eigen::MatrixXd I = Eigen::MatrixXd::Identity(3, 3);
  EXPECT_TRUE((sys.inverse() * (I - A)).isApprox(I, 1e-14));
  EXPECT_TRUE(((I - A) * sys.inverse()).isApprox(I, 1e-14));
}

TEST(LeontiefSystem, TransposedSolveGivesWeightedColumnSums) {
  auto t = test::three_sector();
  io::LeontiefSystem sys(t.technical_coefficients());
  Eigen::MatrixXd rows(2, 3);
  rows << 1, 1, 1, 0.2, 0.5, 0.1;
  Eigen::MatrixXd expected = rows * sys.inverse();
  EXPECT_TRUE(sys.solve_transposed(rows).isApprox(expected, 1e-14));
}

TEST(LeontiefSystem, ManyRightHandSidesMatchOneAtATime) {
  auto t = test::three_sector();
  io::LeontiefSystem sys(t.technical_coefficients());
  Eigen::MatrixXd F = Eigen::MatrixXd::Random(3, 50).cwiseAbs();
  Eigen::MatrixXd X = sys.solve(F);
  for (int k = 0; k < 50; ++k)
    EXPECT_TRUE(X.col(k).isApprox(sys.solve(Eigen::MatrixXd(F.col(k))), 1e-14));
}

TEST(LeontiefSystem, SingularSystemIsRejected) {
  Eigen::MatrixXd A(2, 2);
  A << 0.5, 0.5, 0.5, 0.5;  // I - A = [[.5,-.5],[-.5,.5]] is singular
  EXPECT_THROW(io::LeontiefSystem{A}, ModelError);
}

TEST(Ghosh, InverseFromLeontiefMatchesDirectDefinition) {
  auto t = test::three_sector();
  Eigen::VectorXd x = t.total_output();
  Eigen::MatrixXd B = x.cwiseInverse().asDiagonal() * t.Z;
  Eigen::MatrixXd G_direct = (Eigen::MatrixXd::Identity(3, 3) - B).inverse();
  io::LeontiefSystem sys(t.technical_coefficients());
  EXPECT_TRUE(io::ghosh_inverse(sys, x).isApprox(G_direct, 1e-13));
  EXPECT_TRUE(io::ghosh_row_sums(sys, x).isApprox(G_direct.rowwise().sum(), 1e-13));
  // Ghosh identity: x^T = v^T G where v^T = x^T - 1^T Z (primary inputs).
  Eigen::RowVectorXd primary = x.transpose() - t.Z.colwise().sum();
  EXPECT_TRUE((primary * G_direct).isApprox(x.transpose(), 1e-13));
}

TEST(Ghosh, ZeroOutputSectorGetsIdentityRow) {
  auto t = test::three_sector();
  // Remove sector M entirely: its row and column are zero.
  t.Z.row(1).setZero();
  t.Z.col(1).setZero();
  t.final_demand.values.row(1).setZero();
  io::LeontiefSystem sys(t.technical_coefficients());
  Eigen::VectorXd x = t.total_output();
  ASSERT_EQ(x(1), 0.0);
  Eigen::MatrixXd G = io::ghosh_inverse(sys, x);
  EXPECT_EQ(G(1, 1), 1.0);
  EXPECT_EQ(io::ghosh_row_sums(sys, x)(1), 1.0);
  EXPECT_TRUE(G.allFinite());
}
