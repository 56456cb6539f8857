// The result file of a run (output/run_result.hpp) with and without the firm model, written from
// a Projection made up by hand (support/firm_run.hpp) and read back with the HDF5 C API:
// /districts (shapes, dimension scales, names, values, attributes), the statistics in /region,
// land_in_use and firms in /clusters, and the root attribute firm_model.
#include "icsim/output/run_result.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "icsim/abm/statistics.hpp"
#include "icsim/results/variables.hpp"
#include "support/firm_run.hpp"
#include "support/hdf5_read.hpp"

namespace fs = std::filesystem;
using namespace icsim::test;  // the HDF5 readers and the sample run
using icsim::abm::Stat;
using icsim::abm::StatInfo;
using icsim::output::ResultFile;

namespace {

class RunResultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("icsim_run_result_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "run.h5").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const SampleRun& run) {
    ResultFile file(path_);
    icsim::output::write_run(file, {&run.loaded, &run.projection, &run.targets, &run.actuals, 2});
    file.commit();
  }

  fs::path dir_;
  std::string path_;
};

bool has_link(hid_t loc, const std::string& name) {
  return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0;
}

// Names of the links of a group in creation order.
std::vector<std::string> links_of(hid_t group) {
  std::vector<std::string> names;
  H5Literate(
      group, H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  return names;
}

std::int64_t int_attribute(hid_t object, const std::string& name) {
  return numeric_attribute<std::int64_t>(object, name, H5T_NATIVE_INT64, H5T_INTEGER);
}

TEST_F(RunResultTest, DistrictsHoldEveryStatisticOverPointReplicationYearDistrict) {
  write(sample_run(true));
  H5 f = open_file(path_);
  EXPECT_EQ(int_attribute(f, "firm_model"), 1);
  H5 g(H5Gopen2(f, "districts", H5P_DEFAULT), H5Gclose);
  ASSERT_GE(g, 0);

  H5 district = open_dataset(g, "district");
  EXPECT_EQ(read_strings(district), kSampleDistricts);
  EXPECT_GT(H5DSis_scale(district), 0);
  EXPECT_TRUE(has_attribute(district, "_Netcdf4Dimid"));
  EXPECT_EQ(string_attribute(district, "units"), "");
  H5 names = open_dataset(g, "district_name");
  EXPECT_EQ(read_strings(names), kSampleDistrictNames);
  EXPECT_EQ(scale_name(names, 0), "/districts/district");
  EXPECT_EQ(read_values<std::int64_t>(open_dataset(g, "year"), H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{2024, 2025}));
  EXPECT_EQ(read_values<std::int64_t>(open_dataset(g, "replication"), H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(read_values<std::int64_t>(open_dataset(g, "point"), H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{0}));
  EXPECT_FALSE(string_attribute(g, "note").empty());

  // The dimensions first, then district_name, then one variable per statistic in Stat order.
  std::vector<std::string> expected = {"point", "replication", "year",
                                       "time",  "district",    "district_name"};
  for (const auto& s : icsim::abm::statistics_info()) expected.emplace_back(s.name);
  EXPECT_EQ(links_of(g), expected);

  const std::size_t D = kSampleDistricts.size();
  for (const auto& s : icsim::abm::statistics_info()) {
    SCOPED_TRACE(std::string(s.name));
    H5 v = open_dataset(g, std::string(s.name));
    EXPECT_EQ(shape_of(v), (std::vector<hsize_t>{1, 2, 2, D}));
    EXPECT_EQ(scale_name(v, 0), "/districts/point");
    EXPECT_EQ(scale_name(v, 1), "/districts/replication");
    EXPECT_EQ(scale_name(v, 2), "/districts/year");
    EXPECT_EQ(scale_name(v, 3), "/districts/district");
    EXPECT_EQ(string_attribute(v, "units"), std::string(s.unit));
    EXPECT_EQ(string_attribute(v, "long_name"), std::string(s.description));
    EXPECT_FALSE(has_attribute(v, "_FillValue"));
    EXPECT_EQ(layout_of(v), H5D_CONTIGUOUS);  // small: not chunked
    const auto values = read_values<double>(v, H5T_NATIVE_DOUBLE);
    const auto k = static_cast<std::size_t>(s.stat);
    for (std::size_t r = 0; r < 2; ++r)
      for (std::size_t t = 0; t < 2; ++t)
        for (std::size_t d = 0; d < D; ++d)
          EXPECT_DOUBLE_EQ(values[(r * 2 + t) * D + d], sample_district(r, t, d, k))
              << "r " << r << " t " << t << " d " << d;
  }
}

TEST_F(RunResultTest, StatisticsCarryTheirKindAndRatiosTheirParts) {
  write(sample_run(true));
  H5 f = open_file(path_);
  H5 g(H5Gopen2(f, "districts", H5P_DEFAULT), H5Gclose);
  H5 firms = open_dataset(g, "firms_above_scale");
  EXPECT_EQ(string_attribute(firms, "kind"), "count");
  EXPECT_EQ(string_attribute(firms, "units"), "firms");
  EXPECT_FALSE(has_attribute(firms, "numerator"));
  EXPECT_EQ(string_attribute(open_dataset(g, "value_added"), "kind"), "money");
  EXPECT_EQ(string_attribute(open_dataset(g, "land_available"), "kind"), "land");
  H5 tax = open_dataset(g, "tax_per_mu_above_scale");
  EXPECT_EQ(string_attribute(tax, "kind"), "ratio");
  EXPECT_EQ(string_attribute(tax, "numerator"), "tax_above_scale");
  EXPECT_EQ(string_attribute(tax, "denominator"), "land_above_scale");
  // Zhenhai has no 规上 land in the base year: its ratio is 0 there, not NaN or infinity.
  const auto values = read_values<double>(tax, H5T_NATIVE_DOUBLE);
  EXPECT_EQ(values[1], 0.0);
  EXPECT_GT(values[0], 0.0);
}

TEST_F(RunResultTest, RegionGetsEveryStatisticAfterItsOwnVariables) {
  write(sample_run(true));
  H5 f = open_file(path_);
  H5 g(H5Gopen2(f, "region", H5P_DEFAULT), H5Gclose);
  // The dimensions, the region's own variables (gdp, industrial_..., price_index), then every
  // statistic: the catalogue's order.
  std::vector<std::string> expected = {"point", "replication", "year", "time"};
  for (const auto& v : icsim::results::variables())
    if (v.group == icsim::results::Group::region) expected.push_back(v.name);
  ASSERT_GT(expected.size(), 10u);
  EXPECT_EQ(expected[4], "gdp");
  EXPECT_EQ(expected[10], "price_index");
  const auto links = links_of(g);
  EXPECT_EQ(links, expected);
  EXPECT_EQ(std::set<std::string>(links.begin(), links.end()).size(), links.size());
  // What docs/results.md promises of /region.
  for (const char* name :
       {"firms_above_scale", "firms_entered", "firms_exited", "tax_per_mu_above_scale",
        "value_added_per_mu_above_scale", "land_in_use", "land_available"})
    EXPECT_TRUE(has_link(g, name)) << name;

  for (const auto& s : icsim::abm::statistics_info()) {
    SCOPED_TRACE(std::string(s.name));
    H5 v = open_dataset(g, std::string(s.name));
    EXPECT_EQ(shape_of(v), (std::vector<hsize_t>{1, 2, 2}));
    EXPECT_EQ(scale_name(v, 2), "/region/year");
    EXPECT_EQ(string_attribute(v, "units"), std::string(s.unit));
    EXPECT_EQ(string_attribute(v, "long_name").find("district"), std::string::npos);
    const auto values = read_values<double>(v, H5T_NATIVE_DOUBLE);
    const auto k = static_cast<std::size_t>(s.stat);
    for (std::size_t r = 0; r < 2; ++r)
      for (std::size_t t = 0; t < 2; ++t)
        EXPECT_DOUBLE_EQ(values[r * 2 + t], sample_region(r, t, k));
  }
  H5 output = open_dataset(g, "output");
  EXPECT_EQ(string_attribute(output, "long_name"), "industrial output of the region's firms");
  // Ratios of the sums: (n0 + n1) / d0 with zhenhai's denominator 0 in the base year; 0 when no
  // district has 规上 land (replication 1, base year).
  const auto tax =
      read_values<double>(open_dataset(g, "tax_per_mu_above_scale"), H5T_NATIVE_DOUBLE);
  const auto n = static_cast<std::size_t>(Stat::tax_above_scale);
  const auto den = static_cast<std::size_t>(Stat::land_above_scale);
  EXPECT_DOUBLE_EQ(tax[0], (sample_statistic(0, 0, 0, n) + sample_statistic(0, 0, 1, n)) /
                               sample_statistic(0, 0, 0, den));
  EXPECT_EQ(tax[2], 0.0);
}

TEST_F(RunResultTest, ClustersGetLandInUseAndFirms) {
  write(sample_run(true));
  H5 f = open_file(path_);
  H5 g(H5Gopen2(f, "clusters", H5P_DEFAULT), H5Gclose);
  H5 land = open_dataset(g, "land_in_use");
  H5 firms = open_dataset(g, "firms");
  EXPECT_EQ(shape_of(land), (std::vector<hsize_t>{1, 2, 2, 2}));
  EXPECT_EQ(scale_name(firms, 3), "/clusters/cluster");
  EXPECT_EQ(string_attribute(land, "units"), "mu");
  EXPECT_EQ(string_attribute(firms, "units"), "firms");
  EXPECT_FALSE(string_attribute(firms, "long_name").empty());
  const auto l = read_values<double>(land, H5T_NATIVE_DOUBLE);
  const auto n = read_values<double>(firms, H5T_NATIVE_DOUBLE);
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t t = 0; t < 2; ++t)
      for (std::size_t c = 0; c < 2; ++c) {
        EXPECT_DOUBLE_EQ(l[(r * 2 + t) * 2 + c], sample_cluster_land(r, t, c));
        EXPECT_DOUBLE_EQ(n[(r * 2 + t) * 2 + c], sample_cluster_firms(r, t, c));
      }
}

TEST_F(RunResultTest, WithoutTheFirmModelNothingOfItIsWritten) {
  write(sample_run(false));
  H5 f = open_file(path_);
  EXPECT_EQ(int_attribute(f, "firm_model"), 0);
  EXPECT_FALSE(has_link(f, "districts"));
  H5 clusters(H5Gopen2(f, "clusters", H5P_DEFAULT), H5Gclose);
  EXPECT_FALSE(has_link(clusters, "land_in_use"));
  EXPECT_FALSE(has_link(clusters, "firms"));
  H5 region(H5Gopen2(f, "region", H5P_DEFAULT), H5Gclose);
  std::vector<std::string> expected = {"point", "replication", "year", "time"};
  for (const auto& v : icsim::results::variables())
    if (v.group == icsim::results::Group::region && !v.firm_model) expected.push_back(v.name);
  EXPECT_EQ(links_of(region), expected);
  ASSERT_GE(expected.size(), 10u);  // gdp .. price_index (and any added since)
  EXPECT_EQ(expected[4], "gdp");
}

TEST_F(RunResultTest, MissizedStatisticsAreALogicError) {
  auto run = sample_run(true);
  run.projection.district_statistics.pop_back();
  ResultFile file(path_);
  EXPECT_THROW(
      icsim::output::write_run(file, {&run.loaded, &run.projection, &run.targets, &run.actuals, 1}),
      std::logic_error);
}

// docs/results.md lists every statistic as the code states it (name, units, kind, long_name).
TEST(RunResultDocs, ResultsMdListsEveryStatistic) {
  std::ifstream in(std::string(ICSIM_SOURCE_DIR) + "/docs/results.md");
  ASSERT_TRUE(in) << "docs/results.md";
  std::stringstream text;
  text << in.rdbuf();
  const char* kinds[] = {"count", "money", "land", "ratio"};
  for (const auto& s : icsim::abm::statistics_info()) {
    const std::string row = "| `" + std::string(s.name) + "` | " + std::string(s.unit) + " | " +
                            kinds[static_cast<int>(s.kind)] + " | " + std::string(s.description) +
                            " |\n";
    EXPECT_NE(text.str().find(row), std::string::npos)
        << "docs/results.md lacks (or has another version of) the row\n"
        << row;
  }
}

// docs/results.md lists every other result variable of the catalogue (results/variables.hpp) as
// the code states it (metric, units, whether it needs the firm model, long_name).
TEST(RunResultDocs, ResultsMdListsEveryProjectionVariable) {
  std::ifstream in(std::string(ICSIM_SOURCE_DIR) + "/docs/results.md");
  ASSERT_TRUE(in) << "docs/results.md";
  std::stringstream text;
  text << in.rdbuf();
  std::size_t checked = 0;
  for (const auto& v : icsim::results::variables()) {
    if (v.statistic >= 0) continue;  // the statistics' own table, above
    const std::string row = "| `" + v.metric() + "` | " + v.units_in("money") + " | " +
                            (v.firm_model ? "firm model" : "always") + " | " + v.long_name + " |\n";
    EXPECT_NE(text.str().find(row), std::string::npos)
        << "docs/results.md lacks (or has another version of) the row\n"
        << row;
    ++checked;
  }
  EXPECT_GT(checked, 0u);
}

}  // namespace
