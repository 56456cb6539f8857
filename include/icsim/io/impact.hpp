#pragma once
// Impact analysis (IMPLAN / RIMS II style): a change in final demand Δf, by supplying sector,
// traced through the economy and split, for every indicator of standard_indicators and for
// every sector where the effect occurs, into
//   direct    e ∘ Δf                   (the sectors that meet the new demand)
//   indirect  e ∘ (L Δf − Δf)          (their suppliers, and theirs: the Type I rounds)
//   induced   e ∘ (L* Δf − L Δf)       (households spending the extra labour income: Type II)
// where e is the indicator's coefficient per unit of output and L* the industry block of the
// inverse of the household-closed system (closed_coefficients). Total = the three added up.
// An investment package enters through the bridge: Δf = C · investment (investment_bridge).
#include <Eigen/Core>
#include <optional>
#include <string>

#include "icsim/io/concordance.hpp"
#include "icsim/io/leontief.hpp"
#include "icsim/io/multipliers.hpp"
#include "icsim/io/table.hpp"

namespace icsim::io {

struct Impact {
  Indicators indicators;                   // k indicators (rows of the effect matrices)
  Eigen::VectorXd demand;                  // n: Δf, the final-demand change analysed
  Eigen::MatrixXd direct;                  // k x n, by sector where the effect occurs
  Eigen::MatrixXd indirect;                // k x n
  std::optional<Eigen::MatrixXd> induced;  // k x n, with the household closure only
  Eigen::MatrixXd total() const;           // direct + indirect (+ induced)
};

// The effects of `demand` (n, in the table's money unit). Induced effects when `with_induced`
// (needs household_closure, which throws InputError naming what the table lacks).
Impact compute_impact(const IOTable& table, const LeontiefSystem& leontief,
                      const Eigen::VectorXd& demand, bool with_induced);

// A column of amounts by sector code from CSV `code,<amount>`: every listed code must be a
// sector of the table, listed once; unlisted sectors get 0. `what` names the amount in messages
// ("final-demand change"). Errors are InputErrors naming file and line.
Eigen::VectorXd load_sector_amounts(const std::string& path, const IOTable& table,
                                    const std::string& what);

}  // namespace icsim::io
