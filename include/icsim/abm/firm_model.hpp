#pragma once
// The agent-based firm and land model of one replication (docs/model.md §3 steps 4-10), driven year
// by year by the projection loop (experiment/projection.hpp), which owns steps 1-3 (demand, the
// input-output solve) and 11 (households). docs/firm-model.md states the model; the parameter
// structs below hold every lever with its default and source, and each is a scenario key
// (docs/scenario-reference.md, [firms.*], [mujun], [land]).
//
// A year t, as the projection calls it:
//   begin_year(t)      land market step (supply quota, redevelopment), projects whose start
//                      year has come and random inward-investment arrivals join the land queue,
//                      land is granted by expected tax per mu (按标出让), granted projects and
//                      expansions start construction, finished ones start producing;
//   outlays()          this year's investment by investing sector (real): expansions,
//                      renovations, new firms' plants;
//   capacity()         per sector: Σ capacity of producing firms (the IO core's constraint);
//   produce(x)         the IO solution's sector output shared among the firms (allocation.hpp),
//                      firm accounts with last year's 亩均 surcharges (accounts.hpp);
//   end_year(t)        亩均 evaluation, rectification (upgrade or exit; exit land released),
//                      firm decisions (decisions.hpp: loss exit, expansion with zero-land
//                      renovation, digital renovation);
//                      district statistics of the year (statistics.hpp).
// engine/abm/firm_year.cpp runs these steps in this order, each action one file.
// Every random draw is keyed by (seed, replication, purpose, year, firm or project id) and named
// in one list per purpose (common/random.hpp's Draw): the result does not depend on thread count
// or on which replications run together.
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "icsim/abm/accounts.hpp"
#include "icsim/abm/allocation.hpp"
#include "icsim/abm/clusters.hpp"
#include "icsim/abm/decisions.hpp"
#include "icsim/abm/firms.hpp"
#include "icsim/abm/land.hpp"
#include "icsim/abm/mujun.hpp"
#include "icsim/abm/population.hpp"
#include "icsim/abm/statistics.hpp"
#include "icsim/io/table.hpp"

namespace icsim::abm {

// Random inward-investment arrivals (招商引资): new projects beyond the scenario's programmes.
struct ArrivalRules {
  // Poisson mean of arrivals per year (assumption 40: 双百 brings 112 big projects over three
  // years; arrivals are the smaller ones outside it) and the log-normal size of one, 亿元
  // (median 2, sd of log 0.8: mean 2.75).
  double per_year = 40;
  double investment_median = 2.0;
  double investment_sigma = 0.8;
  int construction_years = 2;
  int ramp_up_years = 1;
  double failure_probability = 0.10;
};

// How projects (programmes and arrivals) become firms.
struct ProjectRules {
  // Investment intensity: 亿元 of fixed investment per mu of land (投资强度). Assumption 0.035
  // (350 万元/亩, the order of Zhejiang's 工业项目投资强度 control standards).
  double investment_per_mu = 0.035;
  // A project that has waited this many years for land is abandoned.
  int max_wait_years = 3;
  // Threshold of a "亿元以上项目" (projects_started / projects_completed count those), 亿元.
  double counted_investment = 1.0;
};

// The random draws of projects (Purpose::project_arrival): programme projects at step 2^20 - 1
// by project id (their sector and district); each year's random arrivals at step = year, their
// count as one sequence at entity 0 (Poisson by multiplying uniforms, at most 4000 arrivals) and
// then, for arrival k = 1, 2, ..., its size, its place (sector and district) and its failure.
namespace draws {
inline constexpr Draw programme_placement{.purpose = Purpose::project_arrival,
                                          .slot = 0,
                                          .slots = 2,
                                          .steps = Draw::Steps::last,
                                          .name = "programme_placement"};
inline constexpr Draw arrival_count{.purpose = Purpose::project_arrival,
                                    .slot = 0,
                                    .slots = 4001,
                                    .steps = Draw::Steps::before_last,
                                    .entities = Draw::Entities::zero,
                                    .name = "arrival_count"};
inline constexpr Draw arrival_size{.purpose = Purpose::project_arrival,
                                   .slot = 0,
                                   .slots = 2,
                                   .steps = Draw::Steps::before_last,
                                   .entities = Draw::Entities::from_one,
                                   .name = "arrival_size"};
inline constexpr Draw arrival_place{.purpose = Purpose::project_arrival,
                                    .slot = 2,
                                    .slots = 2,
                                    .steps = Draw::Steps::before_last,
                                    .entities = Draw::Entities::from_one,
                                    .name = "arrival_place"};
inline constexpr Draw arrival_failure{.purpose = Purpose::project_arrival,
                                      .slot = 4,
                                      .steps = Draw::Steps::before_last,
                                      .entities = Draw::Entities::from_one,
                                      .name = "arrival_failure"};
inline constexpr std::array kProjectDraws{programme_placement, arrival_count, arrival_size,
                                          arrival_place, arrival_failure};
static_assert(draws_are_distinct(kProjectDraws));
}  // namespace draws

// Every parameter of the firm model (defaults as documented on each field): the firm decisions'
// rules (decisions.hpp: expansion, digital, exit) and the rest below.
struct FirmModelParameters : FirmDecisionRules {
  SynthesisSpec synthesis;  // industrial_sectors filled from the scenario's region
  AccountsParameters accounts;
  // Competitiveness exponent β of the output allocation (capacity × productivity^β). 1 =
  // shares in proportion to capacity times productivity (assumption).
  double competitiveness_beta = 1.0;
  // Share of base-year industrial investment that the firm model decides (expansions, new
  // firms, renovations); the rest (replacement, non-industrial-capacity) follows
  // investment.growth as in the input-output projection. Default 0.75: capacity growing 5 % a
  // year (the Ningbo scenario's capacity trend) on the base-year capacity of 33,100 亿 at
  // 1.5 of capacity per unit of investment costs about 1,100 of the 1,450 亿 invested in 2021.
  double endogenous_investment_share = 0.75;
  // Capacity per unit of investment for expansions and new firms: the scenario's
  // investment.output_per_investment (copied by the projection).
  double output_per_investment = 1.5;
  // Multiplies every district's annual land supply quota (1 = the districts file).
  double land_supply_scale = 1.0;
  ArrivalRules arrivals;
  ProjectRules projects;
  MujunRules mujun;
  LandRules land;
};

// A programme project handed to the firm model (the projection draws failure and delay).
struct ProjectSpec {
  std::uint32_t id = 0;            // unique within the replication (keys its draws)
  std::vector<double> sector_mix;  // per table sector, sums to 1: the new firm's sector is drawn
  double investment = 0;           // real (base-year prices), 亿元
  int start_year = 0;              // earliest start (after any delay)
  int construction_years = 1;
  int ramp_up_years = 0;
  bool creates_firm = true;  // false: expands existing firms of its sector (增资扩产)
  bool counted = true;       // counts in projects_started / projects_completed
};

// Shared, read-only per run: the base-year population and everything derived from the table.
struct FirmModelBase {
  FirmPopulation population;
  SectorIndex index;
  std::vector<District> districts;
  std::vector<std::size_t> industrial;  // table sector indices with firms
  std::vector<double> sector_tax_rate;  // per table sector: net production taxes / output
  // Per table sector: the base population's output-weighted average rates, given to new plants.
  struct Rates {
    float value_added = 0, tax = 0, labour = 0, energy = 0;
  };
  std::vector<Rates> new_firm_rates;
  FirmModelParameters parameters;
  std::uint64_t seed = 0;
  // The cluster systems (clusters.hpp) and the base population's memberships (drawn with
  // replication 0's keys, like the population).
  ClusterAssignment clusters;
  ClusterMemberships memberships;
  ClusterCellIndex cells;  // the base firms of each (district, cluster), for the cluster sums

  // cluster_systems: the scenario's concordances, in the order of the projection's clusters
  // (none: firms carry no memberships).
  static std::shared_ptr<const FirmModelBase> build(
      const io::IOTable& table, std::vector<District> districts, FirmModelParameters parameters,
      std::uint64_t seed, const std::vector<io::Concordance>& cluster_systems = {});
};

// Capacity of a sector without firms (not constrained by the firm model).
inline constexpr double kNoFirms = std::numeric_limits<double>::infinity();

class FirmModel {
 public:
  // Copies the base population; computes the base year's accounts and statistics.
  FirmModel(std::shared_ptr<const FirmModelBase> base, std::uint64_t replication, int base_year);
  ~FirmModel();
  FirmModel(FirmModel&&) noexcept;

  // Programme projects of this replication (before the first begin_year).
  void add_projects(std::vector<ProjectSpec> projects);

  // Land supply, projects and arrivals, land grants, completions (see the top of this file).
  // price_index deflates the nominal lines (规上 threshold, rectification line).
  void begin_year(int year, double price_index);
  // This year's firm-model investment by investing sector (real), valid after begin_year.
  std::span<const double> outlays() const;
  // Sales outside the region of completed new plants this year (real, by sector): final demand,
  // as the input-output projection treats programme capacity.
  std::span<const double> extra_sales() const;
  // Capacity per sector: Σ over producing firms (kNoFirms for sectors without firms).
  std::span<const double> capacity() const;
  // Shares the sector outputs (real, every table sector; only sectors with firms are used) among
  // the firms and computes their accounts with the surcharges of the last evaluation.
  void produce(std::span<const double> sector_output);
  // Per sector: demand produce() could not place with the firms (0 unless the output passed
  // exceeded capacity).
  std::span<const double> shortfall() const;
  // Evaluation, rectification, decisions; the year's statistics. other_investment (real, by
  // investing sector) is industrial investment outside the firm model, located in districts by
  // the sectors' district shares for the investment statistic.
  void end_year(int year, double price_index, std::span<const double> other_investment);

  // Locates the base year's industrial investment (by investing sector) in the districts for the
  // base year's statistics, as end_year does for later years' investment outside the firms.
  void locate_base_year_investment(std::span<const double> investment);

  // Per sector: Σ firm value added and employment of the year (real), after produce().
  std::span<const double> sector_value_added() const;
  std::span<const double> sector_employment() const;
  // Per sector: output of its 规上 firms (real), after produce().
  std::span<const double> sector_output_above_scale() const;
  // The statistics of the last end_year (statistics.hpp).
  const DistrictStatistics& statistics() const;
  // Per sector after end_year: land held by its active firms (mu) and their count.
  std::span<const double> sector_land() const;
  std::span<const double> sector_firms() const;
  // Per (district, cluster) after end_year: the sums over the firms that belong to each cluster
  // (clusters.hpp); empty without cluster systems.
  const ClusterDistrictSums& cluster_sums() const;
  const ClusterMemberships& cluster_memberships() const;

  const FirmPopulation& firms() const;
  const LandMarket& land() const;
  // Land granted to projects still short of their full need (in use, not yet a firm's).
  double land_held_by_projects(std::size_t district) const;

  // The replication's state, read and changed by the model's actions (engine/abm/, one file
  // each); opaque outside them.
  struct State;

 private:
  void set_price_index(double price_index);
  std::unique_ptr<State> s_;
};

}  // namespace icsim::abm
