#include "icsim/scenario/keys.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "icsim/scenario/load.hpp"

using namespace icsim;
using namespace icsim::scenario;
namespace fs = std::filesystem;

namespace {

bool identifier(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// "target.denominator" -> "target[].denominator": the key list's pattern of a TOML table name.
std::string pattern_of(const std::string& dotted) {
  std::string out;
  std::stringstream in(dotted);
  for (std::string seg; std::getline(in, seg, '.');) {
    out += (out.empty() ? "" : ".") + seg;
    const KeyInfo* k = find_key(out);
    if (k && k->type == KeyType::tables && out != dotted) out += "[]";
  }
  return out;
}

// The keys docs/scenario-reference.md documents: each section heading naming a table (`[x]` or
// `[[x]]`) and the first cell of each table row under a heading that names exactly one table
// ("Top level": the top-level keys).
std::set<std::string> documented_keys() {
  std::ifstream file(std::string(ICSIM_SOURCE_DIR) + "/docs/scenario-reference.md");
  EXPECT_TRUE(file.good());
  std::set<std::string> out;
  std::optional<std::string> section;
  bool code = false;
  const std::regex bracketed("`\\[\\[?([A-Za-z0-9_.]+)\\]\\]?`");
  const std::regex ticked("`([^`]+)`");
  for (std::string line; std::getline(file, line);) {
    if (line.rfind("```", 0) == 0) code = !code;
    if (code) continue;
    if (line.rfind("#", 0) == 0) {
      std::vector<std::string> tables;
      for (std::sregex_iterator it(line.begin(), line.end(), bracketed), end; it != end; ++it)
        tables.push_back(pattern_of((*it)[1]));
      for (const auto& t : tables) out.insert(t);
      section.reset();
      if (tables.size() == 1) {
        const KeyInfo* k = find_key(tables[0]);
        section = tables[0] + (k && k->type == KeyType::tables ? "[]" : "");
      }
      if (line == "## Top level") section = "";
      continue;
    }
    if (!section || *section == "sweep" || line.rfind("| `", 0) != 0) continue;
    const std::string first = line.substr(2, line.find(" |", 2) - 2);
    for (std::sregex_iterator it(first.begin(), first.end(), ticked), end; it != end; ++it)
      if (identifier((*it)[1]))
        out.insert(section->empty() ? (*it)[1].str() : *section + "." + (*it)[1].str());
  }
  return out;
}

}  // namespace

TEST(ScenarioKeys, TheReferenceDocumentsEveryKeyAndNoOther) {
  const std::set<std::string> documented = documented_keys();
  std::set<std::string> listed;
  for (const auto& k : scenario_keys()) {
    const std::string path(k.path);
    if (path.find('*') != std::string::npos) continue;  // any key of a free-key table
    listed.insert(path);
    EXPECT_TRUE(documented.count(path)) << "docs/scenario-reference.md does not document " << path;
  }
  for (const auto& d : documented)
    EXPECT_TRUE(listed.count(d)) << "docs/scenario-reference.md documents " << d
                                 << ", which is not a scenario key";
}

TEST(ScenarioKeys, TheListIsWellFormed) {
  std::set<std::string_view> seen;
  for (const auto& k : scenario_keys()) {
    SCOPED_TRACE(std::string(k.path));
    EXPECT_TRUE(seen.insert(k.path).second) << "declared twice";
    EXPECT_FALSE(k.meaning.empty());
    // Its table is declared, as a table, an array of tables or a free-key table.
    std::string parent(k.parent());
    if (!parent.empty()) {
      if (parent.size() > 2 && parent.substr(parent.size() - 2) == "[]")
        parent.resize(parent.size() - 2);
      const KeyInfo* p = find_key(parent);
      ASSERT_NE(p, nullptr);
      EXPECT_TRUE(p->type == KeyType::table || p->type == KeyType::tables ||
                  p->type == KeyType::map);
      EXPECT_EQ(p->type == KeyType::map, k.name() == "*");
    }
    switch (k.type) {
      case KeyType::number:
      case KeyType::integer:
      case KeyType::year:
      case KeyType::year_from_base:
      case KeyType::boolean:
      case KeyType::string:
      case KeyType::strings:
      case KeyType::growth:
        // Scalar keys fill a field (free keys are read by their section).
        EXPECT_TRUE(k.name() == "*" || !std::holds_alternative<std::monostate>(k.field));
        break;
      case KeyType::choice:
        EXPECT_GE(k.choice_list().size(), 2u);
        EXPECT_FALSE(std::holds_alternative<std::monostate>(k.field));
        break;
      default:
        break;
    }
    if (k.type == KeyType::integer) {
      EXPECT_TRUE(std::isfinite(k.range.low));
    }
  }
}

TEST(ScenarioKeys, DefaultsAreTheFieldsDefaults) {
  const fs::path dir = fs::temp_directory_path() / ("icsim_keys_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "s.toml")
      << "[scenario]\nname = \"d\"\nbase_year = 2021\nhorizon = 2025\n"
         "[table]\npath = \"t\"\n[region]\nindustrial_sectors = [\"01\"]\n";
  Scenario s = parse_scenario((dir / "s.toml").string());
  fs::remove_all(dir);
  // One default entry of every array of tables, and a default regionalisation.
  s.programmes.resize(1);
  s.exogenous_investment.resize(1);
  s.growth.sector_groups.resize(1);
  s.targets.resize(1);
  s.actuals.resize(1);
  s.table.regionalise.emplace();
  int checked = 0;
  for (const auto& k : scenario_keys()) {
    if (k.default_value.empty()) continue;
    SCOPED_TRACE(std::string(k.path));
    const std::string text(k.default_value);
    if (const auto* d = std::get_if<FieldRef<double>>(&k.field)) {
      const double want = std::stod(text), got = (*d)(s, 0);
      EXPECT_NEAR(got, want, 1e-5 * std::max(1.0, std::abs(want)));
      ++checked;
    } else if (const auto* n = std::get_if<FieldRef<int>>(&k.field)) {
      EXPECT_EQ((*n)(s, 0), std::stoi(text));
      ++checked;
    } else if (const auto* u = std::get_if<FieldRef<std::uint64_t>>(&k.field)) {
      EXPECT_EQ((*u)(s, 0), std::stoull(text));
      ++checked;
    } else if (const auto* b = std::get_if<FieldRef<bool>>(&k.field)) {
      EXPECT_EQ((*b)(s, 0), text == "true");
      ++checked;
    } else if (const auto* t = std::get_if<FieldRef<std::string>>(&k.field)) {
      if (text.front() == '"') {
        EXPECT_EQ('"' + (*t)(s, 0) + '"', text);
      }
    }
  }
  EXPECT_GT(checked, 90);
}

TEST(ScenarioKeys, AddressesOfSetSweepAndSeek) {
  auto path = [](const std::string& address) {
    const KeyInfo* k = addressed_key(address);
    return k ? std::string(k->path) : std::string("(none)");
  };
  EXPECT_EQ(path("land.industrial_share"), "land.industrial_share");
  EXPECT_EQ(path("programme.shuangbai.investment"), "programme[].investment");
  EXPECT_EQ(path("programme[0].projects"), "programme[].projects");
  EXPECT_EQ(path("target.T17.threshold"), "target[].threshold");
  EXPECT_EQ(path("growth.sector_group.petrochem.growth"), "growth.sector_group[].growth");
  EXPECT_EQ(path("growth.final_demand.exports"), "growth.final_demand.*");
  EXPECT_EQ(path("firms.land_supply_by_district.zhenhai"), "firms.land_supply_by_district.*");
  EXPECT_EQ(path("mujun.weights.tax_per_mu"), "mujun.weights.tax_per_mu");
  EXPECT_EQ(path("growth.final_demand.exports.mean"), "(none)");  // inside a growth spec
  EXPECT_EQ(path("land.industrial_shar"), "(none)");
  EXPECT_EQ(path("no_such_section.key"), "(none)");
  EXPECT_EQ(addressed_key("programme.shuangbai.projects")->type, KeyType::integer);
}
