#pragma once
// A regional (or multi-regional) input-output table in memory, as defined in
// docs/table-format.md. Money is in the table's `money_unit` (CNY 100 million for the bundled
// tables). Rows of Z and F are supplying sectors; columns of Z are using sectors.
#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

namespace icsim::io {

// The years a table may describe (table.toml `year`), as for a scenario's base_year.
inline constexpr int kMinTableYear = 1900;
inline constexpr int kMaxTableYear = 2200;

struct TableMeta {
  std::string name;
  std::string region;
  int year = 0;
  std::string money_unit;
  std::string source;
  // Which final-demand column is household consumption and which value-added row is labour
  // income: the two halves of the Type II household closure.
  std::string household_consumption = "household";
  std::string labour_income = "compensation";
  // Which value-added row is net production taxes (the tax multiplier) and which final-demand
  // column is gross fixed capital formation (the default investment bridge).
  std::string taxes = "net_production_taxes";
  std::string gfcf = "gfcf";
  // Relative tolerance for the row/column balance check on load.
  double balance_tolerance = 1e-6;
};

// A block of rows or columns indexed by component name (value-added components, import rows,
// final-demand columns, satellite indicators).
struct Labelled {
  std::vector<std::string> labels;
  std::vector<std::string> units;  // satellites only; empty otherwise
  Eigen::MatrixXd values;          // components x sectors, or sectors x components for F

  int find(const std::string& label) const;  // -1 if absent
  std::size_t size() const { return labels.size(); }
};

struct IOTable {
  TableMeta meta;
  std::vector<std::string> codes;     // sector codes, the table's order
  std::vector<std::string> names;     // readable names (may equal codes)
  std::vector<std::string> names_zh;  // Chinese names, or empty strings
  // Multi-region tables: the region of each sector ("" for single-region tables). Sector codes
  // stay unique across the table (e.g. "reg1/food").
  std::vector<std::string> sector_region;

  Eigen::MatrixXd Z;      // n x n regional intermediate flows
  Labelled final_demand;  // values: n x k
  Labelled value_added;   // values: c x n
  Labelled imports;       // values: r x n (intermediate imports / inflows by using sector)
  Labelled satellites;    // values: s x n, totals per sector (not coefficients)
  std::optional<Eigen::MatrixXd> gfcf_bridge;  // n x n, column j = products bought when
                                               // sector j invests one unit (sums <= 1)

  std::size_t size() const { return codes.size(); }
  bool multi_region() const;
  std::vector<std::string> regions() const;         // distinct regions in order of first appearance
  int sector_index(const std::string& code) const;  // -1 if absent

  // x: row sums of Z and F (the definition used throughout).
  Eigen::VectorXd total_output() const;
  // Column sums of Z, imports and value added: must equal total_output() in a balanced table.
  Eigen::VectorXd total_input() const;
  // A = Z diag(x)^-1, with zero columns for sectors of zero output.
  Eigen::MatrixXd technical_coefficients() const;
  // Per-unit-of-output coefficients of a row block (value added, imports, satellites).
  Eigen::MatrixXd coefficients(const Labelled& rows) const;
};

}  // namespace icsim::io
