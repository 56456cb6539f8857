// Recording a year of a replication (engine/experiment/replication.hpp). Each result variable
// of results/variable_list.hpp is computed here, one line each; adding a variable = its line in
// the list and its line here.
#include <cmath>
#include <stdexcept>
#include <string>

#include "icsim/abm/statistics.hpp"
#include "icsim/abm/top_firms.hpp"
#include "investment.hpp"
#include "replication.hpp"

namespace icsim::experiment::detail {
namespace {

// The sums over the firms of each (district, cluster) (abm/clusters.hpp: firms carry their
// memberships), and the cluster totals of firms and land over the districts.
void record_district_clusters(const Slices& s, int r, std::size_t t, double P,
                              const abm::ClusterDistrictSums& sums) {
  results::Projection& out = s.out;
  const std::size_t D = out.districts.size(), C = s.nc;
  if (sums.districts != D || sums.clusters != C)
    throw std::logic_error("recording: cluster sums over " + std::to_string(sums.districts) +
                           " districts and " + std::to_string(sums.clusters) +
                           " clusters, the projection has " + std::to_string(D) + " and " +
                           std::to_string(C));
  const std::size_t o = (static_cast<std::size_t>(r) * s.Y + t) * D * C;
  const std::size_t oc = s.cluster(r, t);
  for (std::size_t c = 0; c < C; ++c)
    out.cluster_land_in_use[oc + c] = 0, out.cluster_firms[oc + c] = 0;
  for (std::size_t k = 0; k < D * C; ++k) {
    out.district_cluster_output[o + k] = sums.output[k] * P;
    out.district_cluster_value_added[o + k] = sums.value_added[k] * P;
    out.district_cluster_output_above_scale[o + k] = sums.output_above_scale[k] * P;
    out.district_cluster_firms[o + k] = sums.firms[k];
    out.district_cluster_land_in_use[o + k] = sums.land[k];
    out.cluster_firms[oc + k % C] += sums.firms[k];
    out.cluster_land_in_use[oc + k % C] += sums.land[k];
  }
}

// The satellite accounts: coefficient x trend x real output per sector (R&D in current prices),
// their sums, and the industrial intensities per 万元 (1e-4 money units of 亿元) of industrial
// value added at base-year prices.
void record_satellites(const Model& M, const Slices& s, int r, std::size_t t, double P,
                       const VectorXd& x, const VectorXd& va, const SatelliteTrends& trends) {
  results::Projection& out = s.out;
  const std::size_t o = s.sector(r, t), g = s.region(r, t);
  double energy = 0, water = 0, rd = 0, ind_energy = 0, ind_water = 0, ind_rd = 0;
  for (Index j = 0; j < M.n; ++j) {
    const std::size_t k = o + static_cast<std::size_t>(j);
    const double e = M.energy(j) * trends.energy * x(j), w = M.water(j) * trends.water * x(j),
                 d = M.rd(j) * trends.rd * x(j) * P;
    out.sector_energy_use[k] = e;
    out.sector_water_use[k] = w;
    out.sector_rd_expenditure[k] = d;
    energy += e, water += w, rd += d;
    if (M.industrial(j) > 0) ind_energy += e, ind_water += w, ind_rd += d;
  }
  out.energy_use[g] = energy;
  out.industrial_energy_use[g] = ind_energy;
  out.industrial_water_use[g] = ind_water;
  out.rd_expenditure[g] = rd;
  out.industrial_rd_expenditure[g] = ind_rd;
  // 万元 of base-year prices: industrial value added / P in money units (亿元) x 1e4.
  const double va_wan = M.industrial.dot(va) / P * M.wan_per_money_unit;
  out.industrial_energy_intensity[g] = va_wan > 0 ? ind_energy / va_wan : kNaN;
  out.industrial_water_intensity[g] = va_wan > 0 ? ind_water / va_wan : kNaN;
}

}  // namespace

void record_programmes(const Slices& s, int r, const ProgrammeFlows& flows) {
  results::Projection& out = s.out;
  const std::size_t P = out.programmes.size();
  for (std::size_t t = 0; t < s.Y; ++t)
    for (std::size_t p = 0; p < P; ++p) {
      const std::size_t k = (static_cast<std::size_t>(r) * s.Y + t) * P + p;
      const auto i = static_cast<Index>(p), y = static_cast<Index>(t);
      out.programme_investment[k] = flows.outlays(i, y);
      out.programme_projects_started[k] = flows.started(i, y);
      out.programme_projects_completed[k] = flows.completed(i, y);
    }
}

void record(const Model& M, const Slices& s, int r, std::size_t t, double P, const VectorXd& x,
            const VectorXd& inv, const VectorXd& K, const VectorXd& leak,
            const SatelliteTrends& trends, const abm::FirmModel* fm) {
  results::Projection& out = s.out;
  const VectorXd output = x * P;
  VectorXd va = M.v.cwiseProduct(x) * P;
  VectorXd employment = M.e.cwiseProduct(x);
  VectorXd above = output.cwiseProduct(M.above_scale);
  if (fm) {
    const auto fva = fm->sector_value_added(), femp = fm->sector_employment(),
               fabove = fm->sector_output_above_scale();
    for (Index j = 0; j < M.n; ++j)
      if (M.firm_sectors(j) > 0) {
        va(j) = fva[static_cast<std::size_t>(j)] * P;
        employment(j) = femp[static_cast<std::size_t>(j)];
        above(j) = fabove[static_cast<std::size_t>(j)] * P;
      }
  }
  const VectorXd investment = inv * P;
  const std::size_t o = s.sector(r, t);
  for (Index j = 0; j < M.n; ++j) {
    const std::size_t k = o + static_cast<std::size_t>(j);
    out.sector_output[k] = output(j);
    out.sector_value_added[k] = va(j);
    out.sector_employment[k] = employment(j);
    out.sector_investment[k] = investment(j);
    out.sector_capacity[k] = std::isfinite(K(j)) ? K(j) * P : kNaN;
    out.sector_imports[k] = (M.m(j) * x(j) + leak(j)) * P;
  }
  record_satellites(M, s, r, t, P, x, va, trends);
  if (s.nc > 0) {
    const VectorXd c_out = M.W * output, c_va = M.W * va, c_inv = M.W * investment,
                   c_above = M.W * above;
    const std::size_t oc = s.cluster(r, t);
    for (std::size_t c = 0; c < s.nc; ++c) {
      const auto ci = static_cast<Index>(c);
      out.cluster_output[oc + c] = c_out(ci);
      out.cluster_value_added[oc + c] = c_va(ci);
      out.cluster_investment[oc + c] = c_inv(ci);
      out.cluster_output_above_scale[oc + c] = c_above(ci);
    }
  }
  const std::size_t g = s.region(r, t);
  const auto& region = M.sc.region;
  out.gdp[g] = va.sum();
  out.industrial_output[g] = M.industrial.dot(output);
  out.industrial_value_added[g] = M.industrial.dot(va);
  if (fm) {
    const auto& st = fm->statistics();
    out.industrial_output_above_scale[g] =
        st.region[static_cast<std::size_t>(abm::Stat::output_above_scale)];
    out.industrial_value_added_above_scale[g] =
        st.region[static_cast<std::size_t>(abm::Stat::value_added_above_scale)];
    const std::size_t D = out.districts.size(), S = abm::kStatCount;
    std::copy(st.values.begin(), st.values.end(),
              out.district_statistics.begin() + static_cast<long>(((r * s.Y + t) * D) * S));
    std::copy(st.region.begin(), st.region.end(),
              out.region_statistics.begin() + static_cast<long>((r * s.Y + t) * S));
    const std::size_t os = s.sector(r, t);
    for (Index j = 0; j < M.n; ++j) {
      out.sector_land_in_use[os + static_cast<std::size_t>(j)] = fm->sector_land()[j];
      out.sector_firms[os + static_cast<std::size_t>(j)] = fm->sector_firms()[j];
    }
    if (s.nc > 0) record_district_clusters(s, r, t, P, fm->cluster_sums());
    out.output_top_firms[g] =
        abm::top_firms_output(fm->firms(), static_cast<std::size_t>(M.sc.firms.top_firms)) * P;
  } else {
    out.industrial_output_above_scale[g] =
        out.industrial_output[g] * region.above_scale_output_share;
    out.industrial_value_added_above_scale[g] =
        out.industrial_value_added[g] * region.above_scale_value_added_share;
  }
  out.industrial_investment[g] = M.industrial.dot(investment);
  out.price_index[g] = P;
}

}  // namespace icsim::experiment::detail
