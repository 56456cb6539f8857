#pragma once
// Internal: the state of one replication's firm model, shared by the files that implement its
// actions (firm_year.cpp: the year's order; pipeline.cpp: projects, arrivals and land;
// rectification.cpp; decision_<name>.cpp: the firm decisions; firm_statistics.cpp: the
// statistics; firm_model.cpp: the base-year set-up and the helpers below).
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "icsim/abm/firm_model.hpp"

namespace icsim::abm {

// A claim on land waiting in the queue: a new firm (programme project or arrival) or an
// expansion of an existing firm that zero-land renovation could not house.
struct PendingProject {
  enum class Kind : std::uint8_t { new_firm, expansion };
  Kind kind = Kind::new_firm;
  std::uint32_t request_id = 0;  // LandRequest::project_id (order of creation)
  std::uint16_t sector = 0;
  std::uint16_t district = 0;
  std::uint32_t firm = 0;  // expansion: the firm that expands
  double investment = 0;   // real outlay in total
  double capacity = 0;     // capacity it adds when done
  double mu_needed = 0;    // land still missing
  double mu_held = 0;      // land granted so far (in use, not yet the firm's)
  double expected_tax_per_mu = 0;
  int queued_year = 0;
  int construction_years = 1;
  int ramp_up_years = 0;
  bool programme = false;
  bool arrival = false;
  bool counted = false;        // counts in projects_started / completed
  bool sells_outside = false;  // adds sales outside the region from completion (new plants)
};

// Capacity that comes into production in a given year.
struct Completion {
  int year = 0;
  std::uint32_t firm = 0;
  double capacity = 0;  // added to the firm's capacity (new firms: set at creation; 0 here)
  bool new_firm = false;
  bool counted = false;
  int ramp_up_years = 0;
  bool sells_outside = false;
  double sales_capacity = 0;  // capacity whose output is sold outside the region
};

struct FirmModel::State {
  std::shared_ptr<const FirmModelBase> base;
  const FirmModelParameters& p;
  std::uint64_t seed, replication;
  int base_year;
  std::size_t n_sectors, n_districts;

  FirmPopulation firms;
  SectorIndex index;
  bool index_stale = false;
  AllocationWorkspace workspace;
  LandMarket land;
  ClusterMemberships memberships;    // per firm (clusters.hpp), drawn when a firm is created
  ClusterDistrictSums cluster_sums;  // the year's: money at produce, stocks at end_year
  std::vector<double> surcharge;     // per firm: this year's surcharge (from last evaluation)
  std::vector<double> profit;        // per firm: last accounts' profit
  // Per firm: capacity decided but not producing yet (queued for land or being built); decisions
  // count it so that a firm does not expand twice for the same gap.
  std::vector<double> pending;

  std::vector<PendingProject> waiting;  // not started: before start year or short of land
  std::vector<ProjectSpec> programme;   // programme projects not yet due
  // Completions by year offset (year - base_year), so a year touches only its own.
  std::vector<std::vector<Completion>> completions;
  void add_completion(const Completion& c) {
    const std::size_t t = year_slot(c.year);
    if (completions.size() <= t) completions.resize(t + 1);
    completions[t].push_back(c);
  }
  std::uint32_t next_request = 0;
  std::uint32_t next_firm_id = 0;

  // Scheduled real outlays by year offset (year - base_year): per sector and per district, and
  // the district parts that are renovation and inward investment.
  std::vector<std::vector<double>> outlay_sector, outlay_district, renovation_district,
      inward_district;
  // Sales outside the region of completed new plants: (capacity, sector, completion year, ramp).
  struct Sales {
    double capacity;
    std::uint16_t sector;
    int done_year, ramp;
  };
  std::vector<Sales> sales;

  // Per-sector results of the year (real)
  std::vector<double> capacity, sector_va, sector_employment, sector_above, sector_land,
      sector_firms, extra_sales, this_outlays, shortfall;
  AccountsResult accounts;
  AccountsParameters accounts_parameters;  // this year's (nominal lines deflated)
  MujunRules mujun_rules;

  // Flows counted during the year, per district: from begin_year (projects and land) ...
  std::vector<double> entered, started, completed, granted;
  // ... and from end_year (rectification and exits; released = land released), reset by
  // reset_year_end_flows.
  std::vector<double> upgraded, exited, rect_exited, rect_above, rect_below, released;
  std::vector<double> upgraded_d;  // upgraded firms that were graded D
  void reset_year_end_flows();
  DistrictStatistics stats;
  std::vector<std::uint32_t> statistics_counts, statistics_sector_counts;  // record_statistics'
  std::vector<double> previous_d;  // last year's D firms left on the list (empty in the base year)

  State(std::shared_ptr<const FirmModelBase> b, std::uint64_t rep, int base_year);

  std::size_t year_slot(int year);  // grows the schedules to hold `year`
  void schedule_outlay(int first_year, int years, double total, std::uint16_t sector,
                       std::uint16_t district, bool renovation, bool inward);
  void rebuild_index();
  std::size_t add_firm(std::uint16_t sector, std::uint16_t district, double capacity, double land,
                       bool programme);

  std::vector<double> arrival_weights;  // per sector: base-year output (arrivals' sector draw)
  // decide_expansion's buffers, kept across years: the qualifying firms and their gaps.
  std::vector<std::uint32_t> expansion_candidates;
  std::vector<double> expansion_gaps;
  // Scratch of the decisions that draw for a subset of the firms (keyed_uniforms): the firms'
  // ids, their indices and their uniforms.
  std::vector<std::uint32_t> draw_ids;
  // The candidates of the three renovations (digital, NC, green) in decide_digital_renovation.
  std::array<std::vector<std::uint32_t>, 3> renovation_firms, renovation_ids;
  std::vector<double> draw_uniforms;

  // pipeline.cpp
  void queue_new_firm(std::uint16_t sector, std::uint16_t district, double investment,
                      int construction, int ramp, int year, bool from_programme, bool arrival);
  void queue_programme_projects(int year);
  void draw_arrivals(int year);
  void serve_land_queue(int year);
  void start(PendingProject& project, int year);
  void complete_due(int year);
  void compute_sales(int year);
  // decision_expansion.cpp (also used by programme expansions of existing firms)
  // Adds capacity to firm i: zero-land renovation first, the rest queued for land. Outlays
  // (cost per unit of capacity × (1 + premium) for the renovated part) from start_year.
  void plan_expansion(std::uint32_t i, double added_capacity, double cost, int start_year,
                      int construction, double premium, bool from_programme, bool counted);
};

}  // namespace icsim::abm
