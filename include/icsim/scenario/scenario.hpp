#pragma once
// A scenario: everything one `icsim run` needs, as read from a TOML scenario file after
// `extends` inheritance and `--set` overrides (docs/scenario-reference.md lists every key).
// Plain data; loading and validation live in scenario/load.hpp, the projection that consumes it
// in experiment/projection.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "icsim/abm/firm_model.hpp"
#include "icsim/common/distribution.hpp"
#include "icsim/results/targets.hpp"

namespace icsim::scenario {

// A number or a random draw (common/distribution.hpp).
using Distribution = icsim::Distribution;

// An annual growth rate (a fraction: 0.05 = 5 %/year) with its uncertainty: the own
// (idiosyncratic) draw plus `common_loading` times the scenario-wide common shock of that year.
// `per_year` = true draws the own part afresh every year; false draws it once per replication
// and keeps it for every year (uncertainty about the trend rather than year-to-year noise).
struct Growth {
  Distribution rate;
  double common_loading = 1.0;
  bool per_year = true;
};

struct RegionalisationSpec {
  std::string sizes;  // CSV code,<measure> (io::load_regional_sizes), absolute path
  std::string method = "flq";
  double delta = 0.3;
  std::string region;
};

struct TableSpec {
  std::string path;  // table folder (absolute, resolved against the scenario file's folder)
  std::optional<RegionalisationSpec> regionalise;  // regionalise the table at load
};

struct ClusterSystemSpec {
  std::string system;  // e.g. "361-2023"
  std::string path;    // concordance CSV, absolute
};

// Extra growth of the final demand for a group of products, on top of their components' growth
// (e.g. "exports of petrochemicals grow 2 points faster"). Products named by sector code or by
// cluster ("SYSTEM/CODE": the cluster's sectors, weight > 0).
struct SectorGroupGrowth {
  std::string name;
  std::vector<std::string> sectors;
  std::vector<std::string> clusters;
  Growth growth;
};

struct DemandGrowth {
  Growth common;  // the common shock: its draw (mean usually 0) is shared by every component
  std::vector<std::pair<std::string, Growth>> final_demand;  // by final-demand column label;
                                                             // unlisted columns stay constant
  std::vector<SectorGroupGrowth> sector_groups;
};

struct RegionSpec {
  std::string name;
  // Sectors the bureau counts as "industry" (mining, manufacturing, utilities): the base of the
  // /region industrial aggregates, of industrial investment and of capacity constraints.
  std::vector<std::string> industrial_sectors;
  // 规上 (above-scale) share of industrial output and of industrial value added in the base
  // year: the bureau reports above-scale figures, the table covers all firms.
  double above_scale_output_share = 1.0;
  double above_scale_value_added_share = 1.0;
};

struct CapacitySpec {
  bool enabled = true;
  double utilisation = 0.78;         // base-year output / capacity of each constrained sector
  std::vector<std::string> sectors;  // constrained sectors; empty = region.industrial_sectors
  Growth trend_growth;               // growth of capacity other than from programme projects
};

// Trends of the per-output coefficients of the table's satellites ([satellites];
// docs/scenario-reference.md): each year every sector's energy, water and R&D per unit of real
// output is multiplied by 1 + the year's draw. Default 0: base-year coefficients throughout.
struct SatelliteSpec {
  Growth energy_intensity_trend;  // satellite `energy` (tce) per unit of output
  Growth water_intensity_trend;   // satellite `water` (m3) per unit of output
  Growth rd_intensity_trend;      // satellite `rd_expenditure` (money) per unit of output
};

struct InvestmentSpec {
  double industrial_base = 0;  // base-year industrial fixed-asset investment (money unit)
  Growth growth;               // growth of industrial investment outside the programmes
  // Annual output capacity (at full ramp-up) that one unit of completed investment adds.
  double output_per_investment = 1.0;
  Growth other_gfcf_growth;  // growth of the rest of gross fixed capital formation
};

// A programme of projects (docs/model.md §3 step 7): e.g. "双百" 112 projects, 570 亿.
struct Programme {
  std::string name;   // identifier
  std::string label;  // readable (Chinese) name
  std::string source;
  int projects = 1;
  double investment = 0;  // total, money unit
  // Where the money goes: "SYSTEM/CLUSTER" or a sector code -> share; shares sum to 1.
  std::vector<std::pair<std::string, double>> split;
  int start_year = 0;
  int construction_years = 1;  // outlays spread evenly over these years
  int ramp_up_years = 0;       // output rises linearly to full capacity over these years
  double delay_probability = 0;
  int max_delay_years = 1;         // a delayed project starts 1..max_delay_years late (uniform)
  double failure_probability = 0;  // a failed project never starts
  bool adds_capacity = true;
  // With the firm model: true = each project becomes a new firm that needs land (双百); false =
  // it expands an existing firm of its sectors (增资扩产), raising the plot ratio before taking
  // land. Ignored without the firm model.
  bool creates_firms = true;
};

// A one-off investment outside the programmes (e.g. a known plant), in a cluster or sector.
struct ExogenousInvestment {
  std::string name;
  std::string target;  // "SYSTEM/CLUSTER" or sector code
  int year = 0;
  double amount = 0;
  int construction_years = 1;
  bool adds_capacity = true;
};

// Series (a result variable summed over a selection), targets and reported figures are plain
// result data (results/series.hpp, results/targets.hpp): the scenario states them, experiment
// evaluates them and output writes the verdicts.
using Series = results::Series;
using Target = results::Target;
using Actual = results::Actual;

// Households (docs/model.md §3 step 11). "exogenous": household consumption grows by its
// growth.final_demand spec; "labour_income" (Type II closure): the household column moves with
// the region's labour income of the previous year (compensation of employees, the table's
// meta.labour_income row, times output), x_household,t = F_household,0 × W_t-1 / W_0, so that
// income earned in production feeds back into demand with a one-year lag.
struct HouseholdSpec {
  std::string closure = "exogenous";  // or "labour_income"
  std::string column = "household";   // final-demand column of household consumption
};
// The agent-based firm and land model ([firms], [firms.*], [mujun], [land]).
struct FirmModelSpec {
  bool enabled = false;
  std::string districts;    // districts CSV (abm/districts.hpp), absolute; required when enabled
  std::string calibration;  // firms.csv calibration figures (population.hpp), absolute; optional
  // Every rule and parameter; loading applies the calibration file first, then the scenario's
  // keys, and fills synthesis.industrial_sectors from region.industrial_sectors.
  abm::FirmModelParameters parameters;
  // Per-district overrides by district code (empty: the districts file): annual land supply
  // quota in mu/year, and the industrial share of land sold.
  std::vector<std::pair<std::string, double>> land_supply_by_district;
  std::vector<std::pair<std::string, double>> industrial_share_by_district;
  // The firms counted as 大优强 (region/output_top_firms): the n largest active firms by output
  // of each year. 100 is an estimate (the plans publish no size rule).
  int top_firms = 100;
};
// What the result file holds beyond its fixed groups ([output]).
struct OutputSpec {
  // The /district_clusters group (district x cluster sums over the firms, several times the size
  // of the rest of a firm-model run's file). Targets on it are judged either way (in memory);
  // false leaves it out of the file, so `explain`, `compare --district` and `merge` of shards
  // cannot show or judge those series from it.
  bool district_clusters = true;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;  // the scenario file given on the command line (absolute)
  int base_year = 0;
  int horizon = 0;  // last projected year
  std::uint64_t seed = 0;
  int replications = 1;

  TableSpec table;
  std::vector<ClusterSystemSpec> clusters;
  RegionSpec region;
  DemandGrowth growth;
  Growth price_growth;  // annual growth of the price index; results are in current prices
  CapacitySpec capacity;
  InvestmentSpec investment;
  std::vector<Programme> programmes;
  std::vector<ExogenousInvestment> exogenous_investment;
  HouseholdSpec households;
  SatelliteSpec satellites;
  FirmModelSpec firms;
  OutputSpec output;
  std::vector<Target> targets;
  std::vector<Actual> actuals;

  // The fully resolved scenario (after extends and --set) as TOML text, stored in results so
  // that a run can be repeated exactly.
  std::string resolved_toml;
};

}  // namespace icsim::scenario
