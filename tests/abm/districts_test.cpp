#include "icsim/abm/districts.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "icsim/io/table_format.hpp"
#include "support/checks.hpp"
#include "support/tables.hpp"

using namespace icsim;
using abm::parse_districts;

namespace {

const char* const kHeader =
    "code,name,industrial_land_mu,land_available_mu,land_approved_mu,annual_land_supply_mu,"
    "source";

}  // namespace

TEST(Districts, ReadsSmallFileAndSpreadsMissingSectorsByLand) {
  const io::IOTable t = test::three_sector();
  const auto d = abm::load_districts(ICSIM_TEST_DATA "/abm/districts_small.csv", t);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].code, "d1");
  EXPECT_EQ(d[1].name, "第二区");
  EXPECT_DOUBLE_EQ(d[0].industrial_land, 100);
  EXPECT_DOUBLE_EQ(d[1].land_available, 30);
  EXPECT_DOUBLE_EQ(d[1].land_approved, 60);
  EXPECT_DOUBLE_EQ(d[1].annual_land_supply, 15);
  EXPECT_EQ(d[0].source, "test");
  ASSERT_EQ(d[0].sector_share.size(), 3u);
  // M given; A and S spread by industrial land 100 : 300.
  EXPECT_DOUBLE_EQ(d[0].sector_share[1], 0.75);
  EXPECT_DOUBLE_EQ(d[1].sector_share[1], 0.25);
  EXPECT_DOUBLE_EQ(d[0].sector_share[0], 0.25);
  EXPECT_DOUBLE_EQ(d[1].sector_share[2], 0.75);
}

TEST(Districts, ErrorsNameFileLineAndExpectation) {
  const io::IOTable t = test::three_sector();
  const std::string h = kHeader;
  auto msg =
      test::input_error_of([&] { parse_districts(h + ",X\nd1,a,1,0,0,0,s,1\n", "d.csv", t); });
  test::expect_contains(msg, "d.csv:1:");
  test::expect_contains(msg, "'X' is not a sector code");

  msg = test::input_error_of(
      [&] { parse_districts(h + "\nd1,a,1,0,0,0,s\nd2,b,-5,0,0,0,s\n", "d.csv", t); });
  test::expect_contains(msg, "d.csv:3:");
  test::expect_contains(msg, "industrial_land_mu of district 'd2' is -5; expected mu >= 0");

  msg = test::input_error_of(
      [&] { parse_districts(h + ",M\nd1,a,1,0,0,0,s,0.5\nd2,b,1,0,0,0,s,0.4\n", "d.csv", t); });
  test::expect_contains(msg, "d.csv:1:");
  test::expect_contains(msg, "shares of sector 'M' sum to 0.9");
  test::expect_contains(msg, "expected 1");

  msg = test::input_error_of(
      [&] { parse_districts(h + "\nd1,a,1,0,0,0,s\nd1,b,1,0,0,0,s\n", "d.csv", t); });
  test::expect_contains(msg, "d.csv:3:");
  test::expect_contains(msg, "duplicate district code 'd1'");

  msg = test::input_error_of(
      [&] { parse_districts(h + ",M\nd1,a,1,0,0,0,s,-0.5\nd2,b,1,0,0,0,s,1.5\n", "d.csv", t); });
  test::expect_contains(msg, "d.csv:2:");
  test::expect_contains(msg, "expected a share in [0, 1]");

  msg = test::input_error_of([&] {
    parse_districts(
        "code,name,land,land_available_mu,land_approved_mu,annual_land_supply_mu,source\n"
        "d1,a,1,0,0,0,s\n",
        "d.csv", t);
  });
  test::expect_contains(msg, "d.csv:1:");
  test::expect_contains(msg, "expected 'industrial_land_mu'");

  msg = test::input_error_of([&] { parse_districts(h + "\nd1,a,0,0,0,0,s\n", "d.csv", t); });
  test::expect_contains(msg, "total industrial_land_mu is 0");

  // Shares within the tolerance are accepted.
  EXPECT_NO_THROW(
      parse_districts(h + ",M\nd1,a,1,0,0,0,s,0.5000004\nd2,b,1,0,0,0,s,0.5\n", "d.csv", t));
}

TEST(Districts, ShippedNingboFileIsConsistent) {
  const io::IOTable t =
      io::load_table(std::string(ICSIM_SOURCE_DIR) + "/scenarios/data/tables/ningbo_2021_42");
  const auto d = abm::load_districts(
      std::string(ICSIM_SOURCE_DIR) + "/scenarios/data/ningbo/districts.csv", t);
  ASSERT_EQ(d.size(), 10u);
  double land = 0;
  for (const auto& x : d) {
    land += x.industrial_land;
    EXPECT_FALSE(x.source.empty()) << x.code;
    EXPECT_GT(x.annual_land_supply, 0) << x.code;
  }
  EXPECT_NEAR(land, 311558, 1.0);
  for (std::size_t s = 0; s < t.size(); ++s) {
    double sum = 0;
    for (const auto& x : d) sum += x.sector_share[s];
    EXPECT_NEAR(sum, 1.0, 1e-6) << t.codes[s];
  }
  // Refining (11) sits in 镇海 and 北仑.
  const int s11 = t.sector_index("11");
  EXPECT_GT(d[2].sector_share[static_cast<std::size_t>(s11)] +
                d[3].sector_share[static_cast<std::size_t>(s11)],
            0.95);
}
