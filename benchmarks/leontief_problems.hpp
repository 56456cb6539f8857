#pragma once
// The problems the input-output benchmarks run on, shared by leontief_bench (Google Benchmark)
// and leontief_timing (the C++ side of compare_numpy.py), so that both measure the same thing:
//  - A: n x n technical coefficients,
//  - E: k x n indicator coefficients ("all Type I multipliers" = E L; row 0 = ones, output),
//  - F: n x m demand shocks, m = 1,000.
// n = 42 and 153 come from the shipped China 2018 tables when they are present (A from the
// table, E = standard_indicators(table), the indicators `icsim io` reports); otherwise, and for
// n = 1000 and 4000, from the synthetic generator below. F is always synthetic.
// The generator uses a fixed-seed std::mt19937_64 and hand-written transforms (no std::
// distributions, whose algorithms differ between standard libraries), so a given n gives the
// same matrices on every machine.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <string>

#include "icsim/io/multipliers.hpp"
#include "icsim/io/table.hpp"
#include "icsim/io/table_format.hpp"

#ifndef ICSIM_SOURCE_DIR
#define ICSIM_SOURCE_DIR "."
#endif

namespace icsim::bench {

inline constexpr Eigen::Index kIndicators = 10;  // k of the synthetic problems
inline constexpr Eigen::Index kShocks = 1000;    // m: columns of F

struct Problem {
  std::string source;                // "synthetic" or the table folder
  Eigen::MatrixXd A;                 // n x n
  Eigen::MatrixXd E;                 // k x n
  Eigen::MatrixXd F;                 // n x m
  std::optional<io::IOTable> table;  // set when the problem comes from a table
};

namespace detail {
// Uniform in [0, 1) from the top 53 bits of one draw.
inline double uniform(std::mt19937_64& gen) { return static_cast<double>(gen() >> 11) * 0x1.0p-53; }
}  // namespace detail

// A table-like coefficient matrix: every column has its diagonal entry and on average
// min(n, 12 + 0.05 n) other suppliers, entries log-uniform over two orders of magnitude, each
// column scaled so that its sum lies in [0.3, 0.7] (as the domestic column sums of regional
// tables do). I - A is then column diagonally dominant: well conditioned, like real tables.
inline Eigen::MatrixXd synthetic_coefficients(Eigen::Index n, std::uint64_t seed = 20240601) {
  std::mt19937_64 gen(seed ^ static_cast<std::uint64_t>(n));
  const double dn = static_cast<double>(n);
  const double density = std::min(1.0, (12.0 + 0.05 * dn) / dn);
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const bool present = i == j || detail::uniform(gen) < density;
      if (present) A(i, j) = std::exp(4.6 * detail::uniform(gen));  // 1 .. 100
    }
    const double target = 0.3 + 0.4 * detail::uniform(gen);
    A.col(j) *= target / A.col(j).sum();
  }
  return A;
}

// k x n: row 0 all ones (output multipliers); the others non-negative coefficients of very
// different magnitudes (1e-3 .. 10 per unit of output, like value added, emissions and jobs),
// a quarter of them zero, as satellite rows are.
inline Eigen::MatrixXd synthetic_indicators(Eigen::Index k, Eigen::Index n,
                                            std::uint64_t seed = 7) {
  std::mt19937_64 gen(seed ^ (static_cast<std::uint64_t>(n) << 8));
  Eigen::MatrixXd E(k, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    E(0, j) = 1.0;
    for (Eigen::Index r = 1; r < k; ++r) {
      const double scale = std::pow(10.0, static_cast<double>(r % 5) - 3.0);
      E(r, j) = detail::uniform(gen) < 0.25 ? 0.0 : scale * detail::uniform(gen);
    }
  }
  return E;
}

// n x m non-negative demand shocks.
inline Eigen::MatrixXd synthetic_shocks(Eigen::Index n, Eigen::Index m, std::uint64_t seed = 11) {
  std::mt19937_64 gen(seed ^ (static_cast<std::uint64_t>(n) << 16));
  Eigen::MatrixXd F(n, m);
  for (Eigen::Index c = 0; c < m; ++c)
    for (Eigen::Index i = 0; i < n; ++i) F(i, c) = detail::uniform(gen);
  return F;
}

inline Problem synthetic_problem(Eigen::Index n) {
  return {"synthetic", synthetic_coefficients(n), synthetic_indicators(kIndicators, n),
          synthetic_shocks(n, kShocks), std::nullopt};
}

// A and E exactly as `icsim io` forms them from the table folder `dir`; synthetic shocks.
inline Problem table_problem(const std::string& dir) {
  io::IOTable table = io::load_table(dir);
  Problem p;
  p.source = std::filesystem::path(dir).filename().string();
  p.A = table.technical_coefficients();
  p.E = io::standard_indicators(table).coefficients;
  p.F = synthetic_shocks(p.A.rows(), kShocks);
  p.table = std::move(table);
  return p;
}

// The shipped table used for size n, or "" (n = 1000 and 4000 have none).
inline std::string shipped_table(Eigen::Index n) {
  if (n == 42) return std::string(ICSIM_SOURCE_DIR) + "/scenarios/data/tables/china_2018_42";
  if (n == 153) return std::string(ICSIM_SOURCE_DIR) + "/scenarios/data/tables/china_2018_153";
  return "";
}

// The problem the benchmarks use for size n: the shipped table when present, else synthetic
// (the source then says which table was missing).
inline Problem benchmark_problem(Eigen::Index n) {
  const std::string dir = shipped_table(n);
  if (!dir.empty() && std::filesystem::is_directory(dir)) return table_problem(dir);
  Problem p = synthetic_problem(n);
  if (!dir.empty())
    p.source = "synthetic (no " + std::filesystem::path(dir).filename().string() + ")";
  return p;
}

}  // namespace icsim::bench
