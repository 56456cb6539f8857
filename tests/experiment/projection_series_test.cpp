// Projection::series on the firm model's statistics (districts/<statistic>, region/<statistic>,
// clusters/land_in_use and clusters/firms), on a Projection made up by hand
// (support/firm_run.hpp): sums over selections, ratios recomputed from their parts, and the
// errors a scenario author sees.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "icsim/abm/statistics.hpp"
#include "icsim/experiment/projection.hpp"
#include "support/checks.hpp"
#include "support/firm_run.hpp"

using namespace icsim;
using abm::Stat;
using experiment::Projection;

namespace {

constexpr auto idx(Stat s) { return static_cast<std::size_t>(s); }

std::vector<double> series(const Projection& p, const std::string& metric,
                           std::vector<std::string> select, int r) {
  return p.series({metric, std::move(select)}, r);
}

TEST(ProjectionSeries, DistrictsSumTheSelection) {
  const auto run = test::sample_run(true);
  const Projection& p = run.projection;
  const auto k = idx(Stat::firms_above_scale);
  for (int r = 0; r < 2; ++r)
    for (std::size_t t = 0; t < 2; ++t) {
      const auto ru = static_cast<std::size_t>(r);
      EXPECT_DOUBLE_EQ(series(p, "districts/firms_above_scale", {"zhenhai"}, r)[t],
                       test::sample_statistic(ru, t, 1, k));
      const double both = test::sample_statistic(ru, t, 0, k) + test::sample_statistic(ru, t, 1, k);
      EXPECT_DOUBLE_EQ(series(p, "districts/firms_above_scale", {"haishu", "zhenhai"}, r)[t], both);
      EXPECT_DOUBLE_EQ(series(p, "districts/firms_above_scale", {"*"}, r)[t], both);
      // A district named twice (or by "*" and by code) counts once.
      EXPECT_DOUBLE_EQ(series(p, "districts/firms_above_scale", {"*", "haishu", "haishu"}, r)[t],
                       both);
    }
  EXPECT_EQ(series(p, "districts/land_in_use", {"haishu"}, 1).size(), 2u);
}

TEST(ProjectionSeries, DistrictRatiosAreRatiosOfSums) {
  const auto run = test::sample_run(true);
  const Projection& p = run.projection;
  const auto n = idx(Stat::tax_above_scale), d = idx(Stat::land_above_scale);
  auto s = [](std::size_t r, std::size_t t, std::size_t dist, std::size_t k) {
    return test::sample_statistic(r, t, dist, k);
  };
  // Year 2025 (index 1), replication 0: both districts have 规上 land.
  const auto all = series(p, "districts/tax_per_mu_above_scale", {"*"}, 0);
  EXPECT_DOUBLE_EQ(all[1], (s(0, 1, 0, n) + s(0, 1, 1, n)) / (s(0, 1, 0, d) + s(0, 1, 1, d)));
  EXPECT_NE(all[1], s(0, 1, 0, n) / s(0, 1, 0, d) + s(0, 1, 1, n) / s(0, 1, 1, d));
  EXPECT_DOUBLE_EQ(series(p, "districts/value_added_per_mu_above_scale", {"haishu"}, 0)[1],
                   s(0, 1, 0, idx(Stat::value_added_above_scale)) / s(0, 1, 0, d));
  // Base year: zhenhai has no 规上 land, so the sum is haishu's land only; alone it gives 0.
  EXPECT_DOUBLE_EQ(all[0], (s(0, 0, 0, n) + s(0, 0, 1, n)) / s(0, 0, 0, d));
  EXPECT_EQ(series(p, "districts/tax_per_mu_above_scale", {"zhenhai"}, 0)[0], 0.0);
  // Replication 1, base year: no district has 规上 land.
  EXPECT_EQ(series(p, "districts/tax_per_mu_above_scale", {"*"}, 1)[0], 0.0);
  // The whole region equals region/<ratio>.
  for (int r = 0; r < 2; ++r)
    EXPECT_EQ(series(p, "districts/tax_per_mu_above_scale", {"*"}, r),
              series(p, "region/tax_per_mu_above_scale", {}, r));
}

TEST(ProjectionSeries, RegionReadsEveryStatistic) {
  const auto run = test::sample_run(true);
  const Projection& p = run.projection;
  for (const auto& info : abm::statistics_info())
    for (int r = 0; r < 2; ++r) {
      const auto v = series(p, "region/" + std::string(info.name), {}, r);
      for (std::size_t t = 0; t < 2; ++t)
        EXPECT_DOUBLE_EQ(v[t], test::sample_region(static_cast<std::size_t>(r), t,
                                                   static_cast<std::size_t>(info.stat)))
            << info.name;
    }
  // The input-output variables are unchanged.
  EXPECT_DOUBLE_EQ(series(p, "region/gdp", {}, 1)[1], 53.0);
}

TEST(ProjectionSeries, ClustersLandInUseAndFirms) {
  const auto run = test::sample_run(true);
  const Projection& p = run.projection;
  EXPECT_DOUBLE_EQ(series(p, "clusters/land_in_use", {"361/green_petrochemicals"}, 1)[1],
                   test::sample_cluster_land(1, 1, 0));
  EXPECT_DOUBLE_EQ(series(p, "clusters/firms", {"361/*", "246/digital"}, 0)[0],
                   test::sample_cluster_firms(0, 0, 0) + test::sample_cluster_firms(0, 0, 1));
}

TEST(ProjectionSeries, Errors) {
  const auto run = test::sample_run(true);
  const Projection& p = run.projection;
  auto error = [&](const std::string& metric, std::vector<std::string> select) {
    return test::input_error_of([&] { series(p, metric, select, 0); });
  };
  const auto no_district = error("districts/firms", {"haishu", "beilun"});
  test::expect_contains(no_district, "series 'districts/firms': no district 'beilun'");
  test::expect_contains(no_district, "expected haishu, zhenhai or \"*\"");
  test::expect_contains(error("districts/firms", {}), "select districts");
  const auto unknown = error("districts/firm_count", {"*"});
  test::expect_contains(unknown, "unknown variable 'firm_count'");
  // Every statistic is listed.
  for (const auto& info : abm::statistics_info())
    test::expect_contains(unknown, std::string(info.name));
  const auto region = error("region/nothing", {});
  test::expect_contains(region, "industrial_investment");
  test::expect_contains(region, "value_added_per_mu_above_scale");
  test::expect_contains(error("region/firms", {"haishu"}), "region series take no selection");
  test::expect_contains(error("clusters/nothing", {"361/*"}), "land_in_use or firms");
  test::expect_contains(error("towns/firms", {"*"}), "districts/<statistic>");
}

TEST(ProjectionSeries, FirmStatisticsNeedTheFirmModel) {
  const auto run = test::sample_run(false);
  const Projection& p = run.projection;
  for (const auto& [metric, select] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"districts/firms_above_scale", {"*"}},
           {"region/land_in_use", {}},
           {"region/tax_per_mu_above_scale", {}},
           {"clusters/land_in_use", {"361/*"}},
           {"clusters/firms", {"361/*"}}})
    EXPECT_EQ(test::input_error_of([&] { series(p, metric, select, 0); }),
              "series '" + metric + "': needs the firm model ([firms] enabled = true)");
  // The input-output series still work.
  EXPECT_DOUBLE_EQ(series(p, "region/gdp", {}, 0)[0], 50.0);
}

TEST(ProjectionSeries, MissizedStatisticsAreALogicError) {
  auto run = test::sample_run(true);
  run.projection.region_statistics.pop_back();
  EXPECT_THROW(series(run.projection, "region/firms", {}, 0), std::logic_error);
}

}  // namespace
