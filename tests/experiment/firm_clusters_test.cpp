// Clusters with the firm model (abm/clusters.hpp, results/variable_list.hpp's district_clusters):
// on the bundled Ningbo scenario, the sums over the firms of a disjoint system that covers every
// industrial sector completely equal the districts' totals every year, and a real cluster's firm
// count is its concordance-weighted count up to the binomial noise of the memberships.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "icsim/abm/districts.hpp"
#include "icsim/experiment/projection.hpp"
#include "icsim/scenario/load.hpp"

using namespace icsim;
using abm::Stat;
using experiment::project;
using experiment::Projection;

namespace {

const std::string kRoot = ICSIM_SOURCE_DIR;

// The baseline with the firm model and, appended, system "all": clusters "a" (weight 0.3) and "b"
// (0.7) on every industrial sector.
scenario::LoadedScenario ningbo_with_complete_system(int reps) {
  auto L = scenario::load_scenario(kRoot + "/scenarios/ningbo/baseline.toml");
  L.scenario.replications = reps;
  L.scenario.horizon = L.scenario.base_year + 3;
  auto& f = L.scenario.firms;
  f.enabled = true;
  f.districts = kRoot + "/scenarios/data/ningbo/districts.csv";
  f.calibration = kRoot + "/scenarios/data/ningbo/firms.csv";
  abm::apply_firm_calibration(f.calibration, f.parameters.synthesis);
  L.districts = abm::load_districts(f.districts, L.table);
  io::Concordance all;
  all.system = "all";
  all.clusters = {"a", "b"};
  all.cluster_names = {"a", "b"};
  all.weights = Eigen::MatrixXd::Zero(2, static_cast<Eigen::Index>(L.table.size()));
  for (const auto& code : L.scenario.region.industrial_sectors) {
    const auto j = static_cast<Eigen::Index>(L.table.sector_index(code));
    all.weights(0, j) = 0.3;
    all.weights(1, j) = 0.7;
  }
  L.systems.push_back(all);
  L.scenario.clusters.push_back({"all", "(made up in the test)"});
  return L;
}

std::size_t cluster_index(const Projection& p, const std::string& ref) {
  for (std::size_t c = 0; c < p.clusters.size(); ++c)
    if (p.clusters[c] == ref) return c;
  ADD_FAILURE() << "no cluster " << ref;
  return 0;
}

}  // namespace

TEST(FirmClusters, ACompleteSystemAddsUpToTheDistrictsEveryYear) {
  const auto L = ningbo_with_complete_system(2);
  const Projection p = project(L, {});
  const std::size_t Y = p.years.size(), D = p.districts.size(), C = p.clusters.size();
  const std::size_t a = cluster_index(p, "all/a"), b = cluster_index(p, "all/b");
  auto cell = [&](const std::vector<double>& v, std::size_t r, std::size_t t, std::size_t d,
                  std::size_t c) { return v[((r * Y + t) * D + d) * C + c]; };
  auto district = [&](std::size_t r, std::size_t t, std::size_t d, Stat s) {
    return p
        .district_statistics[((r * Y + t) * D + d) * abm::kStatCount + static_cast<std::size_t>(s)];
  };
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t t = 0; t < Y; ++t) {
      double land = 0, sector_land = 0;
      for (std::size_t d = 0; d < D; ++d) {
        auto both = [&](const std::vector<double>& v) {
          return cell(v, r, t, d, a) + cell(v, r, t, d, b);
        };
        const double out = district(r, t, d, Stat::output);
        EXPECT_NEAR(both(p.district_cluster_output), out, 1e-9 * out) << r << " " << t << " " << d;
        const double va = district(r, t, d, Stat::value_added);
        EXPECT_NEAR(both(p.district_cluster_value_added), va, 1e-6 * va);
        const double above = district(r, t, d, Stat::output_above_scale);
        EXPECT_NEAR(both(p.district_cluster_output_above_scale), above, 1e-9 * above);
        EXPECT_EQ(both(p.district_cluster_firms), district(r, t, d, Stat::firms));
        land += both(p.district_cluster_land_in_use);
      }
      for (std::size_t j = 0; j < p.sectors.size(); ++j)
        sector_land += p.sector_land_in_use[(r * Y + t) * p.sectors.size() + j];
      EXPECT_NEAR(land, sector_land, 1e-9 * sector_land);
      // The cluster totals are the sums over the districts.
      for (std::size_t c = 0; c < C; ++c) {
        double firms = 0;
        for (std::size_t d = 0; d < D; ++d) firms += cell(p.district_cluster_firms, r, t, d, c);
        EXPECT_EQ(p.cluster_firms[(r * Y + t) * C + c], firms);
      }
    }
}

TEST(FirmClusters, FirmCountIsTheWeightedCountUpToTheMembershipNoise) {
  const auto L = ningbo_with_complete_system(1);
  const Projection p = project(L, {});
  const std::size_t S = p.sectors.size();
  for (const std::string ref : {"246/green_petrochemicals", "246/smart_home_appliances", "all/a"}) {
    const std::size_t c = cluster_index(p, ref);
    const std::string system = ref.substr(0, ref.find('/')), code = ref.substr(ref.find('/') + 1);
    const io::Concordance* found = nullptr;
    for (const auto& sys : L.systems)
      if (sys.system == system) found = &sys;
    ASSERT_NE(found, nullptr) << ref;
    const auto row = static_cast<Eigen::Index>(
        std::find(found->clusters.begin(), found->clusters.end(), code) - found->clusters.begin());
    // Expected count and binomial variance in the base year: sum_j n_j w_j, sum_j n_j w_j (1-w_j).
    double mean = 0, var = 0;
    for (std::size_t j = 0; j < S; ++j) {
      const double n = p.sector_firms[j], w = found->weights(row, static_cast<Eigen::Index>(j));
      mean += n * w;
      var += n * w * (1 - w);
    }
    ASSERT_GT(mean, 100);
    EXPECT_NEAR(p.cluster_firms[c], mean, 5 * std::sqrt(var) + 1e-9) << ref;
  }
}
