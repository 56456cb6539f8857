// What a sensitivity analysis says about targets (include/icsim/experiment/
// sensitivity_evidence.hpp), on a hand-made /sensitivity group written by the output layer.
#include "icsim/experiment/sensitivity_evidence.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "icsim/common/error.hpp"
#include "icsim/output/result_file.hpp"
#include "icsim/output/sensitivity_result.hpp"

namespace icsim::experiment {
namespace {

namespace fs = std::filesystem;

// Three parameters a, b, c; outputs "T1 P", "T1 median", "T2 P", "T2 median", a chosen series.
// T1's P moves with a (mu* 0.3, mu -0.3) and b (0.1); its median with b only; T2 is moved by
// nothing; a also moves the chosen series; c moves no output; b's effect on T2's median is below
// the floor.
std::string write_morris(const fs::path& dir) {
  output::SensitivityOutputs s;
  s.method = "morris";
  s.parameters = {"a", "b", "c"};
  s.parameter_sources = {"", "", ""};
  s.low = {0, 1, 2};
  s.high = {1, 2, 4};
  s.outputs = {"T1 P", "T1 median", "T2 P", "T2 median", "region/gdp 2025"};
  s.output_target = {"T1", "T1", "T2", "T2", ""};
  s.output_statistic = {"probability", "median value", "probability", "median value",
                        "series median"};
  s.output_units = {"1", "CNY", "1", "CNY", "CNY"};
  const std::size_t points = 4;
  s.design_unit.assign(points * 3, 0.5);
  s.output_value = {0.2, 0.5, 0.4, 0.3, 100, 120, 110, 100, 0,  0,
                    0,   0,   1e6, 1e6, 1e6, 1e6, 10,  12,  11, 10};
  s.mu_star = {0.3, 0.1, 0, 0, 20, 0, 0, 0, 0, 0, 1e-7, 0, 2, 0, 0};
  s.mu = {-0.3, 0.1, 0, 0, 20, 0, 0, 0, 0, 0, 1e-7, 0, 2, 0, 0};
  s.sigma.assign(15, 0);
  s.effects.assign(15, 3);
  const std::string path = (dir / "morris.h5").string();
  output::ResultFile file(path);
  file.set_attribute("scenario_name", std::string("tiny"));
  output::write_sensitivity(file, s);
  file.commit();
  return path;
}

class SensitivityEvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("icsim_evidence_" + std::to_string(::getpid()));
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
};

TEST_F(SensitivityEvidenceTest, RanksParametersAndFindsWhatMovesNothing) {
  const auto e = read_sensitivity_evidence(write_morris(dir));
  EXPECT_EQ(e.method, "morris");
  EXPECT_EQ(e.scenario_name, "tiny");
  ASSERT_EQ(e.targets.count("T1"), 1u);
  const auto& t1 = e.targets.at("T1");
  ASSERT_EQ(t1.probability.size(), 2u);
  EXPECT_EQ(t1.probability[0].parameter, 0u);  // a first: mu* 0.3
  EXPECT_DOUBLE_EQ(t1.probability[0].importance, 0.3);
  EXPECT_DOUBLE_EQ(t1.probability[0].mean_effect, -0.3);
  EXPECT_EQ(t1.probability[1].parameter, 1u);
  ASSERT_EQ(t1.value.size(), 1u);
  EXPECT_EQ(t1.value[0].parameter, 1u);
  // T2: its median is 1e6 in every point; b's mu* of 1e-7 is below 1e-9 x (1 + 1e6).
  EXPECT_TRUE(e.targets.at("T2").probability.empty());
  EXPECT_TRUE(e.targets.at("T2").value.empty());
  EXPECT_FALSE(lever_flag(e, "T1").has_value());
  const auto flag = lever_flag(e, "T2");
  ASSERT_TRUE(flag.has_value());
  EXPECT_EQ(flag->code, "no_lever_effect");
  EXPECT_FALSE(lever_flag(e, "T9").has_value());  // not in the analysis
  ASSERT_EQ(e.without_effect.size(), 1u);
  EXPECT_EQ(e.without_effect[0], 2u);
  EXPECT_EQ(parameter_text(e, 2), "c [2, 4]");
}

TEST_F(SensitivityEvidenceTest, RefusesAFileWithoutTheGroup) {
  const std::string path = (dir / "plain.h5").string();
  {
    output::ResultFile file(path);
    file.set_attribute("scenario_name", std::string("tiny"));
    file.commit();
  }
  try {
    read_sensitivity_evidence(path);
    FAIL() << "a file without /sensitivity was accepted";
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find(path + ": no /sensitivity group"), std::string::npos)
        << err.what();
  }
}

}  // namespace
}  // namespace icsim::experiment
