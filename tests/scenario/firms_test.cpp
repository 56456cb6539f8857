// Scenario keys of the agent-based firm and land model: [households], [firms], [firms.*],
// [mujun], [land], programme.creates_firms, and the districts/ and region/<statistic> series
// (docs/scenario-reference.md). Uses the Ningbo table and districts of scenarios/data.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "icsim/abm/firm_model.hpp"
#include "icsim/scenario/load.hpp"
#include "support/checks.hpp"

using namespace icsim;
using namespace icsim::scenario;
using test::expect_contains;
namespace fs = std::filesystem;

namespace {

const std::string kSource = ICSIM_SOURCE_DIR;
const std::string kDistricts = kSource + "/scenarios/data/ningbo/districts.csv";
const std::string kCalibration = kSource + "/scenarios/data/ningbo/firms.csv";

std::string canonical(const std::string& path) {
  return fs::absolute(path).lexically_normal().string();
}

std::string all_text(const std::vector<Diagnostic>& list) {
  std::string out;
  for (const auto& d : list) out += d.to_string() + "\n";
  return out;
}

// Scenario files in a temporary folder; @SRC@ is replaced by the source tree.
class FirmScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("icsim_firms_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string write(const std::string& name, std::string text) {
    for (auto pos = text.find("@SRC@"); pos != std::string::npos; pos = text.find("@SRC@"))
      text.replace(pos, 5, kSource);
    const fs::path path = dir / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  // A valid scenario on the Ningbo 2021 table (lines 1-8) plus `extra` from line 9.
  std::string scenario(const std::string& extra = "", const std::string& name = "s.toml") {
    return write(name,
                 "[scenario]\n"                                             // 1
                 "name = \"f\"\n"                                           // 2
                 "base_year = 2021\n"                                       // 3
                 "horizon = 2025\n"                                         // 4
                 "[table]\n"                                                // 5
                 "path = \"@SRC@/scenarios/data/tables/ningbo_2021_42\"\n"  // 6
                 "[region]\n"                                               // 7
                 "industrial_sectors = [\"02\", \"03\", \"04\", \"05\", \"06\", "
                 "\"07\", \"08\", \"09\", \"10\", \"11\", \"12\", \"13\", \"14\", "
                 "\"15\", \"16\", \"17\", \"18\", \"19\", \"20\", \"21\", \"22\", "
                 "\"23\", \"24\", \"25\", \"26\"]\n"  // 8
                     + extra);                        // 9...
  }

  // [firms] enabled with the Ningbo districts (lines 9-11) plus `extra` from line 12.
  std::string with_firms(const std::string& extra = "") {
    return scenario(
        "[firms]\nenabled = true\ndistricts = \"@SRC@/scenarios/data/ningbo/districts.csv\"\n" +
        extra);
  }

  const Diagnostic expect_problem(const std::vector<Diagnostic>& list, const std::string& key,
                                  std::initializer_list<std::string> fragments) {
    for (const auto& d : list)
      if (d.key == key) {
        for (const auto& f : fragments) expect_contains(d.to_string(), f);
        return d;
      }
    ADD_FAILURE() << "no diagnostic for key '" << key << "' in:\n" << all_text(list);
    return {};
  }

  fs::path dir;
};

}  // namespace

// ---- parsing and defaults ---------------------------------------------------------------------

TEST_F(FirmScenario, DefaultsAreTheStructDefaults) {
  const Scenario s = parse_scenario(scenario(
      "[[programme]]\nname = \"p\"\ninvestment = 1\nsplit = { \"12\" = 1 }\nstart_year = 2023\n"));
  EXPECT_EQ(s.households.closure, "exogenous");
  EXPECT_EQ(s.households.column, "household");
  EXPECT_FALSE(s.firms.enabled);
  EXPECT_TRUE(s.firms.districts.empty());
  EXPECT_TRUE(s.firms.calibration.empty());
  EXPECT_TRUE(s.firms.land_supply_by_district.empty());
  EXPECT_TRUE(s.firms.industrial_share_by_district.empty());
  EXPECT_TRUE(s.programmes.at(0).creates_firms);

  const abm::FirmModelParameters d;
  const abm::FirmModelParameters& p = s.firms.parameters;
  EXPECT_DOUBLE_EQ(p.competitiveness_beta, d.competitiveness_beta);
  EXPECT_DOUBLE_EQ(p.endogenous_investment_share, d.endogenous_investment_share);
  EXPECT_DOUBLE_EQ(p.land_supply_scale, d.land_supply_scale);
  EXPECT_DOUBLE_EQ(p.synthesis.above_scale_firms, d.synthesis.above_scale_firms);
  EXPECT_DOUBLE_EQ(p.synthesis.utilisation, d.synthesis.utilisation);
  EXPECT_DOUBLE_EQ(p.synthesis.plot_ratio_max, d.synthesis.plot_ratio_max);
  EXPECT_DOUBLE_EQ(p.accounts.wage_per_person, 0.0);
  EXPECT_DOUBLE_EQ(p.accounts.above_scale_threshold, d.synthesis.above_scale_threshold);
  EXPECT_EQ(p.expansion.enabled, d.expansion.enabled);
  EXPECT_DOUBLE_EQ(p.expansion.max_growth, d.expansion.max_growth);
  EXPECT_DOUBLE_EQ(p.expansion.adjustment_speed, d.expansion.adjustment_speed);
  EXPECT_EQ(p.expansion.construction_years, d.expansion.construction_years);
  EXPECT_DOUBLE_EQ(p.exit.loss_exit_probability, d.exit.loss_exit_probability);
  EXPECT_DOUBLE_EQ(p.digital.imitation, d.digital.imitation);
  EXPECT_DOUBLE_EQ(p.arrivals.per_year, d.arrivals.per_year);
  EXPECT_EQ(p.arrivals.ramp_up_years, d.arrivals.ramp_up_years);
  EXPECT_DOUBLE_EQ(p.projects.investment_per_mu, d.projects.investment_per_mu);
  EXPECT_EQ(p.projects.max_wait_years, d.projects.max_wait_years);
  EXPECT_EQ(p.mujun.method, abm::MujunMethod::percentile);
  EXPECT_EQ(p.mujun.scope, abm::MujunScope::district);
  EXPECT_DOUBLE_EQ(p.mujun.weights.tax_per_mu, 45);
  EXPECT_EQ(p.mujun.d_surcharge, d.mujun.d_surcharge);
  EXPECT_DOUBLE_EQ(p.mujun.upgrade_probability, d.mujun.upgrade_probability);
  EXPECT_DOUBLE_EQ(p.mujun.kwh_per_tce, d.mujun.kwh_per_tce);
  EXPECT_EQ(p.land.redevelopment_lag, d.land.redevelopment_lag);
  EXPECT_DOUBLE_EQ(p.land.industrial_share, d.land.industrial_share);
  EXPECT_TRUE(p.land.partial_grants);
  EXPECT_TRUE(p.land.industrial_share_by_district.empty());
  // Filled from the rest of the scenario.
  EXPECT_EQ(p.synthesis.industrial_sectors, s.region.industrial_sectors);
  EXPECT_DOUBLE_EQ(p.output_per_investment, s.investment.output_per_investment);

  // Without the firm model nothing of it loads.
  const LoadedScenario loaded = load_scenario(s.file);
  EXPECT_TRUE(loaded.districts.empty());
}

TEST_F(FirmScenario, ReadsEveryKey) {
  const std::string path = with_firms(
      "calibration = \"@SRC@/scenarios/data/ningbo/firms.csv\"\n"
      "competitiveness_beta = 1.5\nendogenous_investment_share = 0.4\nland_supply_scale = 0.8\n"
      "land_supply_by_district = { zhenhai = 1500, beilun = 2500.5 }\n"
      "industrial_share_by_district = { zhenhai = 0.45 }\n"
      "above_scale_threshold = 0.25\nabove_scale_firms = 9000\nabove_scale_output_share = 0.8\n"
      "below_scale_mean_output = 0.07\nland_sigma = 0.5\nproductivity_sigma = 0.55\n"
      "va_rate_sigma = 0.15\nutilisation = 0.8\ncapital_per_capacity = 0.35\n"
      "plot_ratio_median = 1.1\nplot_ratio_sigma = 0.3\nplot_ratio_min = 0.4\n"
      "plot_ratio_max = 2.5\n"
      "wage_per_person = 0.0001\nlabour_share_of_value_added = 0\ndepreciation_rate = 0.08\n"
      "tax_share_in_profit = 0.5\n"
      "[firms.expansion]\nenabled = false\nutilisation_trigger = 0.9\ntarget_utilisation = 0.8\n"
      "max_growth = 0.2\nadjustment_speed = 0.5\nconstruction_years = 2\n"
      "zero_land_first = false\nzero_land_cost_premium = 0.15\n"
      "[firms.exit]\nloss_exit_probability = 0.05\n"
      "[firms.digital]\nenabled = false\ninitial_share_above_scale = 0.4\ninnovation = 0.02\n"
      "imitation = 0.3\nsubsidy_rate = 0.2\nsubsidy_effect = 2\ncost_per_capacity = 0.03\n"
      "productivity_uplift = 0.04\ncapacity_uplift = 0.06\n"
      "[firms.arrivals]\nper_year = 30\ninvestment_median = 3\ninvestment_sigma = 0.7\n"
      "construction_years = 3\nramp_up_years = 2\nfailure_probability = 0.2\n"
      "[firms.projects]\ninvestment_per_mu = 0.04\nmax_wait_years = 4\n"
      "counted_investment = 2\n"
      "[mujun]\nmethod = \"thresholds\"\nscope = \"region\"\nindicator_cap = 3\n"
      "a_share = 0.2\nb_share = 0.6\nc_share = 0.9\na_min_score = 130\nb_min_score = 90\n"
      "c_min_score = 40\nmin_land_below_scale = 5\nd_surcharge = [0.1, 0.2]\n"
      "c_surcharge = 0.02\nelectricity_share = 0.3\nkwh_per_tce = 8000\n"
      "rectification_line = 0.0002\nrectify_only_class_d = true\nupgrade_probability = 0.6\n"
      "upgrade_productivity_uplift = 0.2\nupgrade_tax_uplift = 0.15\n"
      "upgrade_land_return_share = 0.1\n"
      "[mujun.weights]\ntax_per_mu = 50\nsales_per_mu = 25\nenergy_per_value_added = 10\n"
      "labour_productivity = 15\n"
      "[land]\nredevelopment_lag = 3\nredevelopment_rate = 0.9\nindustrial_share = 0.4\n"
      "reference_industrial_share = 0.3\napproval_to_supply_ratio = 1.2\n"
      "plot_ratio_cap = 2.5\npartial_grants = false\n"
      "[households]\nclosure = \"labour_income\"\ncolumn = \"household\"\n"
      "[[programme]]\nname = \"p\"\ninvestment = 1\nsplit = { \"12\" = 1 }\nstart_year = 2023\n"
      "creates_firms = false\n");
  const Scenario s = parse_scenario(path);
  const auto& f = s.firms;
  const auto& p = f.parameters;
  EXPECT_TRUE(f.enabled);
  EXPECT_EQ(f.districts, canonical(kDistricts));
  EXPECT_EQ(f.calibration, canonical(kCalibration));
  EXPECT_DOUBLE_EQ(p.competitiveness_beta, 1.5);
  EXPECT_DOUBLE_EQ(p.endogenous_investment_share, 0.4);
  EXPECT_DOUBLE_EQ(p.land_supply_scale, 0.8);
  ASSERT_EQ(f.land_supply_by_district.size(), 2u);
  EXPECT_EQ(f.land_supply_by_district[0].first, "beilun");  // toml++ orders keys
  EXPECT_DOUBLE_EQ(f.land_supply_by_district[0].second, 2500.5);
  EXPECT_EQ(f.land_supply_by_district[1].first, "zhenhai");
  ASSERT_EQ(f.industrial_share_by_district.size(), 1u);
  EXPECT_DOUBLE_EQ(f.industrial_share_by_district[0].second, 0.45);
  EXPECT_DOUBLE_EQ(p.synthesis.above_scale_threshold, 0.25);
  EXPECT_DOUBLE_EQ(p.accounts.above_scale_threshold, 0.25);
  EXPECT_DOUBLE_EQ(p.synthesis.above_scale_firms, 9000);
  EXPECT_DOUBLE_EQ(p.synthesis.above_scale_output_share, 0.8);
  EXPECT_DOUBLE_EQ(p.synthesis.below_scale_mean_output, 0.07);
  EXPECT_DOUBLE_EQ(p.synthesis.land_sigma, 0.5);
  EXPECT_DOUBLE_EQ(p.synthesis.productivity_sigma, 0.55);
  EXPECT_DOUBLE_EQ(p.synthesis.va_rate_sigma, 0.15);
  EXPECT_DOUBLE_EQ(p.synthesis.utilisation, 0.8);
  EXPECT_DOUBLE_EQ(p.synthesis.capital_per_capacity, 0.35);
  EXPECT_DOUBLE_EQ(p.synthesis.plot_ratio_median, 1.1);
  EXPECT_DOUBLE_EQ(p.synthesis.plot_ratio_sigma, 0.3);
  EXPECT_DOUBLE_EQ(p.synthesis.plot_ratio_min, 0.4);
  EXPECT_DOUBLE_EQ(p.synthesis.plot_ratio_max, 2.5);
  EXPECT_DOUBLE_EQ(p.accounts.wage_per_person, 0.0001);
  EXPECT_DOUBLE_EQ(p.accounts.labour_share_of_value_added, 0);
  EXPECT_DOUBLE_EQ(p.accounts.depreciation_rate, 0.08);
  EXPECT_DOUBLE_EQ(p.accounts.tax_share_in_profit, 0.5);
  EXPECT_FALSE(p.expansion.enabled);
  EXPECT_DOUBLE_EQ(p.expansion.utilisation_trigger, 0.9);
  EXPECT_DOUBLE_EQ(p.expansion.target_utilisation, 0.8);
  EXPECT_DOUBLE_EQ(p.expansion.max_growth, 0.2);
  EXPECT_DOUBLE_EQ(p.expansion.adjustment_speed, 0.5);
  EXPECT_EQ(p.expansion.construction_years, 2);
  EXPECT_FALSE(p.expansion.zero_land_first);
  EXPECT_DOUBLE_EQ(p.exit.loss_exit_probability, 0.05);
  EXPECT_DOUBLE_EQ(p.expansion.zero_land_cost_premium, 0.15);
  EXPECT_FALSE(p.digital.enabled);
  EXPECT_DOUBLE_EQ(p.digital.initial_share_above_scale, 0.4);
  EXPECT_DOUBLE_EQ(p.digital.innovation, 0.02);
  EXPECT_DOUBLE_EQ(p.digital.imitation, 0.3);
  EXPECT_DOUBLE_EQ(p.digital.subsidy_rate, 0.2);
  EXPECT_DOUBLE_EQ(p.digital.subsidy_effect, 2);
  EXPECT_DOUBLE_EQ(p.digital.cost_per_capacity, 0.03);
  EXPECT_DOUBLE_EQ(p.digital.productivity_uplift, 0.04);
  EXPECT_DOUBLE_EQ(p.digital.capacity_uplift, 0.06);
  EXPECT_DOUBLE_EQ(p.arrivals.per_year, 30);
  EXPECT_DOUBLE_EQ(p.arrivals.investment_median, 3);
  EXPECT_DOUBLE_EQ(p.arrivals.investment_sigma, 0.7);
  EXPECT_EQ(p.arrivals.construction_years, 3);
  EXPECT_EQ(p.arrivals.ramp_up_years, 2);
  EXPECT_DOUBLE_EQ(p.arrivals.failure_probability, 0.2);
  EXPECT_DOUBLE_EQ(p.projects.investment_per_mu, 0.04);
  EXPECT_EQ(p.projects.max_wait_years, 4);
  EXPECT_DOUBLE_EQ(p.projects.counted_investment, 2);
  const auto& m = p.mujun;
  EXPECT_EQ(m.method, abm::MujunMethod::thresholds);
  EXPECT_EQ(m.scope, abm::MujunScope::region);
  EXPECT_DOUBLE_EQ(m.indicator_cap, 3);
  EXPECT_DOUBLE_EQ(m.a_share, 0.2);
  EXPECT_DOUBLE_EQ(m.b_share, 0.6);
  EXPECT_DOUBLE_EQ(m.c_share, 0.9);
  EXPECT_DOUBLE_EQ(m.a_min_score, 130);
  EXPECT_DOUBLE_EQ(m.b_min_score, 90);
  EXPECT_DOUBLE_EQ(m.c_min_score, 40);
  EXPECT_DOUBLE_EQ(m.min_land_below_scale, 5);
  EXPECT_EQ(m.d_surcharge, (std::vector<double>{0.1, 0.2}));
  EXPECT_DOUBLE_EQ(m.c_surcharge, 0.02);
  EXPECT_DOUBLE_EQ(m.electricity_share, 0.3);
  EXPECT_DOUBLE_EQ(m.kwh_per_tce, 8000);
  EXPECT_DOUBLE_EQ(m.rectification_line, 0.0002);
  EXPECT_TRUE(m.rectify_only_class_d);
  EXPECT_DOUBLE_EQ(m.upgrade_probability, 0.6);
  EXPECT_DOUBLE_EQ(m.upgrade_productivity_uplift, 0.2);
  EXPECT_DOUBLE_EQ(m.upgrade_tax_uplift, 0.15);
  EXPECT_DOUBLE_EQ(m.upgrade_land_return_share, 0.1);
  EXPECT_DOUBLE_EQ(m.weights.tax_per_mu, 50);
  EXPECT_DOUBLE_EQ(m.weights.sales_per_mu, 25);
  EXPECT_DOUBLE_EQ(m.weights.energy_per_value_added, 10);
  EXPECT_DOUBLE_EQ(m.weights.labour_productivity, 15);
  const auto& l = p.land;
  EXPECT_EQ(l.redevelopment_lag, 3);
  EXPECT_DOUBLE_EQ(l.redevelopment_rate, 0.9);
  EXPECT_DOUBLE_EQ(l.industrial_share, 0.4);
  EXPECT_DOUBLE_EQ(l.reference_industrial_share, 0.3);
  EXPECT_DOUBLE_EQ(l.approval_to_supply_ratio, 1.2);
  EXPECT_DOUBLE_EQ(l.plot_ratio_cap, 2.5);
  EXPECT_FALSE(l.partial_grants);
  EXPECT_EQ(s.households.closure, "labour_income");
  EXPECT_FALSE(s.programmes.at(0).creates_firms);

  // The data pass: the districts with their overrides; every written key beats the calibration.
  const LoadedScenario loaded = load_scenario(path);
  const auto& lp = loaded.scenario.firms.parameters;
  ASSERT_EQ(loaded.districts.size(), 10u);
  EXPECT_EQ(loaded.districts[2].code, "zhenhai");
  EXPECT_DOUBLE_EQ(loaded.districts[2].annual_land_supply, 1500);
  EXPECT_DOUBLE_EQ(loaded.districts[3].annual_land_supply, 2500.5);
  EXPECT_DOUBLE_EQ(loaded.districts[0].annual_land_supply, 648.5);  // haishu: the file's
  ASSERT_EQ(lp.land.industrial_share_by_district.size(), 10u);
  EXPECT_DOUBLE_EQ(lp.land.industrial_share_by_district[2], 0.45);
  EXPECT_DOUBLE_EQ(lp.land.industrial_share_by_district[0], 0.4);  // land.industrial_share
  EXPECT_DOUBLE_EQ(lp.synthesis.above_scale_firms, 9000);
  EXPECT_DOUBLE_EQ(lp.synthesis.utilisation, 0.8);
  EXPECT_DOUBLE_EQ(lp.synthesis.above_scale_threshold, 0.25);
  EXPECT_DOUBLE_EQ(lp.accounts.above_scale_threshold, 0.25);
  EXPECT_EQ(lp.synthesis.industrial_sectors.size(), 25u);
}

TEST_F(FirmScenario, CalibrationFirstThenTheWrittenKeys) {
  const std::string calibration = write("cal/firms.csv",
                                        "figure,year,value,unit,source,note\n"
                                        "above_scale_firms,2021,9100,firms,test,\n"
                                        "utilisation,2021,0.7,fraction,test,\n"
                                        "above_scale_threshold,2021,0.3,CNY 100 million,test,\n"
                                        "land_sigma,2021,0.45,sd of log,test,\n"
                                        "unrelated_figure,2021,5,x,test,\n");
  // Relative to the scenario file.
  const std::string path = with_firms("calibration = \"cal/firms.csv\"\nutilisation = 0.82\n");
  const Scenario parsed = parse_scenario(path);
  EXPECT_EQ(parsed.firms.calibration, canonical(calibration));
  // The schema pass alone does not read the calibration file.
  EXPECT_DOUBLE_EQ(parsed.firms.parameters.synthesis.above_scale_firms,
                   abm::SynthesisSpec{}.above_scale_firms);
  const LoadedScenario loaded = load_scenario(path);
  const auto& p = loaded.scenario.firms.parameters;
  EXPECT_DOUBLE_EQ(p.synthesis.above_scale_firms, 9100);  // the file's
  EXPECT_DOUBLE_EQ(p.synthesis.utilisation, 0.82);        // written: wins over the file
  EXPECT_DOUBLE_EQ(p.synthesis.land_sigma, 0.45);         // the file's
  EXPECT_DOUBLE_EQ(p.synthesis.productivity_sigma, 0.6);  // neither: the default
  EXPECT_DOUBLE_EQ(p.synthesis.above_scale_threshold, 0.3);
  EXPECT_DOUBLE_EQ(p.accounts.above_scale_threshold, 0.3);  // follows the synthesis threshold

  // --set overrides the calibration file too.
  const LoadedScenario set = load_scenario(path, {parse_override("firms.above_scale_firms=8000")});
  EXPECT_DOUBLE_EQ(set.scenario.firms.parameters.synthesis.above_scale_firms, 8000);
  EXPECT_DOUBLE_EQ(set.scenario.firms.parameters.synthesis.utilisation, 0.82);

  // The Ningbo calibration file applies as it stands.
  const LoadedScenario ningbo =
      load_scenario(with_firms("calibration = \"@SRC@/scenarios/data/ningbo/firms.csv\"\n"));
  EXPECT_DOUBLE_EQ(ningbo.scenario.firms.parameters.synthesis.above_scale_firms, 8350);
  EXPECT_DOUBLE_EQ(ningbo.scenario.firms.parameters.synthesis.above_scale_output_share, 0.839047);
}

TEST_F(FirmScenario, CalibrationValuesAreCheckedUnlessOverridden) {
  write("firms.csv",
        "figure,year,value,unit,source,note\nutilisation,2021,1.5,fraction,test,\n"
        "below_scale_mean_output,2021,0.5,CNY 100 million,test,\n");
  auto list = validate_scenario(with_firms("calibration = \"firms.csv\"\n"));
  expect_problem(
      list, "firms.calibration",
      {"s.toml:12:15", "firms.utilisation from", "expected a number in (0, 1], got 1.5"});
  // Written keys replace the bad values: no problem left.
  list = validate_scenario(with_firms(
      "calibration = \"firms.csv\"\nutilisation = 0.8\nbelow_scale_mean_output = 0.1\n"));
  EXPECT_TRUE(list.empty()) << all_text(list);
  // A cross-key problem the file creates is reported on firms.calibration, naming the key.
  list = validate_scenario(with_firms("calibration = \"firms.csv\"\nutilisation = 0.8\n"));
  expect_problem(list, "firms.calibration",
                 {"firms.below_scale_mean_output", "below above_scale_threshold 0.2, got 0.5"});
  list = validate_scenario(with_firms("calibration = \"missing.csv\"\n"));
  expect_problem(list, "firms.calibration", {"s.toml:12:15", "the calibration file does not load"});
}

TEST_F(FirmScenario, PathsAreRelativeToTheFileThatWritesThem) {
  fs::create_directories(dir / "base" / "data");
  fs::copy_file(kDistricts, dir / "base" / "data" / "districts.csv");
  write("base/parent.toml",
        "[scenario]\nname = \"parent\"\nbase_year = 2021\nhorizon = 2025\n"
        "[table]\npath = \"@SRC@/scenarios/data/tables/ningbo_2021_42\"\n"
        "[region]\nindustrial_sectors = [\"11\", \"12\"]\n"
        "[firms]\nenabled = true\ndistricts = \"data/districts.csv\"\n"
        "land_supply_by_district = { zhenhai = 100 }\n[mujun]\nupgrade_probability = 0.3\n");
  const std::string child = write("child.toml",
                                  "extends = \"base/parent.toml\"\n[scenario]\nname = \"child\"\n"
                                  "[firms]\nland_supply_by_district = { beilun = 200 "
                                  "}\n[mujun]\nrectify_only_class_d = true\n");
  const LoadedScenario loaded = load_scenario(child);
  const Scenario& s = loaded.scenario;
  EXPECT_EQ(s.firms.districts, canonical((dir / "base/data/districts.csv").string()));
  // Tables merge key by key across extends.
  EXPECT_EQ(s.firms.land_supply_by_district.size(), 2u);
  EXPECT_DOUBLE_EQ(s.firms.parameters.mujun.upgrade_probability, 0.3);
  EXPECT_TRUE(s.firms.parameters.mujun.rectify_only_class_d);
  EXPECT_DOUBLE_EQ(loaded.districts.at(2).annual_land_supply, 100);
  EXPECT_DOUBLE_EQ(loaded.districts.at(3).annual_land_supply, 200);
  // The resolved scenario keeps the new sections, with paths relative to the top file.
  expect_contains(s.resolved_toml, "districts = 'base/data/districts.csv'");
  expect_contains(s.resolved_toml, "[mujun]");
  expect_contains(s.resolved_toml, "rectify_only_class_d = true");
}

TEST_F(FirmScenario, SetOverridesReachEverySection) {
  const std::string path = with_firms(
      "[[programme]]\nname = \"p\"\ninvestment = 1\nsplit = { \"12\" = 1 }\nstart_year = 2023\n");
  const LoadedScenario loaded = load_scenario(
      path,
      {parse_override("mujun.upgrade_probability=0.2"),
       parse_override("firms.expansion.max_growth=0.1"),
       parse_override("firms.land_supply_by_district.beilun=500"),
       parse_override("firms.industrial_share_by_district.cixi=0.5"),
       parse_override("mujun.method=thresholds"), parse_override("mujun.weights.tax_per_mu=60"),
       parse_override("mujun.d_surcharge=[0.2]"), parse_override("land.partial_grants=false"),
       parse_override("land.redevelopment_lag=4"), parse_override("firms.arrivals.per_year=0"),
       parse_override("firms.exit.loss_exit_probability=0"),
       parse_override("households.closure=labour_income"),
       parse_override("programme.p.creates_firms=false")});
  const Scenario& s = loaded.scenario;
  const auto& p = s.firms.parameters;
  EXPECT_DOUBLE_EQ(p.mujun.upgrade_probability, 0.2);
  EXPECT_DOUBLE_EQ(p.expansion.max_growth, 0.1);
  EXPECT_EQ(p.mujun.method, abm::MujunMethod::thresholds);
  EXPECT_DOUBLE_EQ(p.mujun.weights.tax_per_mu, 60);
  EXPECT_DOUBLE_EQ(p.mujun.weights.sales_per_mu, 20);
  EXPECT_EQ(p.mujun.d_surcharge, (std::vector<double>{0.2}));
  EXPECT_FALSE(p.land.partial_grants);
  EXPECT_EQ(p.land.redevelopment_lag, 4);
  EXPECT_DOUBLE_EQ(p.arrivals.per_year, 0);
  EXPECT_DOUBLE_EQ(p.exit.loss_exit_probability, 0);
  EXPECT_EQ(s.households.closure, "labour_income");
  EXPECT_FALSE(s.programmes.at(0).creates_firms);
  EXPECT_DOUBLE_EQ(loaded.districts.at(3).annual_land_supply, 500);
  EXPECT_DOUBLE_EQ(p.land.industrial_share_by_district.at(7), 0.5);
  expect_contains(s.resolved_toml, "upgrade_probability = 0.2");
  expect_contains(s.resolved_toml, "max_growth = 0.1");

  // --set values are checked like values from the file.
  auto list = validate_scenario(path, {parse_override("mujun.upgrade_probability=1.2"),
                                       parse_override("firms.expansion.max_grwth=0.1")});
  const Diagnostic d =
      expect_problem(list, "mujun.upgrade_probability", {"expected a number in [0, 1], got 1.2"});
  EXPECT_EQ(d.to_string(),
            "--set: key 'mujun.upgrade_probability': expected a number in [0, 1], got 1.2 (in "
            "--set mujun.upgrade_probability=1.2)");
  expect_problem(list, "firms.expansion.max_grwth", {"did you mean 'max_growth'?"});
}

TEST_F(FirmScenario, ResolvedScenarioReparsesToTheSameParameters) {
  const std::string path = with_firms(
      "land_supply_by_district = { zhenhai = 1500 }\nutilisation = 0.8\n"
      "[firms.expansion]\nmax_growth = 0.2\n[mujun]\nmethod = \"thresholds\"\n"
      "d_surcharge = [0.1, 0.25]\n[mujun.weights]\ntax_per_mu = 50\n[land]\nplot_ratio_cap = 2.5\n"
      "[households]\nclosure = \"labour_income\"\n");
  const Scenario s = parse_scenario(path, {parse_override("firms.digital.subsidy_rate=0.3")});
  const std::string copy = (dir / "resolved.toml").string();
  std::ofstream(copy) << s.resolved_toml;
  const Scenario again = parse_scenario(copy);
  EXPECT_EQ(again.resolved_toml, s.resolved_toml);
  EXPECT_EQ(again.firms.districts, s.firms.districts);
  EXPECT_EQ(again.firms.land_supply_by_district, s.firms.land_supply_by_district);
  const auto &a = again.firms.parameters, &b = s.firms.parameters;
  EXPECT_DOUBLE_EQ(a.synthesis.utilisation, 0.8);
  EXPECT_DOUBLE_EQ(a.expansion.max_growth, b.expansion.max_growth);
  EXPECT_DOUBLE_EQ(a.digital.subsidy_rate, 0.3);
  EXPECT_EQ(a.mujun.method, b.mujun.method);
  EXPECT_EQ(a.mujun.d_surcharge, b.mujun.d_surcharge);
  EXPECT_DOUBLE_EQ(a.mujun.weights.tax_per_mu, 50);
  EXPECT_DOUBLE_EQ(a.land.plot_ratio_cap, 2.5);
  EXPECT_EQ(again.households.closure, "labour_income");
  EXPECT_TRUE(validate_scenario(copy).empty());
}

// ---- schema errors ----------------------------------------------------------------------------

TEST_F(FirmScenario, WrongTypesAreNamed) {
  auto list = validate_scenario(
      scenario("[firms]\nenabled = \"yes\"\ncompetitiveness_beta = \"high\"\n"  // 9-11
               "land_supply_by_district = 5\n"                                  // 12
               "[firms.expansion]\nconstruction_years = 1.5\n"                  // 13-14
               "[mujun]\nd_surcharge = 0.1\nmethod = 3\n"                       // 15-17
               "[land]\npartial_grants = 1\n"                                   // 18-19
               "[households]\ncolumn = 4\n"));                                  // 20-21
  expect_problem(list, "firms.enabled", {"s.toml:10:11", "expected true or false, got a string"});
  expect_problem(list, "firms.competitiveness_beta",
                 {"s.toml:11:24", "expected a number >= 0", "got a string"});
  expect_problem(list, "firms.land_supply_by_district",
                 {"s.toml:12:27", "expected a table, got an integer"});
  expect_problem(list, "firms.expansion.construction_years",
                 {"s.toml:14:22", "expected an integer >= 1, got a float"});
  expect_problem(list, "mujun.d_surcharge",
                 {"s.toml:16:15", "expected an array of surcharges", "got a float"});
  expect_problem(list, "mujun.method", {"s.toml:17:10", "expected a string, got an integer"});
  expect_problem(list, "land.partial_grants", {"s.toml:19:18", "got an integer"});
  expect_problem(list, "households.column", {"s.toml:21:10", "expected a string"});
}

TEST_F(FirmScenario, OutOfRangeValuesNameKeyAndPosition) {
  auto list = validate_scenario(scenario(
      "[firms]\nendogenous_investment_share = 1.2\nutilisation = 0\n"               // 9-11
      "below_scale_mean_output = 0.3\nplot_ratio_min = 2\nplot_ratio_max = 1\n"     // 12-14
      "wage_per_person = 0.0001\nlabour_share_of_value_added = 0.5\n"               // 15-16
      "land_supply_by_district = { zhenhai = -5 }\n"                                // 17
      "[firms.arrivals]\nconstruction_years = 0\nfailure_probability = 2\n"         // 18-20
      "[firms.digital]\nproductivity_uplift = -1\n"                                 // 21-22
      "[mujun]\nupgrade_probability = 1.5\nd_surcharge = [0.1, -0.2]\n"             // 23-25
      "a_share = 0.8\nb_share = 0.5\nmethod = \"percentiles\"\nscope = \"city\"\n"  // 26-29
      "[land]\nreference_industrial_share = 0\nredevelopment_lag = 100\n"           // 30-32
      "[households]\nclosure = \"labour\"\n"));                                     // 33-34
  expect_problem(list, "firms.endogenous_investment_share",
                 {"s.toml:10:31", "expected a number in [0, 1], got 1.2"});
  expect_problem(list, "firms.utilisation", {"s.toml:11:15", "in (0, 1], got 0"});
  expect_problem(list, "firms.below_scale_mean_output",
                 {"s.toml:12:", "below above_scale_threshold 0.2, got 0.3"});
  expect_problem(list, "firms.plot_ratio_min",
                 {"s.toml:13:", "plot_ratio_min <= plot_ratio_max, got 2 > 1"});
  expect_problem(list, "firms.labour_share_of_value_added", {"s.toml:16:", "not both"});
  expect_problem(list, "firms.land_supply_by_district.zhenhai",
                 {"s.toml:17:", ">= 0 (mu per year), got -5"});
  expect_problem(list, "firms.arrivals.construction_years",
                 {"s.toml:19:22", "expected an integer >= 1, got 0"});
  expect_problem(list, "firms.arrivals.failure_probability", {"s.toml:20:", "got 2"});
  expect_problem(list, "firms.digital.productivity_uplift", {"s.toml:22:", "> -1", "got -1"});
  expect_problem(list, "mujun.upgrade_probability",
                 {"s.toml:24:23", "expected a number in [0, 1], got 1.5"});
  expect_problem(list, "mujun.d_surcharge[1]", {"s.toml:25:", ">= 0 (yuan per kWh), got -0.2"});
  // The rules' own cross-key checks (abm::validate), on the first key written.
  expect_problem(list, "mujun.a_share",
                 {"s.toml:26:", "0 <= a_share <= b_share <= c_share <= 1",
                  "a_share = 0.8, b_share = 0.5, c_share = 0.95"});
  expect_problem(
      list, "mujun.method",
      {"s.toml:28:", "expected \"percentile\" or \"thresholds\"", "did you mean 'percentile'?"});
  expect_problem(list, "mujun.scope", {"expected \"district\", \"region\" or \"district_scale\"", "got 'city'"});
  expect_problem(list, "land.reference_industrial_share", {"s.toml:31:", "in (0, 1], got 0"});
  expect_problem(list, "land.redevelopment_lag", {"from 0 to 99", "got 100"});
  expect_problem(
      list, "households.closure",
      {"s.toml:34:11", "\"exogenous\" or \"labour_income\"", "did you mean 'labour_income'?"});
  // abm::validate reports its first problem: the weights on their own.
  list = validate_scenario(
      scenario("[mujun.weights]\ntax_per_mu = 0\nsales_per_mu = 0\nenergy_per_value_added = 0\n"
               "labour_productivity = 0\n"));
  expect_problem(list, "mujun.weights", {"s.toml:9:1", "at least one weight above 0"});
  list = validate_scenario(scenario("[mujun]\nb_min_score = 130\n"));
  expect_problem(list, "mujun.b_min_score",
                 {"s.toml:10:15", "a_min_score >= b_min_score >= c_min_score",
                  "a_min_score = 120, b_min_score = 130, c_min_score = 50"});
}

TEST_F(FirmScenario, UnknownKeysSuggestTheClosest) {
  auto list =
      validate_scenario(scenario("[firms]\nenabeld = true\n"                       // 9-10
                                 "[firms.expansion]\nmax_grwth = 0.1\n"            // 11-12
                                 "[mujun]\nupgrade_probabilty = 0.2\n"             // 13-14
                                 "[mujun.weights]\ntax_per_m = 40\n"               // 15-16
                                 "[land]\nindustrial_share_by_district = [0.3]\n"  // 17-18
                                 "[firm]\nenabled = true\n"));                     // 19-20
  expect_problem(list, "firms.enabeld",
                 {"s.toml:10:1", "unknown key; did you mean 'enabled'?", "valid keys here:"});
  expect_problem(list, "firms.expansion.max_grwth", {"s.toml:12:1", "did you mean 'max_growth'?"});
  expect_problem(list, "mujun.upgrade_probabilty",
                 {"s.toml:14:1", "did you mean 'upgrade_probability'?"});
  expect_problem(list, "mujun.weights.tax_per_m", {"did you mean 'tax_per_mu'?"});
  // Per-district industrial shares are firms.industrial_share_by_district (by district code).
  expect_problem(list, "land.industrial_share_by_district", {"s.toml:18:1", "unknown key"});
  expect_problem(list, "firm", {"did you mean 'firms'?"});
}

TEST_F(FirmScenario, TheFirmModelNeedsItsDistrictsAndIndustrialSectors) {
  auto list = validate_scenario(scenario("[firms]\nenabled = true\n"));
  expect_problem(list, "firms.districts",
                 {"s.toml:9:1", "missing; expected the districts CSV", "firms.enabled is true"});
  const std::string path = write("t.toml",
                                 "[scenario]\nname = \"x\"\nbase_year = 2021\nhorizon = 2025\n"
                                 "[table]\npath = \"@SRC@/scenarios/data/tables/ningbo_2021_42\"\n"
                                 "[capacity]\nenabled = false\n"
                                 "[firms]\nenabled = true\ndistricts = \"d.csv\"\n");
  list = validate_scenario(path);
  expect_problem(list, "region.industrial_sectors", {"missing", "firms.enabled is true"});
}

// ---- data errors ------------------------------------------------------------------------------

TEST_F(FirmScenario, DistrictsFileAndCodesAreChecked) {
  auto list = validate_scenario(scenario("[firms]\nenabled = true\ndistricts = \"none.csv\"\n"));
  expect_problem(list, "firms.districts",
                 {"s.toml:11:13", "the districts file does not load", "none.csv"});
  // The districts file's own FILE:LINE errors are passed on.
  write("bad.csv",
        "code,name,industrial_land_mu,land_available_mu,land_approved_mu,annual_land_supply_mu,"
        "source\nzhenhai,镇海区,-1,0,0,0,x\n");
  list = validate_scenario(scenario("[firms]\nenabled = true\ndistricts = \"bad.csv\"\n"));
  expect_problem(list, "firms.districts", {"s.toml:11:13", "bad.csv:2"});

  list = validate_scenario(
      with_firms("land_supply_by_district = { zhenhia = 100, beilun = 5 }\n"  // 12
                 "industrial_share_by_district = { \"ningbo\" = 0.4 }\n"));   // 13
  expect_problem(list, "firms.land_supply_by_district.zhenhia",
                 {"s.toml:12:39", "unknown district code 'zhenhia'", "did you mean 'zhenhai'?",
                  "haishu, jiangbei, zhenhai, beilun"});
  expect_problem(list, "firms.industrial_share_by_district.ningbo",
                 {"s.toml:13:", "unknown district code 'ningbo'"});
  EXPECT_EQ(list.size(), 2u) << all_text(list);
}

TEST_F(FirmScenario, HouseholdColumnIsChecked) {
  auto list = validate_scenario(scenario("[households]\ncolumn = \"housholds\"\n"));
  expect_problem(
      list, "households.column",
      {"s.toml:10:10", "unknown final-demand column 'housholds'", "did you mean 'household'?"});
  list =
      validate_scenario(scenario("[households]\nclosure = \"labour_income\"\ncolumn = \"gfcf\"\n"));
  expect_problem(list, "households.column", {"gross fixed capital formation"});
  list = validate_scenario(scenario("[households]\nclosure = \"labour_income\"\n"));
  EXPECT_TRUE(list.empty()) << all_text(list);
}

// ---- districts/ and region/<statistic> series -----------------------------------------------

TEST_F(FirmScenario, StatisticSeriesNeedTheFirmModel) {
  const std::string targets =
      "[[target]]\nid = \"A\"\nmetric = \"districts/firms_exited\"\nselect = [\"zhenhai\"]\n"
      "threshold = 1\nyear = 2024\n"  // 13-18
      "[[target]]\nid = \"B\"\nmetric = \"region/tax_per_mu_above_scale\"\nthreshold = 1\n"
      "year = 2024\n"  // 19-23
      "[[target]]\nid = \"C\"\nneeds = \"the firm model\"\n"
      "metric = \"districts/firms_rectified\"\nselect = [\"zhenhai\"]\n"  // 24-28
      "[[actual]]\nmetric = \"region/firms\"\nyear = 2022\nvalue = 5\n";  // 29-32
  // Without the firm model: targets on its statistics are listed as not evaluated (so a file
  // runs with --set firms.enabled=false); an actual on them is an error.
  auto list = validate_scenario(
      scenario("[capacity]\nenabled = true\n[firms]\nenabled = false\n" + targets));
  expect_problem(list, "actual[0].metric", {"s.toml:30:", "needs the firm model"});
  EXPECT_EQ(list.size(), 1u) << all_text(list);
  const Scenario off =
      parse_scenario(scenario("[capacity]\nenabled = true\n[firms]\nenabled = false\n" +
                              targets.substr(0, targets.find("[[actual]]"))));
  EXPECT_EQ(off.targets.at(0).needs, "the firm model ([firms] enabled = true)");
  EXPECT_EQ(off.targets.at(1).needs, "the firm model ([firms] enabled = true)");
  EXPECT_EQ(off.targets.at(2).needs, "the firm model");

  list = validate_scenario(scenario(
      "[firms]\nenabled = true\ndistricts = \"@SRC@/scenarios/data/ningbo/districts.csv\"\n"
      "[capacity]\n" +
      targets));
  EXPECT_TRUE(list.empty()) << all_text(list);
  const Scenario s =
      load_scenario(
          scenario(
              "[firms]\nenabled = true\ndistricts = \"@SRC@/scenarios/data/ningbo/districts.csv\"\n"
              "[capacity]\n" +
              targets))
          .scenario;
  EXPECT_EQ(s.targets.at(0).series.metric, "districts/firms_exited");
  EXPECT_EQ(s.targets.at(0).series.select, (std::vector<std::string>{"zhenhai"}));
  EXPECT_EQ(s.targets.at(1).series.metric, "region/tax_per_mu_above_scale");
  EXPECT_EQ(s.actuals.at(0).series.metric, "region/firms");
}

TEST_F(FirmScenario, StatisticNamesAndDistrictSelectionsAreChecked) {
  auto list = validate_scenario(with_firms(
      "[[target]]\nid = \"A\"\nmetric = \"districts/firms_exitted\"\nselect = [\"*\"]\n"  // 12-15
      "threshold = 1\nyear = 2024\n"                                                      // 16-17
      "[[target]]\nid = \"C\"\nmetric = \"districts/firms\"\nthreshold = 1\nyear = 2024\n"
      "[[target]]\nid = \"D\"\nmetric = \"districts/firms\"\nselect = []\nthreshold = 1\n"
      "year = 2024\n"
      "[[target]]\nid = \"E\"\nmetric = \"region/firms\"\nselect = [\"zhenhai\"]\n"
      "threshold = 1\nyear = 2024\n"
      "[[target]]\nid = \"F\"\nmetric = \"region/firms_abov_scale\"\nthreshold = 1\n"
      "year = 2024\n"));
  expect_problem(list, "target[0].metric",
                 {"s.toml:14:10", "unknown firm-model statistic 'firms_exitted'",
                  "did you mean 'firms_exited'?", "districts/<statistic> takes one of: firms,"});
  expect_problem(list, "target[1].select",
                 {"missing; expected an array of strings", "(district codes) or [\"*\"]"});
  expect_problem(list, "target[2].select", {"empty"});
  expect_problem(list, "target[3].select", {"region metrics take no selection"});
  expect_problem(
      list, "target[4].metric",
      {"unknown metric 'region/firms_abov_scale'", "did you mean 'region/firms_above_scale'?"});
  EXPECT_EQ(list.size(), 5u) << all_text(list);

  // District codes, in the data pass (which runs when the schema is clean).
  list = validate_scenario(with_firms(
      "[[target]]\nid = \"B\"\nmetric = \"districts/firms\"\nselect = [\"*\", \"beilun\", "
      "\"zhenhia\"]\nthreshold = 1\nyear = 2024\n"  // 12-17
      "[[target]]\nid = \"G\"\nmetric = \"districts/land_in_use\"\nkind = \"share\"\n"
      "select = [\"zhenhai\"]\ndenominator = { metric = \"districts/land_in_use\", select = "
      "[\"*\", \"ningbo\"] }\nthreshold = 10\nyear = 2024\n"
      "[[actual]]\nmetric = \"districts/output\"\nselect = [\"Beilun\"]\nyear = 2021\n"
      "value = 1\n"));
  expect_problem(list, "target[0].select[2]",
                 {"s.toml:15:", "unknown district code 'zhenhia'", "did you mean 'zhenhai'?"});
  expect_problem(list, "target[1].denominator.select[1]", {"unknown district code 'ningbo'"});
  expect_problem(list, "actual[0].select[0]", {"did you mean 'beilun'?"});
  EXPECT_EQ(list.size(), 3u) << all_text(list);
}
