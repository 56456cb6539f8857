#include "icsim/scenario/load.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "icsim/common/error.hpp"
#include "support/checks.hpp"

using namespace icsim;
using namespace icsim::scenario;
using test::expect_contains;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(ICSIM_TEST_DATA) + "/scenario";

std::string data(const std::string& rel) { return kData + "/" + rel; }

std::string canonical(const std::string& path) {
  return fs::absolute(path).lexically_normal().string();
}

// Every field of a scenario except `file` and `resolved_toml`, as text, to compare scenarios.
std::string describe(const Scenario& s) {
  std::ostringstream o;
  o.precision(17);
  auto dist = [&](const Distribution& d) {
    o << "(" << static_cast<int>(d.kind) << " " << d.mean << " " << d.sd << " " << d.median << " "
      << d.sigma << " " << d.low << " " << d.mode << " " << d.high << ")";
  };
  auto growth = [&](const Growth& g) {
    dist(g.rate);
    o << " loading " << g.common_loading << " per_year " << g.per_year << "\n";
  };
  auto list = [&](const std::vector<std::string>& v) {
    for (auto& x : v) o << "[" << x << "]";
    o << "\n";
  };
  auto series = [&](const Series& x) {
    o << x.metric << " ";
    list(x.select);
  };
  o << s.name << "|" << s.description << "|" << s.base_year << "|" << s.horizon << "|" << s.seed
    << "|" << s.replications << "\n";
  o << s.table.path << "\n";
  if (s.table.regionalise)
    o << s.table.regionalise->sizes << " " << s.table.regionalise->method << " "
      << s.table.regionalise->delta << " " << s.table.regionalise->region << "\n";
  for (auto& c : s.clusters) o << c.system << "=" << c.path << "\n";
  o << s.region.name << " " << s.region.above_scale_output_share << " "
    << s.region.above_scale_value_added_share << " ";
  list(s.region.industrial_sectors);
  growth(s.growth.common);
  for (auto& [label, g] : s.growth.final_demand) {
    o << label << " ";
    growth(g);
  }
  for (auto& sg : s.growth.sector_groups) {
    o << sg.name << " ";
    list(sg.sectors);
    list(sg.clusters);
    growth(sg.growth);
  }
  growth(s.price_growth);
  o << s.capacity.enabled << " " << s.capacity.utilisation << " ";
  list(s.capacity.sectors);
  growth(s.capacity.trend_growth);
  o << s.investment.industrial_base << " " << s.investment.output_per_investment << "\n";
  growth(s.investment.growth);
  growth(s.investment.other_gfcf_growth);
  for (auto& p : s.programmes) {
    o << p.name << "|" << p.label << "|" << p.source << "|" << p.projects << "|" << p.investment
      << "|" << p.start_year << "|" << p.construction_years << "|" << p.ramp_up_years << "|"
      << p.delay_probability << "|" << p.max_delay_years << "|" << p.failure_probability << "|"
      << p.adds_capacity;
    for (auto& [k, v] : p.split) o << " " << k << "=" << v;
    o << "\n";
  }
  for (auto& x : s.exogenous_investment)
    o << x.name << "|" << x.target << "|" << x.year << "|" << x.amount << "|"
      << x.construction_years << "|" << x.adds_capacity << "\n";
  for (auto& t : s.targets) {
    o << t.id << "|" << t.text << "|" << t.source << "|" << t.programme << "|"
      << static_cast<int>(t.kind) << "|" << static_cast<int>(t.op) << "|" << t.threshold << "|"
      << t.unit << "|" << t.year << "|" << t.base_year << "|" << t.needs << "|";
    series(t.series);
    if (t.denominator) series(*t.denominator);
  }
  for (auto& a : s.actuals) {
    o << a.year << "|" << a.value << "|" << a.unit << "|" << a.source << "|";
    series(a.series);
  }
  return o.str();
}

const Diagnostic* find_key(const std::vector<Diagnostic>& list, const std::string& key) {
  for (const auto& d : list)
    if (d.key == key) return &d;
  return nullptr;
}

std::string all_text(const std::vector<Diagnostic>& list) {
  std::string out;
  for (const auto& d : list) out += d.to_string() + "\n";
  return out;
}

// Scenario files written into a temporary folder; @DATA@ is replaced by tests/data/scenario.
class ScenarioFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("icsim_scenario_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string write(const std::string& name, std::string text) {
    for (auto pos = text.find("@DATA@"); pos != std::string::npos; pos = text.find("@DATA@"))
      text.replace(pos, 6, kData);
    const fs::path path = dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  // A valid minimal scenario plus `extra` lines.
  std::string minimal(const std::string& extra = "") {
    return write("s.toml",
                 "[scenario]\n"                             // 1
                 "name = \"m\"\n"                           // 2
                 "base_year = 2021\n"                       // 3
                 "horizon = 2025\n"                         // 4
                 "[table]\n"                                // 5
                 "path = \"@DATA@/tables/three\"\n"         // 6
                 "[clusters]\n"                             // 7
                 "246 = \"@DATA@/concordances/246.csv\"\n"  // 8
                 "[region]\n"                               // 9
                 "industrial_sectors = [\"01\", \"12\"]\n"  // 10
                     + extra);                              // 11...
  }

  // The diagnostics of the file; expects one with `key` whose text holds every fragment.
  const Diagnostic expect_problem(const std::vector<Diagnostic>& list, const std::string& key,
                                  std::initializer_list<std::string> fragments) {
    const Diagnostic* d = find_key(list, key);
    if (!d) {
      ADD_FAILURE() << "no diagnostic for key '" << key << "' in:\n" << all_text(list);
      return {};
    }
    for (const auto& f : fragments) expect_contains(d->to_string(), f);
    return *d;
  }

  fs::path dir;
};

}  // namespace

// ---- parsing --------------------------------------------------------------------------------

TEST(ScenarioParse, ReadsEverySection) {
  const Scenario s = parse_scenario(data("full.toml"));
  EXPECT_EQ(s.file, canonical(data("full.toml")));
  EXPECT_EQ(s.name, "three-full");
  EXPECT_EQ(s.description, "All sections, for the parser tests");
  EXPECT_EQ(s.base_year, 2021);
  EXPECT_EQ(s.horizon, 2025);
  EXPECT_EQ(s.seed, 20210101u);
  EXPECT_EQ(s.replications, 200);
  EXPECT_EQ(s.table.path, canonical(data("tables/three")));
  EXPECT_FALSE(s.table.regionalise);
  ASSERT_EQ(s.clusters.size(), 1u);
  EXPECT_EQ(s.clusters[0].system, "246");
  EXPECT_EQ(s.clusters[0].path, canonical(data("concordances/246.csv")));
  EXPECT_EQ(s.region.name, "Threeland");
  EXPECT_EQ(s.region.industrial_sectors, (std::vector<std::string>{"01", "12"}));
  EXPECT_DOUBLE_EQ(s.region.above_scale_output_share, 0.8);
  EXPECT_DOUBLE_EQ(s.region.above_scale_value_added_share, 0.77);

  EXPECT_EQ(s.growth.common.rate.kind, Distribution::Kind::normal);
  EXPECT_DOUBLE_EQ(s.growth.common.rate.sd, 0.01);
  ASSERT_EQ(s.growth.final_demand.size(), 2u);
  EXPECT_EQ(s.growth.final_demand[0].first, "exports");
  EXPECT_EQ(s.growth.final_demand[0].second.rate.kind, Distribution::Kind::normal);
  EXPECT_DOUBLE_EQ(s.growth.final_demand[0].second.rate.mean, 0.04);
  EXPECT_DOUBLE_EQ(s.growth.final_demand[0].second.rate.sd, 0.03);
  EXPECT_DOUBLE_EQ(s.growth.final_demand[0].second.common_loading, 1.5);
  EXPECT_EQ(s.growth.final_demand[1].first, "household");
  EXPECT_EQ(s.growth.final_demand[1].second.rate.kind, Distribution::Kind::constant);
  EXPECT_DOUBLE_EQ(s.growth.final_demand[1].second.rate.mean, 0.06);
  EXPECT_DOUBLE_EQ(s.growth.final_demand[1].second.common_loading, 1.0);
  EXPECT_TRUE(s.growth.final_demand[1].second.per_year);

  ASSERT_EQ(s.growth.sector_groups.size(), 1u);
  const auto& sg = s.growth.sector_groups[0];
  EXPECT_EQ(sg.name, "petrochem");
  EXPECT_EQ(sg.sectors, (std::vector<std::string>{"12"}));
  EXPECT_EQ(sg.clusters, (std::vector<std::string>{"246/green_petrochemicals"}));
  EXPECT_EQ(sg.growth.rate.kind, Distribution::Kind::triangular);
  EXPECT_DOUBLE_EQ(sg.growth.rate.high, 0.03);
  EXPECT_FALSE(sg.growth.per_year);

  EXPECT_DOUBLE_EQ(s.price_growth.rate.mean, 0.02);
  EXPECT_TRUE(s.capacity.enabled);
  EXPECT_DOUBLE_EQ(s.capacity.utilisation, 0.8);
  EXPECT_EQ(s.capacity.sectors, (std::vector<std::string>{"12"}));
  EXPECT_EQ(s.capacity.trend_growth.rate.kind, Distribution::Kind::uniform);
  EXPECT_DOUBLE_EQ(s.investment.industrial_base, 150.0);
  EXPECT_EQ(s.investment.growth.rate.kind, Distribution::Kind::lognormal);
  EXPECT_DOUBLE_EQ(s.investment.growth.rate.median, 0.05);
  EXPECT_DOUBLE_EQ(s.investment.growth.rate.sigma, 0.02);
  EXPECT_DOUBLE_EQ(s.investment.output_per_investment, 1.2);
  EXPECT_DOUBLE_EQ(s.investment.other_gfcf_growth.rate.mean, 0.03);

  ASSERT_EQ(s.programmes.size(), 1u);
  const Programme& p = s.programmes[0];
  EXPECT_EQ(p.name, "shuangbai");
  EXPECT_EQ(p.label, "双百");
  EXPECT_EQ(p.projects, 12);
  EXPECT_DOUBLE_EQ(p.investment, 57.0);
  ASSERT_EQ(p.split.size(), 2u);
  EXPECT_EQ(p.split[0].first, "12");
  EXPECT_DOUBLE_EQ(p.split[0].second, 0.6);
  EXPECT_EQ(p.split[1].first, "246/green_petrochemicals");
  EXPECT_EQ(p.start_year, 2022);
  EXPECT_EQ(p.construction_years, 2);
  EXPECT_EQ(p.ramp_up_years, 2);
  EXPECT_DOUBLE_EQ(p.delay_probability, 0.2);
  EXPECT_EQ(p.max_delay_years, 2);
  EXPECT_DOUBLE_EQ(p.failure_probability, 0.05);
  EXPECT_TRUE(p.adds_capacity);

  ASSERT_EQ(s.exogenous_investment.size(), 1u);
  EXPECT_EQ(s.exogenous_investment[0].target, "12");
  EXPECT_EQ(s.exogenous_investment[0].year, 2023);
  EXPECT_EQ(s.exogenous_investment[0].construction_years, 3);
  EXPECT_FALSE(s.exogenous_investment[0].adds_capacity);

  ASSERT_EQ(s.targets.size(), 3u);
  EXPECT_EQ(s.targets[0].id, "T1");
  EXPECT_EQ(s.targets[0].series.metric, "region/industrial_investment");
  EXPECT_EQ(s.targets[0].kind, Target::Kind::growth);
  EXPECT_EQ(s.targets[0].op, Target::Op::at_least);
  EXPECT_DOUBLE_EQ(s.targets[0].threshold, 30.0);
  EXPECT_EQ(s.targets[0].year, 2022);
  EXPECT_EQ(s.targets[0].base_year, 0);
  EXPECT_EQ(s.targets[1].kind, Target::Kind::share);
  EXPECT_EQ(s.targets[1].op, Target::Op::at_most);
  EXPECT_EQ(s.targets[1].series.select, (std::vector<std::string>{"246/*"}));
  ASSERT_TRUE(s.targets[1].denominator);
  EXPECT_EQ(s.targets[1].denominator->metric, "region/industrial_output");
  EXPECT_EQ(s.targets[1].base_year, 2021);
  EXPECT_EQ(s.targets[2].needs, "firm model: counts of firms");
  EXPECT_EQ(s.targets[2].year, 0);

  ASSERT_EQ(s.actuals.size(), 1u);
  EXPECT_EQ(s.actuals[0].series.metric, "sectors/output");
  EXPECT_DOUBLE_EQ(s.actuals[0].value, 520.0);
  EXPECT_EQ(s.actuals[0].source, "test bureau");
}

TEST_F(ScenarioFile, DefaultsApplyWhenKeysAreOmitted) {
  const Scenario s = parse_scenario(minimal(
      "[[programme]]\nname = \"p\"\ninvestment = 1\nsplit = { \"12\" = 1 }\nstart_year = 2023\n"
      "[[target]]\nid = \"T\"\nmetric = \"region/gdp\"\nthreshold = 1\nyear = 2025\n"));
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.replications, 1000);
  EXPECT_TRUE(s.capacity.enabled);
  EXPECT_DOUBLE_EQ(s.capacity.utilisation, 0.78);
  EXPECT_TRUE(s.capacity.sectors.empty());
  EXPECT_EQ(s.growth.common.rate.kind, Distribution::Kind::constant);
  EXPECT_DOUBLE_EQ(s.growth.common.rate.mean, 0.0);
  EXPECT_DOUBLE_EQ(s.region.above_scale_output_share, 1.0);
  EXPECT_DOUBLE_EQ(s.investment.industrial_base, 0.0);
  EXPECT_DOUBLE_EQ(s.investment.output_per_investment, 1.0);
  EXPECT_DOUBLE_EQ(s.price_growth.rate.mean, 0.0);
  const Programme& p = s.programmes.at(0);
  EXPECT_EQ(p.projects, 1);
  EXPECT_EQ(p.construction_years, 1);
  EXPECT_EQ(p.ramp_up_years, 0);
  EXPECT_EQ(p.max_delay_years, 1);
  EXPECT_DOUBLE_EQ(p.delay_probability, 0.0);
  EXPECT_DOUBLE_EQ(p.failure_probability, 0.0);
  EXPECT_TRUE(p.adds_capacity);
  const Target& t = s.targets.at(0);
  EXPECT_EQ(t.kind, Target::Kind::level);
  EXPECT_EQ(t.op, Target::Op::at_least);
  EXPECT_FALSE(t.denominator);
}

TEST_F(ScenarioFile, RegionalisationSpecIsReadAndApplied) {
  auto path = minimal(
      "[table.regionalise]\nsizes = \"@DATA@/tables/sizes.csv\"\nmethod = \"slq\"\ndelta = 0.2\n"
      "region = \"Small\"\n");
  const Scenario s = parse_scenario(path);
  ASSERT_TRUE(s.table.regionalise);
  EXPECT_EQ(s.table.regionalise->method, "slq");
  EXPECT_DOUBLE_EQ(s.table.regionalise->delta, 0.2);
  EXPECT_EQ(s.table.regionalise->sizes, canonical(data("tables/sizes.csv")));
  const LoadedScenario loaded = load_scenario(path);
  EXPECT_EQ(loaded.table.meta.region, "Small");
  EXPECT_NEAR(loaded.table.total_output()(1), 250.0, 1e-9);
}

TEST(ScenarioLoad, LoadsTheTableAndConcordances) {
  const LoadedScenario loaded = load_scenario(data("full.toml"));
  EXPECT_EQ(loaded.scenario.name, "three-full");
  EXPECT_EQ(loaded.table.size(), 3u);
  EXPECT_EQ(loaded.table.meta.year, 2021);
  ASSERT_EQ(loaded.systems.size(), 1u);
  EXPECT_EQ(loaded.systems[0].system, "246");
  EXPECT_EQ(loaded.systems[0].clusters.size(), 3u);
  EXPECT_TRUE(validate_scenario(data("full.toml")).empty());
}

TEST(ScenarioDistribution, ExpectedValues) {
  Distribution d;
  d.mean = 0.05;
  EXPECT_DOUBLE_EQ(d.expected(), 0.05);
  d.kind = Distribution::Kind::normal;
  EXPECT_DOUBLE_EQ(d.expected(), 0.05);
  d.kind = Distribution::Kind::uniform;
  d.low = 0.01;
  d.high = 0.03;
  EXPECT_DOUBLE_EQ(d.expected(), 0.02);
  d.kind = Distribution::Kind::triangular;
  d.mode = 0.05;
  EXPECT_DOUBLE_EQ(d.expected(), 0.03);
  d.kind = Distribution::Kind::lognormal;
  d.median = 0.05;
  d.sigma = 0.1;
  EXPECT_DOUBLE_EQ(d.expected(), 1.05 * std::exp(0.005) - 1.0);
}

TEST(ScenarioDiagnostic, Formats) {
  Diagnostic d{"a.toml", 3, 7, "scenario.seed", "expected an integer"};
  EXPECT_EQ(d.to_string(), "a.toml:3:7: key 'scenario.seed': expected an integer");
  d.line = 0;
  EXPECT_EQ(d.to_string(), "a.toml: key 'scenario.seed': expected an integer");
  d.key.clear();
  EXPECT_EQ(d.to_string(), "a.toml: expected an integer");
}

TEST(ScenarioOverride, ParsesKeyAndValue) {
  Override o = parse_override("programme.shuangbai.investment = 1140");
  EXPECT_EQ(o.key, "programme.shuangbai.investment");
  EXPECT_EQ(o.value, "1140");
  o = parse_override("a={ x = 1 }");
  EXPECT_EQ(o.value, "{ x = 1 }");
  expect_contains(test::input_error_of([] { parse_override("scenario.seed"); }),
                  "expected KEY=VALUE");
  expect_contains(test::input_error_of([] { parse_override("=3"); }), "expected KEY=VALUE");
}

// ---- schema errors --------------------------------------------------------------------------

TEST_F(ScenarioFile, UnknownKeySuggestsTheClosest) {
  auto path = minimal("[capacity]\nutilization = 0.8\n");
  auto list = validate_scenario(path);
  auto d = expect_problem(list, "capacity.utilization",
                          {"unknown key", "did you mean 'utilisation'?", "valid keys here:"});
  EXPECT_EQ(d.file, path);
  EXPECT_EQ(d.line, 12);
  EXPECT_EQ(d.column, 1);
  // Unknown top-level sections and prefixes get suggestions too.
  list = validate_scenario(minimal("[invest]\nindustrial_base = 1\n"));
  expect_problem(list, "invest", {"did you mean 'investment'?", ":11:"});
}

TEST_F(ScenarioFile, WrongTypesAreNamed) {
  auto list = validate_scenario(
      minimal("[capacity]\nenabled = \"yes\"\n[[programme]]\nname = \"p\"\ninvestment = \"lots\"\n"
              "split = { \"12\" = 1 }\nstart_year = 2022.5\n"));
  expect_problem(list, "capacity.enabled",
                 {"s.toml:12:11", "expected true or false, got a string"});
  expect_problem(list, "programme[0].investment",
                 {"s.toml:15:14", "expected a number > 0", "got a string"});
  expect_problem(list, "programme[0].start_year",
                 {"s.toml:17:14", "expected an integer", "got a float"});
}

TEST_F(ScenarioFile, OutOfRangeValuesAreReported) {
  auto path = write("s.toml",
                    "[scenario]\nname = \"x\"\nbase_year = 2021\nhorizon = 2021\n"
                    "replications = -5\n[table]\npath = \"@DATA@/tables/three\"\n"
                    "[capacity]\nenabled = false\nutilisation = 0\n");
  auto list = validate_scenario(path);
  expect_problem(list, "scenario.horizon",
                 {"s.toml:4:11", "expected a year after base_year 2021", "got 2021"});
  expect_problem(list, "scenario.replications",
                 {"s.toml:5:16", "expected an integer from 1 to 10000000, got -5"});
  expect_problem(list, "capacity.utilisation", {"expected a number in (0, 1], got 0"});

  list = validate_scenario(minimal(
      "[[programme]]\nname = \"p\"\ninvestment = 5\nsplit = { \"12\" = 0.5, \"01\" = 0.4 }\n"
      "start_year = 2026\ndelay_probability = 1.5\nfailure_probability = -0.1\n"
      "[[programme]]\nname = \"q\"\ninvestment = 5\nsplit = { \"12\" = 1.5, \"01\" = -0.5 }\n"
      "start_year = 2021\n"
      "[[target]]\nid = \"T\"\nmetric = \"region/gdp\"\nthreshold = 1\nyear = 2031\n"
      "base_year = 2020\n"));
  expect_problem(list, "programme[0].split",
                 {"s.toml:14:9", "shares must sum to 1 (+-1e-6), they sum to 0.9"});
  expect_problem(list, "programme[0].start_year",
                 {"expected a year after base_year 2021 up to the horizon 2025, got 2026"});
  expect_problem(list, "programme[0].delay_probability", {"expected a number in [0, 1], got 1.5"});
  expect_problem(list, "programme[0].failure_probability", {"in [0, 1], got -0.1"});
  expect_problem(list, "programme[1].split.12", {"in [0, 1] (a share of the investment), got 1.5"});
  expect_problem(list, "programme[1].split.01", {"got -0.5"});
  expect_problem(list, "programme[1].start_year", {"got 2021"});
  expect_problem(list, "target[0].year", {"s.toml:27:8", "up to the horizon 2025, got 2031"});
}

TEST_F(ScenarioFile, TargetBaseYearAndDenominatorRules) {
  auto list = validate_scenario(
      minimal("[[target]]\nid = \"A\"\nmetric = \"region/gdp\"\nthreshold = 1\nyear = 2024\n"
              "base_year = 2024\n"
              "[[target]]\nid = \"B\"\nmetric = \"region/gdp\"\nkind = \"share\"\nthreshold = 1\n"
              "year = 2024\n"
              "[[target]]\nid = \"C\"\nmetric = \"region/gdp\"\nthreshold = 1\nyear = 2024\n"
              "denominator = { metric = \"region/gdp\" }\n"
              "[[target]]\nid = \"D\"\nmetric = \"sectors/output\"\nthreshold = 1\nyear = 2024\n"
              "[[target]]\nid = \"E\"\nmetric = \"region/gdp\"\nselect = [\"12\"]\nthreshold = 1\n"
              "year = 2024\nkind = \"grwth\"\nop = \">\"\n"));
  expect_problem(list, "target[0].base_year",
                 {"from the scenario's base_year 2021 to before the target's year 2024"});
  expect_problem(list, "target[1].denominator", {"a share target needs denominator"});
  expect_problem(list, "target[2].denominator", {"only share targets"});
  expect_problem(list, "target[3].select", {"missing; expected an array of strings"});
  expect_problem(list, "target[4].select", {"region metrics take no selection"});
  expect_problem(list, "target[4].kind", {"did you mean 'growth'?"});
  expect_problem(list, "target[4].op", {"expected \">=\""});
}

TEST_F(ScenarioFile, NotEvaluatedTargetsAreLenient) {
  const Scenario s =
      parse_scenario(minimal("[[target]]\nid = \"N\"\nneeds = \"firm model\"\n"
                             "[[target]]\nid = \"M\"\nneeds = \"land model\"\nyear = 2040\n"));
  EXPECT_EQ(s.targets.at(1).year, 2040);
  auto list = validate_scenario(minimal(
      "[[target]]\nid = \"N\"\nneeds = \"firm model\"\nmetric = \"region/gdp\"\nyear = 2040\n"));
  expect_problem(list, "target[0].year", {"up to the horizon 2025, got 2040"});
}

TEST_F(ScenarioFile, DuplicatesAndMissingKeys) {
  auto path = write("s.toml",
                    "[scenario]\nbase_year = 2021\nhorizon = 2025\n"
                    "[region]\nindustrial_sectors = [\"12\"]\n"
                    "[[programme]]\nname = \"p\"\ninvestment = 5\nsplit = { \"12\" = 1 }\n"
                    "start_year = 2022\n"
                    "[[programme]]\nname = \"p\"\ninvestment = 5\nsplit = { \"12\" = 1 }\n"
                    "start_year = 2022\n"
                    "[[target]]\nid = \"T\"\nmetric = \"region/gdp\"\nthreshold = 1\nyear = 2022\n"
                    "[[target]]\nid = \"T\"\nmetric = \"region/gdp\"\nyear = 2022\n"
                    "[[programme]]\ninvestment = 5\nsplit = { \"12\" = 1 }\nstart_year = 2022\n");
  auto list = validate_scenario(path);
  expect_problem(list, "scenario.name", {"s.toml:1:1", "missing; expected a string"});
  expect_problem(list, "table", {"missing (a table)"});
  expect_problem(list, "table.path", {"missing; expected a string"});
  expect_problem(list, "programme[1].name",
                 {"s.toml:12:8", "duplicate programme name 'p' (first used at " + path + ":7)"});
  expect_problem(list, "target[1].id", {"duplicate target id 'T'"});
  expect_problem(list, "target[1].threshold", {"missing; expected a number"});
  expect_problem(list, "programme[2].name", {"missing"});
}

TEST_F(ScenarioFile, GrowthSpecsAreChecked) {
  auto list = validate_scenario(minimal(
      "[growth.final_demand]\n"
      "household = { distribution = \"normal\", mean = 0.02 }\n"            // 12
      "exports = { distribution = \"constant\", mean = 0.02, sd = 0.1 }\n"  // 13
      "[growth.common]\ndistribution = \"gaussian\"\nmean = 0\n"            // 14-16
      "[prices]\ngrowth = { distribution = \"triangular\", low = 0.1, mode = 0, high = 0.2 }\n"
      "[capacity]\ntrend_growth = -1.5\n"  // 19-20
      "[investment]\ngrowth = { distribution = \"uniform\", low = 0, high = 1, wobble = 2 }\n"
      "other_gfcf_growth = \"fast\"\n"));
  expect_problem(list, "growth.final_demand.household.sd",
                 {"s.toml:12:13", "missing; distribution 'normal' takes mean, sd"});
  expect_problem(list, "growth.final_demand.exports.sd",
                 {"s.toml:13:", "not a parameter of this distribution",
                  "distribution 'constant' takes mean (and per_year, common_loading)"});
  expect_problem(
      list, "growth.common.distribution",
      {"unknown distribution 'gaussian'", "expected one of: constant, lognormal, normal"});
  expect_problem(list, "prices.growth", {"low <= mode <= high"});
  expect_problem(list, "capacity.trend_growth", {"expected a number > -1", "got -1.5"});
  expect_problem(list, "investment.growth.wobble", {"unknown key"});
  expect_problem(list, "investment.other_gfcf_growth",
                 {"expected a growth rate: a number (0.05 = 5 %/year) or a table", "got a string"});
}

TEST_F(ScenarioFile, IndustrialSectorsAreRequiredWithCapacity) {
  auto path = write("s.toml",
                    "[scenario]\nname = \"x\"\nbase_year = 2021\nhorizon = 2025\n"
                    "[table]\npath = \"@DATA@/tables/three\"\n");
  expect_problem(validate_scenario(path), "region.industrial_sectors",
                 {"missing", "capacity.enabled is true"});
  path = write("s.toml",
               "[scenario]\nname = \"x\"\nbase_year = 2021\nhorizon = 2025\n"
               "[table]\npath = \"@DATA@/tables/three\"\n[capacity]\nenabled = false\n");
  EXPECT_TRUE(validate_scenario(path).empty()) << all_text(validate_scenario(path));
}

TEST_F(ScenarioFile, TomlSyntaxErrorIsLocated) {
  auto path = write("s.toml", "[scenario]\nname = \"x\nbase_year = 2021\n");
  auto list = validate_scenario(path);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].file, path);
  EXPECT_EQ(list[0].line, 2);
  expect_contains(list[0].message, "not valid TOML");
  expect_contains(test::input_error_of([&] { parse_scenario(dir.string() + "/none.toml"); }),
                  "cannot open");
}

TEST_F(ScenarioFile, ReportsManyProblemsAtOnceSortedByLine) {
  auto path = minimal(
      "[capacity]\nutilisaton = 0.5\n[investment]\nindustrial_base = -1\n"
      "[[programme]]\nname = \"1bad name\"\ninvestment = 0\nsplit = { \"12\" = 1 }\n"
      "start_year = 2022\n");
  auto list = validate_scenario(path);
  EXPECT_GE(list.size(), 4u) << all_text(list);
  for (std::size_t i = 1; i < list.size(); ++i) EXPECT_LE(list[i - 1].line, list[i].line);
  const std::string message = test::input_error_of([&] { load_scenario(path); });
  EXPECT_EQ(message, all_text(list).substr(0, all_text(list).size() - 1));
  expect_contains(message, "did you mean 'utilisation'?");
  expect_contains(message, "expected an identifier");
}

// ---- data errors ----------------------------------------------------------------------------

TEST_F(ScenarioFile, DataPassChecksCodesLabelsAndReferences) {
  auto path =
      write("s.toml",
            "[scenario]\nname = \"x\"\nbase_year = 2020\nhorizon = 2025\n"  // 1-4
            "[table]\npath = \"@DATA@/tables/three\"\n"                     // 5-6
            "[clusters]\n246 = \"@DATA@/concordances/246.csv\"\n"           // 7-8
            "[region]\nindustrial_sectors = [\"01\", \"13\"]\n"             // 9-10
            "[growth.final_demand]\nexport = 0.02\ngfcf = 0.05\n"           // 11-13
            "[[growth.sector_group]]\nname = \"g\"\nclusters = [\"264/agrifood\"]\ngrowth = 0.01\n"
            "[[programme]]\nname = \"p\"\ninvestment = 5\n"  // 18-20
            "split = { \"246/green_petrochemical\" = 0.5, \"99\" = 0.5 }\nstart_year = 2022\n"
            "[[target]]\nid = \"T\"\nmetric = \"clusters/output\"\nselect = [\"246/*\", "
            "\"246/agrifod\"]\n"
            "threshold = 1\nyear = 2022\n");
  auto list = validate_scenario(path);
  expect_problem(list, "scenario.base_year",
                 {"s.toml:3:13", "must equal the table's year 2021", "got 2020"});
  expect_problem(list, "region.industrial_sectors[1]",
                 {"unknown sector code '13'", "did you mean '12'?"});
  expect_problem(list, "growth.final_demand.export",
                 {"s.toml:12:10", "unknown final-demand column 'export'", "did you mean 'exports'?",
                  "the table's columns: household, exports"});
  expect_problem(list, "growth.final_demand.gfcf", {"use investment.other_gfcf_growth"});
  expect_problem(list, "growth.sector_group[0].clusters[0]",
                 {"unknown cluster system '264'", "did you mean '246'?"});
  expect_problem(list, "programme[0].split.246/green_petrochemical",
                 {"system '246' has no cluster 'green_petrochemical'",
                  "did you mean 'green_petrochemicals'?"});
  expect_problem(list, "programme[0].split.99",
                 {"unknown sector code '99'", "the table's codes: 01, 12, 30"});
  expect_problem(list, "target[0].select[1]", {"did you mean 'agrifood'?"});
  EXPECT_FALSE(find_key(list, "target[0].select[0]"));
}

TEST_F(ScenarioFile, SumsOverAnOverlappingSystemAreRefused) {
  const std::string con = write("ov.csv",
                                "# overlapping: clusters as the plans count them\n"
                                "cluster,sector,weight\nwide,12,1\nnarrow,12,0.6\nfood,01,1\n");
  auto path =
      write("s.toml",
            "[scenario]\nname = \"x\"\nbase_year = 2021\nhorizon = 2025\n"
            "[table]\npath = \"@DATA@/tables/three\"\n"
            "[clusters]\nov = \"" +
                con +
                "\"\n246 = \"@DATA@/concordances/246.csv\"\n"
                "[region]\nindustrial_sectors = [\"01\", \"12\"]\n"
                "[[target]]\nid = \"A\"\nmetric = \"clusters/output\"\nselect = [\"ov/*\"]\n"
                "threshold = 1\nyear = 2022\n"
                "[[target]]\nid = \"B\"\nmetric = \"clusters/output\"\n"
                "select = [\"ov/wide\", \"ov/narrow\"]\nthreshold = 1\nyear = 2022\n"
                "[[target]]\nid = \"C\"\nmetric = \"clusters/output\"\n"
                "select = [\"ov/wide\", \"246/*\"]\nthreshold = 1\nyear = 2022\n");
  auto list = validate_scenario(path);
  expect_problem(list, "target[0].select",
                 {"selects 3 clusters of system 'ov'", "overlapping", "select one cluster"});
  expect_problem(list, "target[1].select", {"selects 2 clusters of system 'ov'"});
  // One cluster of an overlapping system plus clusters of a disjoint system is a valid sum.
  EXPECT_FALSE(find_key(list, "target[2].select")) << all_text(list);
  EXPECT_FALSE(find_key(list, "clusters.ov")) << all_text(list);
}

TEST_F(ScenarioFile, TableAndConcordanceErrorsBecomeDiagnostics) {
  auto path = minimal();
  std::string text;
  {
    std::ifstream in(path);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::string bad = text;
  bad.replace(bad.find("246.csv"), 7, "bad_weight.csv");
  auto list = validate_scenario(write("bad.toml", bad));
  expect_problem(
      list, "clusters.246",
      {"bad.toml:8:7", "the concordance does not load", "bad_weight.csv:2", "outside [0, 1]"});

  bad = text;
  bad.replace(bad.find("tables/three"), 12, "tables/none");
  list = validate_scenario(write("bad2.toml", bad));
  expect_problem(list, "table.path", {"bad2.toml:6:8", "the table folder does not load"});
}

// ---- extends --------------------------------------------------------------------------------

TEST(ScenarioExtends, MergesAChainByNameAndId) {
  const Scenario s = parse_scenario(data("child.toml"));
  EXPECT_EQ(s.name, "child");
  EXPECT_EQ(s.seed, 7u);           // from middle.toml
  EXPECT_EQ(s.replications, 100);  // from parents/base.toml
  EXPECT_EQ(s.base_year, 2021);
  // Paths are relative to the file that wrote them.
  EXPECT_EQ(s.table.path, canonical(data("tables/three")));
  EXPECT_EQ(s.clusters.at(0).path, canonical(data("concordances/246.csv")));
  // Plain arrays are replaced.
  EXPECT_EQ(s.region.industrial_sectors, (std::vector<std::string>{"12"}));
  // Growth specs are replaced whole; other final-demand entries stay.
  ASSERT_EQ(s.growth.final_demand.size(), 2u);
  EXPECT_EQ(s.growth.final_demand[0].first, "exports");
  EXPECT_EQ(s.growth.final_demand[0].second.rate.kind, Distribution::Kind::constant);
  EXPECT_DOUBLE_EQ(s.growth.final_demand[0].second.rate.mean, 0.02);
  EXPECT_DOUBLE_EQ(s.growth.final_demand[1].second.rate.mean, 0.05);
  // Programmes merge by name: beta updated in middle, gamma appended in child.
  ASSERT_EQ(s.programmes.size(), 3u);
  EXPECT_EQ(s.programmes[0].name, "alpha");
  EXPECT_EQ(s.programmes[1].name, "beta");
  EXPECT_DOUBLE_EQ(s.programmes[1].investment, 25.0);
  EXPECT_EQ(s.programmes[1].start_year, 2023);
  EXPECT_DOUBLE_EQ(s.programmes[1].delay_probability, 0.1);
  EXPECT_EQ(s.programmes[2].name, "gamma");
  // Targets merge by id.
  ASSERT_EQ(s.targets.size(), 2u);
  EXPECT_EQ(s.targets[0].id, "T1");
  EXPECT_DOUBLE_EQ(s.targets[0].threshold, 6.0);
  EXPECT_EQ(s.targets[0].series.metric, "region/gdp");
  EXPECT_EQ(s.targets[0].kind, Target::Kind::growth);
  EXPECT_EQ(s.targets[1].id, "T2");
  EXPECT_TRUE(validate_scenario(data("child.toml")).empty());
  EXPECT_EQ(s.resolved_toml.find("extends"), std::string::npos);
}

TEST(ScenarioExtends, CycleIsAnError) {
  auto list = validate_scenario(data("cycle_a.toml"));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].key, "extends");
  EXPECT_EQ(list[0].file, canonical(data("cycle_b.toml")));
  EXPECT_EQ(list[0].line, 1);
  expect_contains(list[0].message, "circular inheritance: " + canonical(data("cycle_a.toml")) +
                                       " -> " + canonical(data("cycle_b.toml")) + " -> " +
                                       canonical(data("cycle_a.toml")));
}

TEST_F(ScenarioFile, MissingParentIsReportedAtExtends) {
  auto path = write("s.toml", "extends = \"nowhere.toml\"\n[scenario]\nname = \"x\"\n");
  auto list = validate_scenario(path);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].line, 1);
  expect_contains(list[0].to_string(), "cannot open '" + (dir / "nowhere.toml").string());
}

TEST_F(ScenarioFile, ChildErrorsPointIntoTheFileThatHasThem) {
  auto path =
      write("s.toml", "extends = \"@DATA@/parents/base.toml\"\n[scenario]\nhorizn = 2030\n");
  auto list = validate_scenario(path);
  auto d = expect_problem(list, "scenario.horizn", {"did you mean 'horizon'?"});
  EXPECT_EQ(d.file, path);
  EXPECT_EQ(d.line, 3);
}

// ---- --set overrides ------------------------------------------------------------------------

TEST(ScenarioOverrides, SetScalarsTablesAndEntriesByName) {
  const Scenario s = parse_scenario(
      data("full.toml"),
      {parse_override("scenario.replications=10"),
       parse_override("growth.final_demand.exports={ distribution = \"uniform\", low = 0.0, "
                      "high = 0.1 }"),
       parse_override("programme.shuangbai.investment=1140"),
       parse_override("programme[0].label=hello world"), parse_override("target.T1.threshold=25"),
       parse_override("region.industrial_sectors=[\"12\"]"),
       parse_override("scenario.description=plain")});
  EXPECT_EQ(s.replications, 10);
  EXPECT_EQ(s.growth.final_demand[0].second.rate.kind, Distribution::Kind::uniform);
  EXPECT_DOUBLE_EQ(s.growth.final_demand[0].second.rate.high, 0.1);
  EXPECT_DOUBLE_EQ(s.growth.final_demand[0].second.common_loading, 1.0);  // replaced whole
  EXPECT_DOUBLE_EQ(s.programmes[0].investment, 1140);
  EXPECT_EQ(s.programmes[0].label, "hello world");
  EXPECT_DOUBLE_EQ(s.targets[0].threshold, 25);
  EXPECT_EQ(s.region.industrial_sectors, (std::vector<std::string>{"12"}));
  EXPECT_EQ(s.description, "plain");
  expect_contains(s.resolved_toml, "investment = 1140");
}

TEST(ScenarioOverrides, ErrorsNameTheArgument) {
  auto list =
      validate_scenario(data("full.toml"), {parse_override("scenario.replications=abc"),
                                            parse_override("programme.shuangbai.investmnt=3"),
                                            parse_override("target.T9.threshold=3"),
                                            parse_override("sceanrio.seed=3")});
  const Diagnostic* d = find_key(list, "scenario.replications");
  ASSERT_TRUE(d) << all_text(list);
  EXPECT_EQ(d->file, "--set");
  EXPECT_EQ(d->to_string(),
            "--set: key 'scenario.replications': expected an integer from 1 to 10000000, got a "
            "string (in --set scenario.replications=abc)");
  d = find_key(list, "programme.shuangbai.investmnt");
  ASSERT_TRUE(d) << all_text(list);
  expect_contains(d->message, "unknown key; did you mean 'investment'?");
  d = find_key(list, "target.T9");
  ASSERT_TRUE(d) << all_text(list);
  expect_contains(d->message, "no target entry with id 'T9'");
  expect_contains(d->message, "existing: T1, T2, T3");
  d = find_key(list, "sceanrio");
  ASSERT_TRUE(d) << all_text(list);
  expect_contains(d->message, "did you mean 'scenario'?");
  // A distribution given by --set is checked like one from the file.
  list = validate_scenario(
      data("full.toml"), {parse_override("prices.growth={ distribution = \"normal\", mean = 0 }")});
  d = find_key(list, "prices.growth.sd");
  ASSERT_TRUE(d) << all_text(list);
  EXPECT_EQ(d->file, "--set");
  expect_contains(d->message, "distribution 'normal' takes mean, sd");
}

TEST(ScenarioOverrides, AnIndexBeyondTheEntriesSaysHowManyThereAre) {
  auto list = validate_scenario(data("full.toml"), {parse_override("programme[99].investment=3")});
  const Diagnostic* d = find_key(list, "programme[99]");
  ASSERT_TRUE(d) << all_text(list);
  expect_contains(d->message,
                  "no programme entry [99]: the file has 1 programme entry ([0] to [0])");
}

// ---- hostile files --------------------------------------------------------------------------

TEST(ScenarioFiles, DeepNestingGbkAndFoldersAreLocatedProblems) {
  const fs::path dir = fs::temp_directory_path() / ("icsim_hostile_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string key = "a";
  for (int i = 0; i < 100000; ++i) key += ".a";
  std::ofstream(dir / "deep.toml") << "[scenario]\n" << key << " = 1\n";
  auto list = validate_scenario((dir / "deep.toml").string());
  ASSERT_EQ(list.size(), 1u) << all_text(list);
  EXPECT_EQ(list[0].line, 2);
  expect_contains(list[0].message, "nested more than 64 levels");
  std::ofstream(dir / "gbk.toml", std::ios::binary)
      << "[scenario]\nname = '\xD6\xC6\xD4\xEC\xD2\xB5'\n";
  list = validate_scenario((dir / "gbk.toml").string());
  ASSERT_EQ(list.size(), 1u) << all_text(list);
  EXPECT_EQ(list[0].line, 2);
  EXPECT_EQ(list[0].column, 9);
  expect_contains(list[0].message, "GB18030/GBK");
  expect_contains(list[0].message, "制造业");
  fs::create_directories(dir / "folder.toml");
  list = validate_scenario((dir / "folder.toml").string());
  ASSERT_EQ(list.size(), 1u) << all_text(list);
  expect_contains(list[0].message, "is not a file (a folder)");
  fs::remove_all(dir);
}

TEST(ScenarioOverrides, PathsAreRelativeToTheCurrentDirectory) {
  const fs::path cwd = fs::current_path();
  fs::current_path(kData);
  const Scenario s = parse_scenario(data("full.toml"), {parse_override("table.path=tables/three")});
  fs::current_path(cwd);
  EXPECT_EQ(s.table.path, canonical(data("tables/three")));
}

// ---- resolved_toml ------------------------------------------------------------------------

TEST(ScenarioResolved, ReparsesToTheSameScenario) {
  for (const std::string file : {"full.toml", "child.toml"}) {
    const Scenario s =
        parse_scenario(data(file), {parse_override("programme[0].investment=33.25")});
    EXPECT_EQ(s.resolved_toml.find("00000000"), std::string::npos)
        << "floats must be written in their shortest form:\n"
        << s.resolved_toml;
    EXPECT_EQ(s.resolved_toml.find(kData), std::string::npos) << "paths must be relative:\n"
                                                              << s.resolved_toml;
    const std::string copy =
        data("resolved_" + std::to_string(::getpid()) + "_" + file);  // same folder as `file`
    std::ofstream(copy) << s.resolved_toml;
    const Scenario again = parse_scenario(copy);
    fs::remove(copy);
    EXPECT_EQ(describe(again), describe(s)) << s.resolved_toml;
    EXPECT_EQ(again.resolved_toml, s.resolved_toml);
  }
}
