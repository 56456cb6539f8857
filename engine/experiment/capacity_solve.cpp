// The capacity-constrained Leontief solve (engine/experiment/capacity_solve.hpp).
#include "capacity_solve.hpp"

#include <string>
#include <vector>

#include "icsim/common/error.hpp"

namespace icsim::experiment::detail {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Relative margin before a sector counts as over (or under) its capacity.
constexpr double kCapacityTolerance = 1e-12;

}  // namespace

VectorXd solve_output(const io::LeontiefSystem& leontief, const MatrixXd& A, const VectorXd& f,
                      const VectorXd& K, VectorXd& leak, bool enabled,
                      const VectorXd& constrained) {
  const Index n = A.rows();
  VectorXd x = leontief.solve(f);
  leak = VectorXd::Zero(n);
  if (!enabled) return x;
  std::vector<char> binding(static_cast<std::size_t>(n), 0);
  bool any = false;
  for (Index i = 0; i < n; ++i)
    if (constrained(i) > 0 && x(i) > K(i) * (1 + kCapacityTolerance)) binding[i] = any = true;
  if (!any) return x;

  const int max_iterations = 2 * static_cast<int>(n) + 10;
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    std::vector<Index> B, N;
    for (Index i = 0; i < n; ++i) (binding[i] ? B : N).push_back(i);
    if (B.empty()) {
      x = leontief.solve(f);
    } else {
      VectorXd KB = K(B);
      MatrixXd block = -A(N, N);
      block.diagonal().array() += 1.0;
      VectorXd rhs = f(N) + A(N, B) * KB;
      VectorXd xN = N.empty() ? VectorXd() : VectorXd(block.partialPivLu().solve(rhs));
      x(N) = xN;
      x(B) = KB;
    }
    const VectorXd demand = A * x + f;
    bool changed = false;
    for (Index i = 0; i < n; ++i) {
      if (constrained(i) <= 0) continue;
      if (!binding[i] && x(i) > K(i) * (1 + kCapacityTolerance))
        binding[i] = changed = true;
      else if (binding[i] && demand(i) < K(i) * (1 - kCapacityTolerance)) {
        binding[i] = false;
        changed = true;
      }
    }
    if (!changed) {
      for (Index i : B) leak(i) = demand(i) - K(i);
      return x;
    }
  }
  throw ModelError("the capacity-constrained solution did not settle after " +
                   std::to_string(max_iterations) +
                   " iterations (sectors keep switching between binding and free)");
}

}  // namespace icsim::experiment::detail
