// The catalogue of result variables (results/variables.hpp): every variable once, the queries
// the scenario's metric check uses, allocation and joining of blocks, and Projection::series on
// every variable of the catalogue (one loop, so a new variable is checked as soon as it is
// listed).
#include "icsim/results/variables.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "icsim/abm/statistics.hpp"
#include "icsim/common/error.hpp"

using namespace icsim;
using results::Group;
using results::Projection;
using results::Variable;

namespace {

// A projection with 2 replications, 3 years, 2 sectors, 3 clusters of two systems, 2 programmes,
// 2 districts and the firm model, every value distinct: value i of a member is 1000 * (member
// number) + i.
Projection sample(bool firm_model) {
  Projection p;
  p.years = {2024, 2025, 2026};
  p.replications = 2;
  p.sectors = {"S1", "S2"};
  p.clusters = {"A/x", "A/y", "B/z"};
  p.cluster_system = {"A", "A", "B"};
  p.programmes = {"p1", "p2"};
  p.firm_model = firm_model;
  if (firm_model) p.districts = {"d1", "d2"};
  results::allocate(p);
  std::vector<std::vector<double> Projection::*> members;
  for (const auto& v : results::variables())
    if (std::find(members.begin(), members.end(), v.member) == members.end())
      members.push_back(v.member);
  for (std::size_t m = 0; m < members.size(); ++m) {
    auto& data = p.*members[m];
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = 1000.0 * double(m + 1) + double(i);
  }
  return p;
}

TEST(ResultVariables, EveryMetricOnceInFileOrder) {
  const auto& names = results::metric_names();
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  EXPECT_EQ(names.size(), results::variables().size());
  // Groups in file order: sectors, clusters, region, districts, district_clusters, programmes.
  Group last = Group::sectors;
  for (const auto& v : results::variables()) {
    EXPECT_GE(static_cast<int>(v.group), static_cast<int>(last)) << v.metric();
    last = v.group;
    EXPECT_FALSE(v.long_name.empty()) << v.metric();
    EXPECT_FALSE(v.units.empty()) << v.metric();
    EXPECT_NE(v.member, nullptr) << v.metric();
  }
  // Every firm statistic for the districts and for the region.
  for (const auto& s : abm::statistics_info()) {
    EXPECT_NE(results::find_variable("districts/" + std::string(s.name)), nullptr);
    EXPECT_NE(results::find_variable("region/" + std::string(s.name)), nullptr);
  }
}

TEST(ResultVariables, QueriesForTheScenarioCheck) {
  EXPECT_NE(results::find_variable("region/industrial_investment"), nullptr);
  EXPECT_EQ(results::find_variable("region/industrial_investment")->member,
            &Projection::industrial_investment);
  EXPECT_EQ(results::find_variable("region/nonsense"), nullptr);
  EXPECT_EQ(results::find_variable("region"), nullptr);
  EXPECT_EQ(results::find_variable("sectors/gdp"), nullptr);
  EXPECT_FALSE(results::needs_firm_model("region/gdp"));
  EXPECT_FALSE(results::needs_firm_model("clusters/output"));
  EXPECT_TRUE(results::needs_firm_model("clusters/land_in_use"));
  EXPECT_TRUE(results::needs_firm_model("sectors/firms"));
  EXPECT_TRUE(results::needs_firm_model("region/firms_above_scale"));
  EXPECT_TRUE(results::needs_firm_model("districts/land_in_use"));
  EXPECT_FALSE(results::needs_firm_model("districts/nonsense"));
  EXPECT_EQ(results::find_variable("region/price_index")->units_in("CNY"), "1");
  EXPECT_EQ(results::find_variable("region/gdp")->units_in("CNY"), "CNY");
}

TEST(ResultVariables, AllocationSizesEveryVariable) {
  const Projection io = sample(false);
  for (const auto& v : results::variables()) {
    SCOPED_TRACE(v.metric());
    if (v.firm_model) {
      EXPECT_TRUE((io.*v.member).empty());
      continue;
    }
    EXPECT_EQ(results::values(io, v).size(), 2 * 3 * results::dimension_size(io, v));
  }
  const Projection fm = sample(true);
  for (const auto& v : results::variables())
    EXPECT_EQ(results::values(fm, v).size(), 2 * 3 * results::dimension_size(fm, v)) << v.metric();
}

// Every variable's series is the sum of its values over the selection (ratios of statistics:
// the ratio of the sums), replication by replication.
TEST(ResultVariables, SeriesOfEveryVariable) {
  const Projection p = sample(true);
  for (const auto& v : results::variables()) {
    SCOPED_TRACE(v.metric());
    const std::vector<double> values = results::values(p, v);
    const std::size_t N = results::dimension_size(p, v);
    std::vector<std::string> select;
    if (v.group == Group::clusters) select = {"A/*", "B/z"};
    if (v.group == Group::sectors || v.group == Group::districts) select = {"*"};
    if (v.group == Group::programmes) select = {"p2", "p1"};
    if (v.group == Group::district_clusters) select = {"*", "A/*", "B/z"};  // every pair
    const bool ratio = v.statistic >= 0 && abm::info(static_cast<abm::Stat>(v.statistic)).kind ==
                                               abm::StatInfo::Kind::ratio;
    for (int r = 0; r < 2; ++r) {
      const std::vector<double> s = p.series({v.metric(), select}, r);
      ASSERT_EQ(s.size(), 3u);
      if (ratio && v.group == Group::districts) continue;  // checked in projection_series_test
      for (std::size_t t = 0; t < 3; ++t) {
        double sum = 0;
        for (std::size_t j = 0; j < N; ++j) sum += values[(r * 3 + t) * N + j];
        EXPECT_DOUBLE_EQ(s[t], sum) << "r " << r << " t " << t;
      }
    }
  }
}

TEST(ResultVariables, FirmModelVariablesNeedIt) {
  const Projection p = sample(false);
  for (const auto& v : results::variables()) {
    if (!v.firm_model) continue;
    std::vector<std::string> select;
    if (v.group != Group::region) select = {"*"};
    try {
      p.series({v.metric(), select}, 0);
      ADD_FAILURE() << v.metric() << " gave a series without the firm model";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("needs the firm model"), std::string::npos) << e.what();
    }
  }
}

TEST(ResultVariables, UnknownVariableListsTheGroup) {
  const Projection p = sample(false);
  try {
    p.series({"sectors/nonsense", {"*"}}, 0);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "expected output, value_added, employment, investment, capacity, imports, "
                  "energy_use, water_use or rd_expenditure, or with the firm model land_in_use or "
                  "firms"),
              std::string::npos)
        << e.what();
  }
}

TEST(ResultVariables, AppendReplicationsJoinsEveryVariable) {
  const Projection whole = sample(true);
  Projection first = whole, second = whole;
  // Split the 2 replications into two blocks of one.
  for (auto* p : {&first, &second}) p->replications = 1;
  second.first_replication = 1;
  std::vector<std::vector<double> Projection::*> done;
  for (const auto& v : results::variables()) {
    if (std::find(done.begin(), done.end(), v.member) != done.end()) continue;
    done.push_back(v.member);
    const auto& all = whole.*v.member;
    const std::size_t half = all.size() / 2;
    (first.*v.member).assign(all.begin(), all.begin() + static_cast<long>(half));
    (second.*v.member).assign(all.begin() + static_cast<long>(half), all.end());
  }
  Projection joined;
  results::append_replications(joined, std::move(first), "block 0");
  results::append_replications(joined, std::move(second), "block 1");
  EXPECT_EQ(joined.replications, 2);
  for (const auto& v : results::variables()) EXPECT_EQ(joined.*v.member, whole.*v.member);
  Projection again = joined;
  Projection wrong = whole;
  wrong.first_replication = 5;
  EXPECT_THROW(results::append_replications(again, std::move(wrong), "x"), InputError);
}

}  // namespace

// values_per_replication counts what allocate gives a replication: the statistics members once.
TEST(ResultVariables, ValuesPerReplicationIsWhatAllocateGives) {
  for (const bool firms : {false, true}) {
    const Projection p = sample(firms);
    std::vector<std::vector<double> Projection::*> members;
    std::size_t total = 0;
    for (const auto& v : results::variables())
      if (std::find(members.begin(), members.end(), v.member) == members.end()) {
        members.push_back(v.member);
        total += (p.*v.member).size();
      }
    EXPECT_EQ(results::values_per_replication(p) * 2, total) << "firm model " << firms;
    // Hand count without the firm model: region variables (none), sectors (2), clusters (3) and
    // programmes (2) over 3 years.
    if (!firms) {
      std::size_t hand = 0;
      for (const auto& v : results::variables()) {
        if (v.firm_model) continue;
        const std::size_t width = v.group == Group::sectors || v.group == Group::programmes ? 2
                                  : v.group == Group::clusters                              ? 3
                                                                                            : 1;
        hand += 3 * width;
      }
      EXPECT_EQ(results::values_per_replication(p), hand);
    }
  }
}
