// The capacity-constrained Leontief solve (capacity.hpp). The operations and their order are
// those of the projection's original solve, so its results stay bit-identical.
#include "icsim/io/capacity.hpp"

#include <Eigen/Dense>
#include <stdexcept>
#include <string>
#include <vector>

#include "icsim/common/error.hpp"

namespace icsim::io {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

CapacityConstrainedOutput solve_capacity_constrained(const LeontiefSystem& leontief,
                                                     const MatrixXd& A, const VectorXd& f,
                                                     const VectorXd& K,
                                                     const VectorXd& constrained) {
  const Index n = A.rows();
  if (A.cols() != n || leontief.size() != n || f.size() != n || K.size() != n ||
      constrained.size() != n)
    throw std::invalid_argument(
        "solve_capacity_constrained: A, the factorisation, f, capacity and constrained must "
        "have one entry per sector");
  CapacityConstrainedOutput out;
  VectorXd& x = out.x;
  VectorXd& leak = out.leak;
  x = leontief.solve(f);
  leak = VectorXd::Zero(n);
  std::vector<char> binding(static_cast<std::size_t>(n), 0);
  bool any = false;
  for (Index i = 0; i < n; ++i)
    if (constrained(i) > 0 && x(i) > K(i) * (1 + kCapacityTolerance)) binding[i] = any = true;
  if (!any) return out;

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
      return out;
    }
  }
  throw ModelError("the capacity-constrained solution did not settle after " +
                   std::to_string(max_iterations) +
                   " iterations (sectors keep switching between binding and free)");
}

}  // namespace icsim::io
