#pragma once
// The yearly projection (MODEL.md §3 steps 1-3 with the input-output core), run as Monte Carlo
// replications. Per replication r and year t = base+1 .. horizon:
//  1. final demand by component grows by the scenario's growth draws (common shock times each
//     component's loading, plus its own part, plus sector-group extras for given products);
//  2. investment: industrial investment outside programmes grows by its own draw; programme
//     projects (delay, failure, construction, ramp-up drawn per project) and exogenous
//     investments add outlays; investment by investing sector becomes product demand through
//     the bridge matrix and is added to GFCF;
//  3. output x = L f, with capacity constraints: a sector whose demand exceeds its capacity is
//     held at capacity and the excess is imported (mixed exogenous/endogenous solution).
// Completed projects add capacity and, at ramped-up utilisation, sales outside the region.
// Money values are in current prices (price index from the scenario; 1 in the base year).
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "icsim/scenario/load.hpp"

namespace icsim::experiment {

// Arrays are row-major over the dimensions named in the comment (replication slowest). The year
// axis starts at the base year (which holds the base-year table) and ends at the horizon.
struct Projection {
  std::vector<int> years;
  int replications = 0;       // replications held (indices below are local: 0 .. replications-1)
  int first_replication = 0;  // global number of local replication 0 (RunOptions)
  std::vector<std::string> sectors;         // codes
  std::vector<std::string> sector_names;    // readable (Chinese where the table has it)
  std::vector<std::string> clusters;        // "SYSTEM/CODE"
  std::vector<std::string> cluster_system;  // SYSTEM of each cluster
  std::vector<std::string> cluster_names;

  // (replication, year, sector)
  std::vector<double> sector_output, sector_value_added, sector_employment, sector_investment,
      sector_capacity, sector_imports;
  // (replication, year, cluster): weighted sums of the sector arrays with the concordance weights
  std::vector<double> cluster_output, cluster_value_added, cluster_investment,
      cluster_output_above_scale;
  // (replication, year)
  std::vector<double> gdp, industrial_output, industrial_value_added, industrial_output_above_scale,
      industrial_value_added_above_scale, industrial_investment, price_index;

  // The firm model (scenario [firms] enabled): districts and the statistics of
  // abm/statistics.hpp, in abm::Stat order. Empty without the firm model.
  bool firm_model = false;
  std::vector<std::string> districts;       // codes
  std::vector<std::string> district_names;  // readable
  // (replication, year, district, statistic) and (replication, year, statistic); the base year
  // holds the synthesised population's values (flows 0).
  std::vector<double> district_statistics, region_statistics;
  // (replication, year, cluster): land in use (mu) and active firms, from the firms' sectors
  // with the concordance weights.
  std::vector<double> cluster_land_in_use, cluster_firms;
  // (replication, year, sector): land in use (mu) and active firms of the sector.
  std::vector<double> sector_land_in_use, sector_firms;

  // Modelling choices the data forced (e.g. GFCF entries clipped at 0), one sentence each.
  std::vector<std::string> notes;

  std::size_t year_index(int year) const;  // throws std::out_of_range
  // The series of one replication over all years, summed over its selection; understands
  // "region/<variable>", "clusters/<variable>", "sectors/<variable>" and, with the firm model,
  // "districts/<statistic>" (select district codes or "*"; ratios are recomputed from the
  // summed numerator and denominator) and "region/<statistic>" (InputError otherwise).
  std::vector<double> series(const scenario::Series& s, int replication) const;
};

struct RunOptions {
  int threads = 0;  // 0 = all cores; results do not depend on it
  // Called from the calling thread as replications finish (done, total); may be empty.
  std::function<void(int, int)> progress;
  // Run only replications first_replication .. first_replication + replication_count - 1
  // (-1 = through the scenario's last): each gives the same numbers as in a full run, so runs
  // can be split across processes.
  int first_replication = 0;
  int replication_count = -1;
  // When set and true (Ctrl-C, SIGTERM), replications not yet started are skipped and project()
  // throws icsim::Interrupted once those in flight have finished.
  const std::atomic<bool>* stop = nullptr;
};

// What a projection builds from the scenario alone, before any replication: the Leontief
// factorisation, the shares and bridges, and with the firm model the synthesised firm
// population and its calibration. Built once, it serves any number of project() calls on any
// replications (the blocks of a resumable or MPI run). Refers to `loaded`, which must outlive it.
class PreparedScenario {
 public:
  explicit PreparedScenario(const scenario::LoadedScenario& loaded);
  const scenario::LoadedScenario& loaded() const { return *loaded_; }

 private:
  friend Projection project(const PreparedScenario&, const RunOptions&);
  struct Impl;
  const scenario::LoadedScenario* loaded_;
  std::shared_ptr<const Impl> impl_;
};

// Runs every replication of the scenario (OpenMP over replications, BLAS single-threaded inside).
Projection project(const scenario::LoadedScenario& loaded, const RunOptions& options = {});
Projection project(const PreparedScenario& prepared, const RunOptions& options = {});

}  // namespace icsim::experiment
