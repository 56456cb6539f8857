#pragma once
// The capacity-constrained Leontief solve (docs/model.md §3, "Capacity"): x = L f, except that a
// constrained sector whose output would exceed its capacity K is held at K and the excess demand
// for its product is imported (the mixed exogenous/endogenous model). Internal to
// engine/experiment; pure (depends on its arguments only).
#include <Eigen/Dense>

#include "icsim/io/leontief.hpp"

namespace icsim::experiment::detail {

// x with x_i <= K_i on the constrained sectors; `leak` = the excess demand imported. A is the
// technical-coefficient matrix that `leontief` factors; `constrained` is 1 on the sectors whose
// capacity may bind (none if `enabled` is false). The binding set B gains the sectors over
// capacity and loses those whose demand (A x + f)_B falls below it, until it settles
// (ModelError if it does not within 2 n + 10 iterations).
Eigen::VectorXd solve_output(const io::LeontiefSystem& leontief, const Eigen::MatrixXd& A,
                             const Eigen::VectorXd& f, const Eigen::VectorXd& K,
                             Eigen::VectorXd& leak, bool enabled,
                             const Eigen::VectorXd& constrained);

}  // namespace icsim::experiment::detail
