// Cluster memberships of the firms (abm/clusters.hpp): the membership shares converge to the
// concordance weights over a large synthetic population, a disjoint system puts a firm in at most
// one cluster and an overlapping one in floor or ceil of its weights' sum, the draws do not depend
// on the order or the threads, and the sums over one system that covers every sector completely
// equal the population's totals.
#include "icsim/abm/clusters.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace icsim;
using abm::ClusterAssignment;
using abm::ClusterDistrictSums;
using abm::ClusterMemberships;

namespace {

io::Concordance system(const std::string& name, std::vector<std::vector<double>> rows,
                       bool overlapping) {
  io::Concordance c;
  c.system = name;
  c.overlapping = overlapping;
  c.weights.resize(static_cast<Eigen::Index>(rows.size()),
                   static_cast<Eigen::Index>(rows.front().size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    c.clusters.push_back(name + std::to_string(i));
    c.cluster_names.push_back(c.clusters.back());
    for (std::size_t j = 0; j < rows[i].size(); ++j)
      c.weights(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  }
  return c;
}

// Three sectors. "A": disjoint, weights per sector summing to 1, 0.7 and 0; "B": overlapping,
// sector 0's weights summing to 1.9, sector 1's to 1.
std::vector<io::Concordance> systems() {
  return {system("A", {{0.5, 0.3, 0.0}, {0.25, 0.4, 0.0}, {0.25, 0.0, 0.0}}, false),
          system("B", {{0.9, 0.6, 0.0}, {0.6, 0.2, 0.0}, {0.4, 0.2, 0.0}}, true)};
}

abm::FirmPopulation population(std::size_t n) {
  abm::FirmPopulation f;
  f.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    f.id[i] = static_cast<std::uint32_t>(i);
    f.sector[i] = static_cast<std::uint16_t>(i % 3);
    f.district[i] = static_cast<std::uint16_t>(i % 2);
    f.flags[i] = abm::kActive | (i % 5 == 0 ? abm::kAboveScale : 0);
    f.output[i] = 1.0 + static_cast<double>(i % 7);
    f.value_added_rate[i] = 0.25f;
    f.land[i] = 2.0 + static_cast<double>(i % 3);
  }
  return f;
}

}  // namespace

TEST(ClusterMemberships, SharesConvergeToTheWeights) {
  const auto sys = systems();
  const ClusterAssignment a(sys, 3);
  ASSERT_EQ(a.clusters(), 6u);
  ASSERT_EQ(a.words(), 1u);
  const std::size_t n = 300000;
  const auto f = population(n);
  const auto m = ClusterMemberships::draw_all(a, f, 20240917, 0);
  for (std::size_t s = 0; s < 3; ++s) {
    const double firms = static_cast<double>(n / 3);
    std::size_t first = 0;
    for (const auto& c : sys) {
      for (Eigen::Index k = 0; k < c.weights.rows(); ++k) {
        const double w = c.weights(k, static_cast<Eigen::Index>(s));
        double members = 0;
        for (std::size_t i = s; i < n; i += 3)
          members += m.member(i, first + static_cast<std::size_t>(k));
        const double sd = std::sqrt(w * (1 - w) / firms);
        EXPECT_NEAR(members / firms, w, 5 * sd + 1e-12)
            << c.system << " cluster " << k << " sector " << s;
      }
      first += static_cast<std::size_t>(c.weights.rows());
    }
  }
}

TEST(ClusterMemberships, DisjointOneClusterOverlappingFloorOrCeil) {
  const ClusterAssignment a(systems(), 3);
  const auto f = population(30000);
  const auto m = ClusterMemberships::draw_all(a, f, 5, 2);
  const double sum_b[3] = {1.9, 1.0, 0.0};
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::size_t s = f.sector[i];
    const int in_a = m.member(i, 0) + m.member(i, 1) + m.member(i, 2);
    const int in_b = m.member(i, 3) + m.member(i, 4) + m.member(i, 5);
    if (s == 0) {
      EXPECT_EQ(in_a, 1);  // weights sum to 1: always exactly one
    } else if (s == 1) {
      EXPECT_LE(in_a, 1);
    } else {
      EXPECT_EQ(in_a, 0);
    }
    EXPECT_GE(in_b, static_cast<int>(std::floor(sum_b[s] + 1e-9)));
    EXPECT_LE(in_b, static_cast<int>(std::ceil(sum_b[s] - 1e-9)));
  }
}

TEST(ClusterMemberships, KeyedByFirmNotByOrderOrThreads) {
  const auto sys = std::vector<io::Concordance>{systems()[0]};
  const ClusterAssignment a(sys, 3);
  const auto f = population(5000);
  const auto all = ClusterMemberships::draw_all(a, f, 11, 4);
  ClusterMemberships one_by_one;
  for (std::size_t i = 0; i < f.size(); ++i) one_by_one.append(a, f, i, 11, 4);
  EXPECT_EQ(all.bits, one_by_one.bits);
  // Another replication draws other memberships; the same key the same ones.
  EXPECT_NE(ClusterMemberships::draw_all(a, f, 11, 5).bits, all.bits);
  EXPECT_EQ(ClusterMemberships::draw_all(a, f, 11, 4).bits, all.bits);
}

TEST(ClusterMemberships, ASystemsDrawsDoNotDependOnTheOtherSystems) {
  // B alone, B after A, and B before A: the same firms are in the same clusters of B.
  const auto f = population(3000);
  const auto ab = systems();
  const std::vector<io::Concordance> b_only = {ab[1]}, b_first = {ab[1], ab[0]};
  const auto in_ab = ClusterMemberships::draw_all(ClusterAssignment(ab, 3), f, 5, 2);
  const auto in_b = ClusterMemberships::draw_all(ClusterAssignment(b_only, 3), f, 5, 2);
  const auto in_ba = ClusterMemberships::draw_all(ClusterAssignment(b_first, 3), f, 5, 2);
  for (std::size_t i = 0; i < f.size(); ++i)
    for (std::size_t c = 0; c < 3; ++c) {
      ASSERT_EQ(in_ab.member(i, 3 + c), in_b.member(i, c)) << "firm " << i;
      ASSERT_EQ(in_ba.member(i, c), in_b.member(i, c)) << "firm " << i;
    }
  // The steps: hashes of the names, distinct, below the reserved last step.
  const ClusterAssignment a(ab, 3);
  EXPECT_NE(a.system_step(0), a.system_step(1));
  EXPECT_LT(a.system_step(0), (1u << 20) - 1);
  // Two systems whose names hash alike would still draw apart: same name twice is the extreme.
  const std::vector<io::Concordance> twice = {ab[0], ab[0]};
  const ClusterAssignment t(twice, 3);
  EXPECT_NE(t.system_step(0), t.system_step(1));
}

TEST(ClusterMemberships, MoreThanSixtyFourClustersUseMoreWords) {
  std::vector<std::vector<double>> rows(70, std::vector<double>(1, 1.0 / 70));
  const ClusterAssignment a({system("W", rows, false)}, 1);
  EXPECT_EQ(a.words(), 2u);
  abm::FirmPopulation f;
  f.resize(7000);
  for (std::size_t i = 0; i < f.size(); ++i) f.id[i] = static_cast<std::uint32_t>(i);
  const auto m = ClusterMemberships::draw_all(a, f, 1, 0);
  std::size_t high = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    int in = 0;
    for (std::size_t c = 0; c < 70; ++c) in += m.member(i, c);
    EXPECT_EQ(in, 1);
    high += m.member(i, 69);
  }
  EXPECT_GT(high, 50u);  // about 100 firms in cluster 69 (bit 5 of the second word)
}

TEST(ClusterDistrictSums, CompleteSystemAddsUpToThePopulation) {
  // A disjoint system whose weights sum to 1 for every sector:
  const ClusterAssignment a({system("C", {{0.2, 1.0, 0.5}, {0.8, 0.0, 0.5}}, false)}, 3);
  auto f = population(10001);
  f.flags[3] = 0;  // an exited firm: counted nowhere
  const auto m = ClusterMemberships::draw_all(a, f, 3, 1);
  ClusterDistrictSums sums;
  sums.reset(2, a.clusters());
  sums.add_production(f, m);
  sums.add_stocks(f, m);
  for (std::size_t d = 0; d < 2; ++d) {
    double out = 0, va = 0, above = 0, firms = 0, land = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (f.district[i] != d || !(f.flags[i] & abm::kActive)) continue;
      out += f.output[i];
      va += f.value_added_rate[i] * f.output[i];
      if (f.flags[i] & abm::kAboveScale) above += f.output[i];
      firms += 1;
      land += f.land[i];
    }
    const std::size_t k = d * 2;
    EXPECT_NEAR(sums.output[k] + sums.output[k + 1], out, 1e-9 * out);
    EXPECT_NEAR(sums.value_added[k] + sums.value_added[k + 1], va, 1e-9 * va);
    EXPECT_NEAR(sums.output_above_scale[k] + sums.output_above_scale[k + 1], above, 1e-9 * above);
    EXPECT_EQ(sums.firms[k] + sums.firms[k + 1], firms);
    EXPECT_NEAR(sums.land[k] + sums.land[k + 1], land, 1e-9 * land);
  }
}

TEST(ClusterDistrictSums, CellIndexGivesTheSameSums) {
  // An overlapping system (several clusters per firm), firms appended after the index was built,
  // exited firms and firms below the 规上 line: the sums equal the firm-by-firm ones up to
  // rounding (added by group, then per cell), the counts exactly.
  const ClusterAssignment a({system("O", {{0.7, 1.0, 0.5}, {0.6, 0.3, 0.9}}, true)}, 3);
  auto f = population(9000);
  for (std::size_t i = 0; i < f.size(); ++i) {  // values whose sums depend on the order
    f.output[i] = 0.37 * std::sqrt(1.0 + static_cast<double>(i));
    f.land[i] = 1.3 + 0.1 * static_cast<double>(i % 11) / 3.0;
  }
  auto m = ClusterMemberships::draw_all(a, f, 5, 2);
  const auto cells = abm::ClusterCellIndex::build(f, m, 2, a.clusters());
  const std::size_t base = f.size();
  for (std::size_t j = 0; j < 300; ++j) {
    const std::size_t i = f.push_back_defaults();
    f.id[i] = static_cast<std::uint32_t>(i);
    f.sector[i] = static_cast<std::uint16_t>(j % 3);
    f.district[i] = static_cast<std::uint16_t>(j % 2);
    f.flags[i] = abm::kActive | (j % 2 ? abm::kAboveScale : 0);
    f.output[i] = 0.1 + 0.01 * static_cast<double>(j);
    f.land[i] = 3.0 + static_cast<double>(j % 7);
    f.value_added_rate[i] = 0.25f;
    m.append(a, f, i, 5, 2);
  }
  for (std::size_t i = 0; i < base; i += 17) f.flags[i] = 0;  // exited
  ClusterDistrictSums plain, indexed;
  for (auto* s : {&plain, &indexed}) s->reset(2, a.clusters());
  plain.add_production(f, m);
  plain.add_stocks(f, m);
  indexed.add_production(f, m, &cells);
  indexed.add_stocks(f, m, &cells);
  auto expect_near = [](const std::vector<double>& x, const std::vector<double>& y) {
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t k = 0; k < x.size(); ++k) EXPECT_NEAR(x[k], y[k], 1e-12 * std::abs(x[k]));
  };
  expect_near(plain.output, indexed.output);
  expect_near(plain.value_added, indexed.value_added);
  expect_near(plain.output_above_scale, indexed.output_above_scale);
  EXPECT_EQ(plain.firms, indexed.firms);
  expect_near(plain.land, indexed.land);
  // Every indexed firm's group holds exactly the cells of its district and memberships.
  ASSERT_EQ(cells.group.size(), base);
  for (std::size_t i = 0; i < base; ++i) {
    std::vector<std::uint32_t> expected;
    for (std::size_t c = 0; c < a.clusters(); ++c)
      if (m.member(i, c))
        expected.push_back(static_cast<std::uint32_t>(f.district[i] * a.clusters() + c));
    if (expected.empty()) {
      EXPECT_EQ(cells.group[i], abm::ClusterCellIndex::kNoGroup);
      continue;
    }
    const std::uint32_t g = cells.group[i];
    ASSERT_LT(g, cells.groups());
    EXPECT_EQ(std::vector<std::uint32_t>(cells.cells.begin() + cells.group_offsets[g],
                                         cells.cells.begin() + cells.group_offsets[g + 1]),
              expected);
  }
  EXPECT_LT(cells.groups(), base / 100);  // 2 districts x at most 2^3 membership sets
  double total = 0;
  for (double x : indexed.output) total += x;
  EXPECT_GT(total, 0);
}

TEST(ClusterAssignment, RefusesWeightsOfAnotherTable) {
  EXPECT_THROW(ClusterAssignment({systems()[0]}, 4), std::invalid_argument);
}
