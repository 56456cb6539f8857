#pragma once
// The capacity-constrained Leontief solve (docs/model.md §3 step 3): the output x = L f of the
// Leontief system, except that a constrained sector whose demand exceeds its capacity is held
// at capacity and the excess is imported (a mixed exogenous/endogenous model, as in Miller and
// Blair, Input-Output Analysis, 2009, ch. 13). A pure function of its inputs.
#include <Eigen/Core>

#include "icsim/io/leontief.hpp"

namespace icsim::io {

// Relative tolerance of the capacity test: a sector binds when x_i > K_i (1 + tolerance) and is
// released when its demand falls below K_i (1 - tolerance), so that rounding does not make a
// sector at its capacity switch back and forth.
inline constexpr double kCapacityTolerance = 1e-12;

struct CapacityConstrainedOutput {
  Eigen::VectorXd x;  // output; x_i <= K_i (1 + tolerance) on the constrained sectors
  Eigen::VectorXd
      leak;  // demand above capacity, imported: (A x + f - K)_i on the binding set, else 0
};

// Solves for x with x_B = K_B on the binding set B and (I - A_NN) x_N = f_N + A_NB K_B on the
// rest N. B starts as the constrained sectors (constrained_i > 0) where L f exceeds capacity;
// each round adds constrained sectors over capacity and drops those whose demand
// d_B = (A x)_B + f_B is below capacity, until B no longer changes. Then x = A x + f - leak
// holds in every sector (leak = 0 outside B). `leontief` is the factorisation of I - A.
// Throws ModelError if B keeps changing for 2 n + 10 rounds; std::invalid_argument if the sizes
// differ. Sectors with constrained_i <= 0 are never held (K_i is then not read).
CapacityConstrainedOutput solve_capacity_constrained(const LeontiefSystem& leontief,
                                                     const Eigen::MatrixXd& A,
                                                     const Eigen::VectorXd& f,
                                                     const Eigen::VectorXd& capacity,
                                                     const Eigen::VectorXd& constrained);

}  // namespace icsim::io
