// Cluster concordances: loading, every error message, and the investment mix.
#include "icsim/io/concordance.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "icsim/common/error.hpp"
#include "support/checks.hpp"

namespace icsim::io {
namespace {

using icsim::test::expect_contains;
using icsim::test::input_error_of;

constexpr double kTol = 1e-12;

IOTable three_sectors() {
  IOTable t;
  t.codes = {"agri", "manu", "serv"};
  t.names = t.codes;
  t.names_zh = {"", "", ""};
  t.sector_region = {"", "", ""};
  t.Z = Eigen::MatrixXd::Zero(3, 3);
  return t;
}

class ConcordanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("icsim_concordance_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& text, const std::string& name = "clusters.csv") {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::string error_of(const std::string& text) {
    const std::string path = write(text);
    return input_error_of([&] { load_concordance(path, table_, "361"); });
  }
  std::filesystem::path dir_;
  IOTable table_ = three_sectors();
};

TEST_F(ConcordanceTest, LoadsTheBundledExample) {
  // green: agri 1, manu 0.25; hightech: manu 0.75, serv 0.5 (manu sums to exactly 1).
  Concordance c = load_concordance(
      std::string(ICSIM_TEST_DATA) + "/concordance/three_sector_361.csv", table_, "361");
  EXPECT_EQ(c.system, "361");
  EXPECT_EQ(c.clusters, (std::vector<std::string>{"green", "hightech"}));
  EXPECT_EQ(c.cluster_names, (std::vector<std::string>{"Green food", "High-tech manufacturing"}));
  ASSERT_EQ(c.weights.rows(), 2);
  ASSERT_EQ(c.weights.cols(), 3);
  Eigen::MatrixXd want(2, 3);
  want << 1, 0.25, 0, 0, 0.75, 0.5;
  EXPECT_EQ((c.weights - want).norm(), 0.0);

  // x = (100, 200, 100). green: (1*100, 0.25*200, 0) = (100, 50, 0) / 150 = (2/3, 1/3, 0).
  // hightech: (0, 0.75*200, 0.5*100) = (0, 150, 50) / 200 = (0, 0.75, 0.25).
  Eigen::VectorXd x(3);
  x << 100, 200, 100;
  Eigen::VectorXd g = c.investment_mix(0, x);
  EXPECT_NEAR(g(0), 2.0 / 3, kTol);
  EXPECT_NEAR(g(1), 1.0 / 3, kTol);
  EXPECT_EQ(g(2), 0.0);
  Eigen::VectorXd h = c.investment_mix(1, x);
  EXPECT_NEAR(h(0), 0.0, kTol);
  EXPECT_NEAR(h(1), 0.75, kTol);
  EXPECT_NEAR(h(2), 0.25, kTol);
  EXPECT_NEAR(h.sum(), 1.0, kTol);
}

TEST_F(ConcordanceTest, NamesDefaultToCodesAndColumnsMayComeInAnyOrder) {
  Concordance c = load_concordance(
      write("sector,weight,cluster\nserv, 0.4 ,digital\nmanu,0,digital\nagri,1,food\n"), table_,
      "246");
  EXPECT_EQ(c.system, "246");
  EXPECT_EQ(c.clusters, (std::vector<std::string>{"digital", "food"}));
  EXPECT_EQ(c.cluster_names, c.clusters);
  EXPECT_EQ(c.weights(0, 2), 0.4);
  EXPECT_EQ(c.weights(0, 1), 0.0);
  EXPECT_EQ(c.weights(1, 0), 1.0);
}

TEST_F(ConcordanceTest, SumWithinToleranceIsAccepted) {
  // 0.7 + 0.3000000000001 = 1 + 1e-13 <= 1 + 1e-9.
  EXPECT_NO_THROW(load_concordance(
      write("cluster,sector,weight\na,manu,0.7\nb,manu,0.3000000000001\n"), table_, "361"));
}

TEST_F(ConcordanceTest, UnknownSectorNamesFileAndLine) {
  const std::string path = (dir_ / "clusters.csv").string();
  expect_contains(error_of("cluster,sector,weight\na,agri,1\na,mining,0.5\n"),
                  path + ":3: unknown sector code 'mining' (cluster 'a')");
}

TEST_F(ConcordanceTest, WeightOutsideUnitIntervalNamesFileAndLine) {
  const std::string path = (dir_ / "clusters.csv").string();
  expect_contains(error_of("cluster,sector,weight\na,agri,1.5\n"),
                  path + ":2: weight 1.5 of sector 'agri' in cluster 'a' is outside [0, 1]");
  expect_contains(error_of("cluster,sector,weight\na,agri,1\nb,serv,-0.1\n"),
                  path + ":3: weight -0.1 of sector 'serv' in cluster 'b' is outside [0, 1]");
}

TEST_F(ConcordanceTest, NonNumericWeightNamesFileAndLine) {
  const std::string path = (dir_ / "clusters.csv").string();
  std::string msg = error_of("cluster,sector,weight\na,agri,half\n");
  expect_contains(msg, path + ":2:");
  expect_contains(msg, "'half'");
  msg = error_of("cluster,sector,weight\na,agri,\n");
  expect_contains(msg, path + ":2:");
}

TEST_F(ConcordanceTest, SectorOverassignedNamesFileSectorAndSum) {
  const std::string path = (dir_ / "clusters.csv").string();
  std::string msg = error_of("cluster,sector,weight\na,manu,0.6\nb,agri,1\nb,manu,0.6\n");
  expect_contains(msg, path + ": sector 'manu' has weights summing to 1.2");
  expect_contains(msg, "system '361'");
  expect_contains(msg, "(lines 2, 4)");
}

TEST_F(ConcordanceTest, DisjointSystemIsNotOverlapping) {
  const Concordance c =
      load_concordance(write("cluster,sector,weight\na,manu,0.6\nb,manu,0.4\n"), table_, "361");
  EXPECT_FALSE(c.overlapping);
  // A comment that is not the directive changes nothing: the sum check still applies.
  const std::string path = (dir_ / "clusters.csv").string();
  expect_contains(error_of("# built by hand\ncluster,sector,weight\na,manu,0.6\nb,manu,0.6\n"),
                  path + ": sector 'manu' has weights summing to 1.2");
  expect_contains(error_of("cluster,sector,weight\na,manu,0.6\nb,manu,0.6\n"),
                  "put the line '# overlapping' before the header");
}

TEST_F(ConcordanceTest, OverlappingSystemMaySumAboveOne) {
  // Comment lines before the header; `# overlapping` (any text after the word) opts in.
  const Concordance c = load_concordance(
      write("# generated: do not edit\n# overlapping: clusters as the plans count them\n"
            "cluster,sector,weight\na,manu,0.8\nb,manu,1\nb,agri,1\n"),
      table_, "246");
  EXPECT_TRUE(c.overlapping);
  ASSERT_EQ(c.weights.rows(), 2);
  EXPECT_NEAR(c.weights(0, 1), 0.8, kTol);
  EXPECT_NEAR(c.weights(1, 1), 1.0, kTol);
  EXPECT_NEAR(c.weights.col(1).sum(), 1.8, kTol);
  // Weights stay in [0, 1], and line numbers count the comment lines.
  const std::string path = (dir_ / "clusters.csv").string();
  expect_contains(error_of("# overlapping\ncluster,sector,weight\na,manu,1.5\n"),
                  path + ":3: weight 1.5 of sector 'manu' in cluster 'a' is outside [0, 1]");
  // "overlapping" must be the first word: a comment merely mentioning it does not opt in.
  expect_contains(error_of("# not overlapping\ncluster,sector,weight\na,manu,0.6\nb,manu,0.6\n"),
                  "has weights summing to 1.2");
}

TEST_F(ConcordanceTest, DuplicatePairNamesBothLines) {
  const std::string path = (dir_ / "clusters.csv").string();
  expect_contains(error_of("cluster,sector,weight\na,manu,0.2\nb,agri,1\na,manu,0.3\n"),
                  path + ":4: cluster 'a' lists sector 'manu' twice (first on line 2)");
}

TEST_F(ConcordanceTest, ConflictingClusterNames) {
  const std::string path = (dir_ / "clusters.csv").string();
  expect_contains(
      error_of("cluster,sector,weight,cluster_name\na,manu,0.2,Alpha\na,agri,1,\na,serv,1,Beta\n"),
      path + ":4: cluster 'a' is named 'Beta' here but 'Alpha' on line 2");
}

TEST_F(ConcordanceTest, HeaderProblems) {
  const std::string path = (dir_ / "clusters.csv").string();
  expect_contains(error_of("cluster,sector\na,manu\n"), path + ":1: missing column 'weight'");
  expect_contains(error_of("cluster,sector,weight,share\na,manu,1,2\n"),
                  path + ":1: unknown column 'share'");
  expect_contains(error_of("cluster,sector,weight\n"), path + ": no clusters");
  expect_contains(error_of("cluster,sector,weight\n,manu,1\n"), path + ":2: empty cluster code");
  const std::string missing = (dir_ / "nowhere.csv").string();
  expect_contains(input_error_of([&] { load_concordance(missing, table_, "361"); }), missing);
}

TEST_F(ConcordanceTest, InvestmentMixWithZeroOutputNamesTheCluster) {
  Concordance c = load_concordance(
      write("cluster,sector,weight,cluster_name\nnew,serv,1,New materials\nold,agri,1,\n"), table_,
      "361");
  Eigen::VectorXd x(3);
  x << 100, 200, 0;  // the cluster's only sector produces nothing
  std::string msg = input_error_of([&] { c.investment_mix(0, x); });
  expect_contains(msg, "system '361', cluster 'new' (New materials)");
  expect_contains(msg, "zero weighted output");
  Eigen::VectorXd mix = c.investment_mix(1, x);
  EXPECT_EQ(mix(0), 1.0);
  EXPECT_THROW(c.investment_mix(2, x), std::out_of_range);
  EXPECT_THROW(c.investment_mix(0, Eigen::VectorXd::Ones(2)), std::invalid_argument);
}

}  // namespace
}  // namespace icsim::io
