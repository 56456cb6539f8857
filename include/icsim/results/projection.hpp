#pragma once
// The result of a projection (experiment/projection.hpp makes it): per Monte Carlo replication
// and year, every result variable of results/variable_list.hpp, and with the firm model the
// statistics of abm/statistics.hpp per district and for the region. Plain data: the result file
// codec (output/) writes and reads it, targets are evaluated on it (experiment/targets.hpp).
#include <string>
#include <vector>

#include "icsim/results/series.hpp"
#include "icsim/results/variable_list.hpp"

namespace icsim::results {

// Arrays are row-major over the dimensions of their group (replication slowest). The year axis
// starts at the base year (which holds the base-year table) and ends at the horizon.
struct Projection {
  std::vector<int> years;
  int replications = 0;       // replications held (indices below are local: 0 .. replications-1)
  int first_replication = 0;  // global number of local replication 0
  std::vector<std::string> sectors;         // codes
  std::vector<std::string> sector_names;    // readable (Chinese where the table has it)
  std::vector<std::string> clusters;        // "SYSTEM/CODE"
  std::vector<std::string> cluster_system;  // SYSTEM of each cluster
  std::vector<std::string> cluster_names;
  std::vector<std::string> programmes;        // [[programme]] names, in the scenario's order
  std::vector<std::string> programme_labels;  // readable (the programme's label, else its name)

  // One array per variable of results/variable_list.hpp (e.g. sector_output over (replication,
  // year, sector), gdp over (replication, year)); firm-model variables are empty without it.
#define ICSIM_DECLARE_VARIABLE(group, name, member, units, firm_model, long_name) \
  std::vector<double> member;
  ICSIM_RESULT_VARIABLES(ICSIM_DECLARE_VARIABLE)
#undef ICSIM_DECLARE_VARIABLE

  // The firm model (scenario [firms] enabled): districts and the statistics of
  // abm/statistics.hpp, in abm::Stat order. Empty without the firm model.
  bool firm_model = false;
  std::vector<std::string> districts;       // codes
  std::vector<std::string> district_names;  // readable
  // (replication, year, district, statistic) and (replication, year, statistic); the base year
  // holds the synthesised population's values (flows 0).
  std::vector<double> district_statistics, region_statistics;

  // Modelling choices the data forced (e.g. GFCF entries clipped at 0), one sentence each.
  std::vector<std::string> notes;

  std::size_t year_index(int year) const;  // throws std::out_of_range
  // The series of one replication over all years, summed over its selection, for any variable
  // of the catalogue (results/variables.hpp): "region/<variable>" (no selection), and
  // "sectors/", "clusters/" and "districts/<variable>" with a selection (codes or "*"; for
  // clusters SYSTEM/CODE or SYSTEM/*); ratios of firm statistics are recomputed from the summed
  // numerator and denominator. InputError for an unknown metric or selection, or a firm-model
  // variable without the firm model.
  std::vector<double> series(const Series& s, int replication) const;
};

// Sizes every variable of the catalogue for p's replications, years, sectors, clusters and
// (with p.firm_model) districts, filled with NaN; firm-model variables stay empty without it.
void allocate(Projection& p);

// The values allocate() gives one replication of p's shape (years, sectors, clusters, districts,
// firm_model; p.replications is ignored): what a replication's results take in memory, / 8 bytes.
std::size_t values_per_replication(const Projection& p);

// Appends `block`, whose replications follow those of `into`, to `into` (moved in when `into` is
// empty). InputError naming `where` if the two do not fit together.
void append_replications(Projection& into, Projection&& block, const std::string& where);

}  // namespace icsim::results
