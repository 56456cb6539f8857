// The yearly projection (projection.hpp; docs/model.md §3 on the input-output core): the OpenMP
// driver. The work is split by job: model.cpp (set-up, once per run), investment.cpp (programme
// and exogenous projects), replication.cpp (the yearly loop, with the capacity-constrained solve
// of step 3 from io/capacity.hpp), recording.cpp (one line per result variable); the metric
// lookup is results::Projection::series (engine/results/series.cpp).
// docs/projection.md states the model for readers of results; this block states it for readers
// of the code. Vectors are over the n sectors of the table T; "real" = base-year prices.
//
// Setup (once per run):
//   x0 = T.total_output(), A = T.technical_coefficients(), L = (I - A)^-1 factored once;
//   v, e, m = value added, employment ("employment" satellite, else 0) and intermediate imports
//   per unit of output (0 where x0 = 0); C = io::investment_bridge(T) (column j = products
//   bought when sector j invests one unit).
//   Industrial sectors I (region.industrial_sectors): s_j = x0_j / sum_{i in I} x0_i on I, 0
//   elsewhere, splits base industrial investment I0 (investment.industrial_base) over investing
//   sectors. The GFCF column g0 (meta.gfcf) = industrial part C (I0 s) + the rest g_other0,
//   clipped at 0 per product (each clip is reported in Projection::notes).
//   "SYSTEM/CODE" names a cluster of scenario.clusters (investment spread over its sectors by
//   Concordance::investment_mix(c, x0)); a sector code names that sector.
//
// Replication r, year t = base+1 .. horizon (index 0 = base year: base values, price index 1).
// Every Growth g of the scenario is g_t = own_t + common_loading * c_t, with c_t the common
// shock (growth.common; per_year draws it afresh every year, else once per replication) and
// own_t drawn per year or once per replication likewise. Each growth has its own random stream
// (random.hpp): demand_growth/k for listed final-demand column k, sector_group_growth/G,
// prices/0, capacity/0 (trend), investment/0 (industrial investment), investment/1 (other
// GFCF), programme/p (projects of programme p: three uniforms per project, always).
//  1. index_k,t = index_k,t-1 (1 + g_kt) per listed final-demand column (others stay at 1);
//     E_i,t = E_i,t-1 (1 + sum_{G contains i} h_Gt) for the sector groups; J_t (industrial
//     investment), OG_t (other GFCF) and P_t (price index) likewise.
//  2. inv_t = I0 J_t s + programme and exogenous outlays (real: nominal / P of the year spent).
//     Programme p's `projects` projects are dealt to its split entries by largest remainder on
//     projects * share; an entry's money (share * investment) is divided equally among its
//     projects, and an entry that rounds to 0 projects gets one (the total money is exact; the
//     project count may then exceed `projects`). Per project: failure (u1 < failure_probability:
//     never starts), delay (u2 < delay_probability: 1 + floor(u3 max_delay_years) years, else
//     0); outlays evenly over construction_years from start_year + delay. Exogenous investments
//     are one project without delay or failure.
//  3. f_t = (sum_{k != gfcf} F0_k index_k,t + g_other0 OG_t) (.) E_t + C inv_t + sales_t,
//     where a completed project (adds_capacity) adds capacity a * output_per_investment (a = its
//     real outlays) spread by its mix from its completion year (start + delay +
//     construction_years), and sales_t = that capacity * min(1, k / ramp_up_years) in its k-th
//     operating year (1 when ramp_up_years = 0): sales outside the region.
//  4. Capacity (capacity.enabled) on S = capacity.sectors, or I if empty: K_0 = x0 / utilisation,
//     K_t = K_t-1 (1 + trend_t) + capacity completed in t (+inf outside S). x = L f; if some
//     x_i > K_i (i in S), the mixed model: x_B = K_B on the binding set B, (I - A_NN) x_N = f_N +
//     A_NB K_B on the rest; B gains sectors of S over capacity and loses those whose demand
//     d_B = (A x)_B + f_B falls below capacity, until it no longer changes (ModelError if it
//     does not settle). The excess d_B - K_B is imported.
//  5. Recorded in current prices (x P_t): output x, value added v x, investment inv_t, capacity
//     K_t (NaN where unconstrained), imports m x + excess; employment e x in persons. Clusters:
//     concordance weights times the sector arrays; region: sums (industrial = over I; above-scale
//     = times the region's above-scale shares).
// Only events in years after the base year count: outlays in or before the base year are in the
// base table, and projects completed by the base year change nothing.
//
// Replications run in parallel (OpenMP, dynamic schedule) with BLAS single-threaded; every
// replication depends only on (seed, replication), so results are bit-identical whatever the
#include "icsim/experiment/projection.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <stdexcept>

#include "icsim/common/error.hpp"
#include "icsim/common/threads.hpp"
#include "icsim/results/variables.hpp"
#include "model.hpp"
#include "replication.hpp"

namespace icsim::experiment {

struct PreparedScenario::Impl {
  explicit Impl(const scenario::LoadedScenario& loaded) : model(loaded) {}
  detail::Model model;
};

PreparedScenario::PreparedScenario(const scenario::LoadedScenario& loaded)
    : loaded_(&loaded), impl_(std::make_shared<const Impl>(loaded)) {}

Projection project(const scenario::LoadedScenario& loaded, const RunOptions& options) {
  return project(PreparedScenario(loaded), options);
}

Projection project(const PreparedScenario& prepared, const RunOptions& options) {
  const detail::Model& M = prepared.impl_->model;
  const scenario::LoadedScenario& loaded = prepared.loaded();
  const auto& sc = loaded.scenario;
  if (options.first_replication < 0)
    throw std::invalid_argument("first_replication must not be negative");
  const int count = options.replication_count >= 0
                        ? options.replication_count
                        : std::max(0, sc.replications - options.first_replication);

  Projection out;
  for (int y = sc.base_year; y <= sc.horizon; ++y) out.years.push_back(y);
  out.replications = count;
  out.first_replication = options.first_replication;
  const auto& T = loaded.table;
  out.sectors = T.codes;
  for (std::size_t j = 0; j < T.size(); ++j) {
    const std::string& zh = j < T.names_zh.size() ? T.names_zh[j] : std::string();
    const std::string& en = j < T.names.size() ? T.names[j] : std::string();
    out.sector_names.push_back(!zh.empty() ? zh : !en.empty() ? en : T.codes[j]);
  }
  for (const auto& system : loaded.systems)
    for (std::size_t c = 0; c < system.clusters.size(); ++c) {
      out.clusters.push_back(system.system + "/" + system.clusters[c]);
      out.cluster_system.push_back(system.system);
      out.cluster_names.push_back(c < system.cluster_names.size() ? system.cluster_names[c]
                                                                  : system.clusters[c]);
    }
  for (const auto& programme : sc.programmes) {
    out.programmes.push_back(programme.name);
    out.programme_labels.push_back(programme.label.empty() ? programme.name : programme.label);
  }
  out.notes = M.notes;
  if (M.firm_base) {
    out.firm_model = true;
    for (const auto& d : M.firm_base->districts) {
      out.districts.push_back(d.code);
      out.district_names.push_back(d.name.empty() ? d.code : d.name);
    }
  }

  results::allocate(out);
  const std::size_t Y = out.years.size(), n = T.size(), nc = out.clusters.size();
  const detail::Slices slices{out, Y, n, nc};
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  std::atomic<int> done{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  {
    BlasThreadsGuard single_threaded_blas(1);
#pragma omp parallel for schedule(dynamic) num_threads(threads)
    for (int r = 0; r < count; ++r) {
      if (failed.load() || (options.stop != nullptr && options.stop->load())) continue;
      try {
        detail::run_replication(M, slices,
                                static_cast<std::uint64_t>(options.first_replication) + r, r);
        const int finished = ++done;
        if (omp_get_thread_num() == 0 && options.progress) options.progress(finished, count);
      } catch (...) {
#pragma omp critical(icsim_projection_error)
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  }
  if (error) std::rethrow_exception(error);
  if (done.load() < count)
    throw Interrupted("stopped after " + std::to_string(done.load()) + " of " +
                      std::to_string(count) + " replications");
  if (options.progress) options.progress(count, count);
  return out;
}

}  // namespace icsim::experiment
