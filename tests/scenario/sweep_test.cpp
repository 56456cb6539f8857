// The [sweep] section (include/icsim/scenario/sweep.hpp): grid order and values, lists, Latin
// hypercube stratification and determinism, the override texts a point carries, --set on the
// sweep, and located errors. read_sweep_plan reads only the document, so these files need no
// table.
#include "icsim/scenario/sweep.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "icsim/common/error.hpp"
#include "support/checks.hpp"

using namespace icsim;
using namespace icsim::scenario;
namespace fs = std::filesystem;

namespace {

void expect_contains(const std::string& text, const std::vector<std::string>& parts) {
  for (const auto& part : parts) test::expect_contains(text, part);
}

class SweepFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("icsim_sweep_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string write(const std::string& text, const std::string& name = "s.toml") {
    const fs::path path = dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  // The message of the InputError that reading `text` throws ("" if none).
  std::string error_of(const std::string& text, const std::vector<Override>& overrides = {}) {
    try {
      read_sweep_plan(write(text), overrides, 1);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir;
};

TEST_F(SweepFile, NoSweepSectionGivesNothing) {
  EXPECT_FALSE(read_sweep_plan(write("[scenario]\nname = \"x\"\n"), {}, 1).has_value());
}

TEST_F(SweepFile, GridIsEveryCombinationLastKeyFastest) {
  const auto plan = read_sweep_plan(write("[sweep]\n"
                                          "method = \"grid\"\n"
                                          "[[sweep.parameter]]\n"
                                          "key = \"programme.a.investment\"\n"
                                          "values = [570, 1140]\n"
                                          "[[sweep.parameter]]\n"
                                          "key = \"firms.land_supply_scale\"\n"
                                          "low = 0.5\n"
                                          "high = 1.5\n"
                                          "steps = 3\n"),
                                    {}, 1);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->method, "grid");
  EXPECT_EQ(plan->keys,
            (std::vector<std::string>{"programme.a.investment", "firms.land_supply_scale"}));
  ASSERT_EQ(plan->points.size(), 6u);
  const std::vector<std::vector<double>> expected = {{570, 0.5},  {570, 1.0},  {570, 1.5},
                                                     {1140, 0.5}, {1140, 1.0}, {1140, 1.5}};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(plan->points[i].values, expected[i]) << i;
  // Integers stay integers in the override text (an integer-typed key accepts them).
  EXPECT_EQ(plan->points[4].overrides[0].key, "programme.a.investment");
  EXPECT_EQ(plan->points[4].overrides[0].value, "1140");
  EXPECT_EQ(plan->points[4].overrides[1].value, "1");
  EXPECT_EQ(plan->points[5].overrides[1].value, "1.5");
  EXPECT_EQ(plan->points[5].label, "programme.a.investment=1140, firms.land_supply_scale=1.5");
}

TEST_F(SweepFile, ListKeepsThePointsAsWritten) {
  const auto plan = read_sweep_plan(write("[sweep]\n"
                                          "method = \"list\"\n"
                                          "keys = [\"a.x\", \"b.y\"]\n"
                                          "points = [[1, 0.25], [3, 0.5], [2, 1e-7]]\n"),
                                    {}, 1);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->points.size(), 3u);
  EXPECT_EQ(plan->points[1].values, (std::vector<double>{3, 0.5}));
  EXPECT_EQ(plan->points[2].overrides[0].value, "2");
  EXPECT_EQ(plan->points[2].overrides[1].value, "1e-07");
}

TEST_F(SweepFile, LatinHypercubeHasOnePointPerStratumInEveryDimension) {
  for (int n : {1, 2, 7, 50}) {
    const std::vector<double> u = latin_hypercube(n, 3, 42);
    ASSERT_EQ(u.size(), static_cast<std::size_t>(n) * 3);
    for (int d = 0; d < 3; ++d) {
      std::set<int> strata;
      for (int i = 0; i < n; ++i) {
        const double x = u[static_cast<std::size_t>(i * 3 + d)];
        ASSERT_GE(x, 0.0);
        ASSERT_LT(x, 1.0);
        strata.insert(static_cast<int>(x * n));
      }
      EXPECT_EQ(strata.size(), static_cast<std::size_t>(n)) << "n=" << n << " d=" << d;
    }
  }
  EXPECT_EQ(latin_hypercube(20, 2, 7), latin_hypercube(20, 2, 7));
  EXPECT_NE(latin_hypercube(20, 2, 7), latin_hypercube(20, 2, 8));
  // The dimensions are not permuted alike (a diagonal design would be useless).
  const std::vector<double> u = latin_hypercube(20, 2, 7);
  int same = 0;
  for (int i = 0; i < 20; ++i)
    same += static_cast<int>(u[static_cast<std::size_t>(2 * i)] * 20) ==
            static_cast<int>(u[static_cast<std::size_t>(2 * i + 1)] * 20);
  EXPECT_LT(same, 20);
}

TEST_F(SweepFile, LatinHypercubeScalesToTheRangesAndRoundsIntegers) {
  const std::string text =
      "[sweep]\n"
      "method = \"latin_hypercube\"\n"
      "samples = 10\n"
      "seed = 5\n"
      "[[sweep.parameter]]\n"
      "key = \"a.x\"\n"
      "low = 100.0\n"
      "high = 200.0\n"
      "[[sweep.parameter]]\n"
      "key = \"b.n\"\n"
      "low = 1\n"
      "high = 10\n"
      "integer = true\n";
  const auto plan = read_sweep_plan(write(text), {}, 1);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->seed, 5u);
  ASSERT_EQ(plan->points.size(), 10u);
  const std::vector<double> u = latin_hypercube(10, 2, 5);
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_DOUBLE_EQ(plan->points[i].values[0], 100.0 + 100.0 * u[2 * i]);
    const double n = plan->points[i].values[1];
    EXPECT_EQ(n, std::round(1 + 9 * u[2 * i + 1]));
    EXPECT_EQ(plan->points[i].overrides[1].value, std::to_string(static_cast<long long>(n)));
  }
  // Without its own seed the design takes the scenario's, and --set reaches the sweep too.
  const std::string unseeded =
      "[sweep]\nmethod = \"latin_hypercube\"\nsamples = 4\n"
      "[[sweep.parameter]]\nkey = \"a.x\"\nlow = 0.0\nhigh = 1.0\n";
  const auto a = read_sweep_plan(write(unseeded), {}, 99);
  EXPECT_EQ(a->seed, 99u);
  const auto b = read_sweep_plan(write(unseeded), {{"sweep.samples", "6"}}, 99);
  EXPECT_EQ(b->points.size(), 6u);
}

TEST_F(SweepFile, ErrorsNameFileLineAndKey) {
  const std::string base = "[sweep]\n";
  expect_contains(error_of(base + "method = \"grd\"\n"),
                  {"s.toml:2", "sweep.method", "did you mean 'grid'"});
  expect_contains(error_of(base + "method = \"grid\"\n"), {"sweep.parameter", "values"});
  expect_contains(error_of(base + "method = \"grid\"\n[[sweep.parameter]]\nkey = \"a.x\"\n"
                                  "values = [1, \"two\"]\n"),
                  {"s.toml:5", "sweep.parameter[1].values[2]", "expected a finite number"});
  expect_contains(error_of(base + "method = \"grid\"\n[[sweep.parameter]]\nkey = \"a.x\"\n"
                                  "low = 2.0\nhigh = 1.0\nsteps = 3\n"),
                  {"sweep.parameter[1].high", "expected high > low"});
  expect_contains(error_of(base + "method = \"grid\"\nsamples = 3\n[[sweep.parameter]]\n"
                                  "key = \"a.x\"\nvalues = [1]\n"),
                  {"s.toml:3", "sweep.samples", "only for method = \"latin_hypercube\""});
  expect_contains(error_of(base + "method = \"latin_hypercube\"\n[[sweep.parameter]]\n"
                                  "key = \"a.x\"\nvalues = [1, 2]\n"),
                  {"sweep.parameter[1].values", "low and high", "sweep.samples"});
  expect_contains(error_of(base + "method = \"list\"\nkeys = [\"a.x\", \"b.y\"]\n"
                                  "points = [[1, 2], [3]]\n"),
                  {"s.toml:4", "sweep.points[2]", "2 numbers"});
  expect_contains(error_of(base + "method = \"grid\"\nsteps = 3\n[[sweep.parameter]]\n"
                                  "key = \"a.x\"\nvalues = [1]\nkye = 2\n"),
                  {"sweep.steps", "unknown key", "sweep.parameter[1].kye", "did you mean 'key'"});
}

}  // namespace
