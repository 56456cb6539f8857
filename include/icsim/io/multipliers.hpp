#pragma once
// Type I and Type II multipliers, investment multipliers and Rasmussen linkages (docs/model.md §2).
// A "simple" multiplier of indicator e for sector j is the total (direct + indirect [+ induced])
// change in e per unit of final demand for sector j's product: (e^T L)_j. Ratio multipliers
// (Type I/II "income multipliers" in the textbook sense) divide by the direct coefficient e_j.
#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "icsim/io/leontief.hpp"
#include "icsim/io/table.hpp"

namespace icsim::io {

// Per-unit-of-output coefficient rows for which multipliers are reported.
struct Indicators {
  std::vector<std::string> names;  // "output", "value_added", "<va component>", "imports", ...
  std::vector<std::string> units;  // e.g. "CNY 100 million per CNY 100 million", "persons per ..."
  std::vector<std::string> long_names;
  Eigen::MatrixXd coefficients;  // k x n
  int find(const std::string& name) const;
};

// output (all ones), value_added (total), each value-added component, imports (total) and each
// import row, each satellite: the full set the table supports.
Indicators standard_indicators(const IOTable& table);

// The households of the Type II closure: one household sector per region (one for a
// single-region table), with a labour-income row and a consumption column.
struct HouseholdClosure {
  std::vector<std::string> regions;
  Eigen::MatrixXd income_coefficients;       // h x n: labour income per unit of output
  Eigen::MatrixXd consumption_coefficients;  // n x h: household purchases per unit of income
};
// Throws InputError naming the missing column/row if the table lacks them.
HouseholdClosure household_closure(const IOTable& table);
// [[A, c], [w, 0]]: the (n + h) x (n + h) matrix closed for households.
Eigen::MatrixXd closed_coefficients(const Eigen::MatrixXd& A, const HouseholdClosure& h);

struct Multipliers {
  Indicators indicators;
  Eigen::MatrixXd type1;                 // k x n simple multipliers
  std::optional<Eigen::MatrixXd> type2;  // k x n, households endogenous
  // Ratio multipliers type1 / direct (NaN where the direct coefficient is 0).
  Eigen::MatrixXd type1_ratio() const;
  std::optional<Eigen::MatrixXd> type2_ratio() const;
};

// Type I always; Type II when `with_type2` (needs the household closure).
Multipliers compute_multipliers(const IOTable& table, const LeontiefSystem& leontief,
                                bool with_type2);

// The bridge matrix C (n x n, column j = products bought when sector j invests one unit):
// table.gfcf_bridge if the table has one, else every column is the product mix of the GFCF
// final-demand column (meta.gfcf). `source` (if given) receives a description of which was used.
// Throws InputError if the table has neither a bridge nor a GFCF column with a positive total.
Eigen::MatrixXd investment_bridge(const IOTable& table, std::string* source = nullptr);

// Investment multipliers: effect per unit invested by each investing sector, through the bridge
// matrix C (table.gfcf_bridge, or the GFCF column's product mix when the table has no bridge):
// (e^T L) C. Returns k x n (indicators x investing sector); type2 likewise with households.
struct InvestmentMultipliers {
  Eigen::MatrixXd bridge;     // n x n, the C actually used
  std::string bridge_source;  // "gfcf_bridge.csv" or "GFCF column '<name>' product mix"
  Eigen::MatrixXd type1;
  std::optional<Eigen::MatrixXd> type2;
};
InvestmentMultipliers compute_investment_multipliers(const IOTable& table,
                                                     const Multipliers& multipliers);

// Rasmussen indices normalised to mean 1 over the sectors with output: backward from column sums
// of L, forward from row sums of the Ghosh inverse. Key sector: both > 1. Sectors with zero
// output get NaN and the class "absent".
struct Linkages {
  Eigen::VectorXd backward;
  Eigen::VectorXd forward;
  std::vector<std::string> classification;  // "key", "backward", "forward", "weak", "absent"
};
Linkages compute_linkages(const LeontiefSystem& leontief, const Eigen::VectorXd& x);

}  // namespace icsim::io
