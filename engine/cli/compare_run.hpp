#pragma once
// Internal to `icsim compare` (compare_command.cpp, compare_tables.cpp): one result file opened
// at one sweep point, and whether two files pair replication by replication.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "icsim/output/result_reader.hpp"

namespace icsim::cli::compare {

struct Run {
  std::string label;  // "A" or "B"
  output::ResultReader file;
  std::string scenario = "?";
  std::optional<std::int64_t> seed;
  std::vector<double> replications;  // the replication coordinate
  bool firm_model = false;
  std::size_t points = 1;
  std::size_t point = 0;    // the sweep point read (0 for a plain run)
  std::string point_label;  // its overrides, for a sweep
};

// Opens `path`; a sweep file (more than one point) needs `point`, else InputError.
Run open_run(const std::string& label, const std::string& path, std::optional<std::size_t> point);

// Replication r of A and of B drew the same random numbers: same seed, same replications.
bool paired(const Run& a, const Run& b);

std::vector<double> numbers(const Run& run, const std::string& name, std::size_t size);
std::vector<std::string> strings(const Run& run, const std::string& name, std::size_t size);
// The (replication, year, X) values of `variable` (point, replication, year[, X]) at the run's
// point, with its shape; a variable without X has n = 1, one over (district, cluster) has
// n = districts x clusters.
struct Cube {
  std::vector<double> values;
  std::size_t replications = 0, years = 0, n = 0;
  std::vector<double> sample(std::size_t year, std::size_t x) const;  // over replications
};
Cube read_cube(const Run& run, const std::string& variable);
std::vector<int> years_of(const Run& run, const std::string& group);
std::size_t year_index(const Run& run, const std::string& group, int year);
std::string units_of(const Run& run, const std::string& variable);
std::string join(const std::vector<std::string>& items);
std::string signed_fixed(double v, int decimals);
std::string change_percent(double a, double b);

// The tables by year (compare_tables.cpp).
void print_region(std::ostream& out, const Run& a, const Run& b, const std::vector<int>& years);
// With `district` (a district code) the cluster table is of that district's firms
// (/district_clusters/output) instead of the whole region.
void print_clusters(std::ostream& out, const Run& a, const Run& b, const std::vector<int>& years,
                    const std::vector<std::string>& requested_systems,
                    const std::string& district = "");
void print_districts(std::ostream& out, const Run& a, const Run& b, const std::vector<int>& years);

}  // namespace icsim::cli::compare
