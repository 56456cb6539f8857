// Parameter ranges (include/icsim/scenario/parameter_ranges.hpp): reading [[S.parameter]]
// tables, the located errors for bad ones, the schema check of both ends against the shipped
// Ningbo baseline, and the override texts.
#include "icsim/scenario/parameter_ranges.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "icsim/common/error.hpp"
#include "support/checks.hpp"

using namespace icsim;
using namespace icsim::scenario;
namespace fs = std::filesystem;

namespace {

class RangeFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("icsim_ranges_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string write(const std::string& text) {
    const fs::path path = dir / "s.toml";
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  std::string error_of(const std::string& text) {
    try {
      read_parameter_ranges(write(text), "calibration");
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir;
};

const std::string kBaseline = std::string(ICSIM_SOURCE_DIR) + "/scenarios/ningbo/baseline.toml";

TEST_F(RangeFile, ReadsKeysBoundsAndSources) {
  const auto ranges = read_parameter_ranges(write(R"(
[[calibration.parameter]]
key = "land.quota"
low = 8000
high = 16000
integer = true
source = "estimate"

[[calibration.parameter]]
key = "programme.shuangbai.investment"
low = 400
high = 900.5
)"),
                                            "calibration");
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0].key, "land.quota");
  EXPECT_EQ(ranges[0].low, 8000);
  EXPECT_EQ(ranges[0].high, 16000);
  EXPECT_TRUE(ranges[0].integer);
  EXPECT_EQ(ranges[0].source, "estimate");
  EXPECT_FALSE(ranges[1].integer);
  EXPECT_EQ(ranges[1].high, 900.5);
  test::expect_contains(ranges[1].where, "s.toml:9");
  const auto overrides = parameter_overrides(ranges, {12000.4, 570.25});
  ASSERT_EQ(overrides.size(), 2u);
  EXPECT_EQ(overrides[0].value, "12000");
  EXPECT_EQ(overrides[1].value, "570.25");
}

TEST_F(RangeFile, EveryProblemIsLocated) {
  const std::string message = error_of(R"(
[[calibration.parameter]]
key = "a.b"
low = 2
high = 1

[[calibration.parameter]]
key = "a.b"
low = "x"
high = 3
intger = true
)");
  test::expect_contains(message, "the [calibration] section has 4 problems");
  test::expect_contains(message, "s.toml:5");
  test::expect_contains(message, "the range is empty");
  test::expect_contains(message, "repeated key");
  test::expect_contains(message, "expected a finite number");
  test::expect_contains(message, "did you mean 'integer'");
}

TEST_F(RangeFile, AMissingListIsAnError) {
  test::expect_contains(error_of("[calibration]\nmethod = \"x\"\n"),
                        "expected one or more [[calibration.parameter]] tables");
}

TEST_F(RangeFile, EndsAreCheckedAgainstTheScenario) {
  auto read = [&](const std::string& key, double low, double high) {
    return read_parameter_ranges(
        write("[[calibration.parameter]]\nkey = \"" + key + "\"\nlow = " + std::to_string(low) +
              "\nhigh = " + std::to_string(high) + "\n"),
        "calibration");
  };
  auto good = read("programme.shuangbai.investment", 400, 900);
  EXPECT_NO_THROW(check_parameter_ranges(kBaseline, {}, good));
  auto unknown = read("land.quotaa", 1, 2);
  try {
    check_parameter_ranges(kBaseline, {}, unknown);
    ADD_FAILURE() << "an unknown key was accepted";
  } catch (const InputError& e) {
    test::expect_contains(e.what(), "s.toml:1");
    test::expect_contains(e.what(), "land.quotaa");
  }
  auto growth = read("growth.final_demand.exports.mean", 0.01, 0.05);
  EXPECT_NO_THROW(check_parameter_ranges(kBaseline, {}, growth));
  auto text = read("scenario.name", 1, 2);
  EXPECT_THROW(check_parameter_ranges(kBaseline, {}, text), InputError);
  auto outside = read("programme.shuangbai.failure_probability", 0.5, 1.5);
  EXPECT_THROW(check_parameter_ranges(kBaseline, {}, outside), InputError);
}

}  // namespace
