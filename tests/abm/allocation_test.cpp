#include "icsim/abm/allocation.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <vector>

using namespace icsim::abm;

namespace {

struct Spec {
  std::uint16_t sector;
  double capacity;
  float productivity;
  std::uint8_t flags = kActive;
};

FirmPopulation make(const std::vector<Spec>& specs) {
  FirmPopulation p;
  for (const Spec& s : specs) {
    const std::size_t i = p.push_back_defaults();
    p.sector[i] = s.sector;
    p.capacity[i] = s.capacity;
    p.productivity[i] = s.productivity;
    p.flags[i] = s.flags;
    p.output[i] = -1;  // must be overwritten
  }
  return p;
}

AllocationResult run(FirmPopulation& p, std::vector<double> demand, double beta) {
  const SectorIndex ix = SectorIndex::build(p, demand.size());
  return allocate_output(p, demand, beta, ix);
}

// A random population: `n` firms in `sectors` sectors (random order), log-normal capacity and
// productivity, 5 % inactive, 1 % under construction; demand per sector between 50 % and 120 %
// of its capacity.
FirmPopulation random_population(std::size_t n, std::size_t sectors, std::uint32_t seed,
                                 std::vector<double>& demand) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> sec(0, static_cast<int>(sectors) - 1);
  std::lognormal_distribution<double> cap(-2.0, 1.5);
  std::lognormal_distribution<float> prod(0.0f, 0.3f);
  std::uniform_real_distribution<double> u(0, 1);
  FirmPopulation p;
  p.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = p.push_back_defaults();
    p.sector[i] = static_cast<std::uint16_t>(sec(rng));
    p.capacity[i] = cap(rng);
    p.productivity[i] = prod(rng);
    const double r = u(rng);
    p.flags[i] = r < 0.05 ? 0 : r < 0.06 ? (kActive | kUnderConstruction) : kActive;
  }
  const SectorIndex ix = SectorIndex::build(p, sectors);
  demand = sector_capacity(p, ix);
  for (double& d : demand) d *= 0.5 + 0.7 * u(rng);
  return p;
}

// The water-filling conditions, checked firm by firm: output in [0, capacity]; nothing for
// non-producing or zero-weight firms; one level λ with output = λ w for every uncapped firm;
// every capped firm would reach its capacity at that level; conservation per sector.
void check_solution(const FirmPopulation& p, const std::vector<double>& demand, double beta,
                    const AllocationResult& r) {
  const std::size_t S = demand.size();
  std::vector<double> level(S, -1), sum(S, 0), cap(S, 0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    const std::size_t s = p.sector[i];
    const double x = p.output[i];
    ASSERT_GE(x, 0.0);
    if (!producing(p.flags[i])) {
      ASSERT_EQ(x, 0.0) << i;
      continue;
    }
    ASSERT_LE(x, p.capacity[i]) << i;
    sum[s] += x;
    cap[s] += p.capacity[i];
    const double w = p.capacity[i] * competitiveness(p.productivity[i], static_cast<float>(beta));
    if (x < p.capacity[i] * (1 - 1e-12) && w > 0) {
      const double l = x / w;
      if (level[s] < 0) level[s] = l;
      ASSERT_NEAR(l, level[s], 1e-11 * level[s]) << "firm " << i << " sector " << s;
    }
  }
  for (std::size_t i = 0; i < p.size(); ++i) {
    const std::size_t s = p.sector[i];
    if (!producing(p.flags[i]) || level[s] < 0) continue;
    const double w = p.capacity[i] * competitiveness(p.productivity[i], static_cast<float>(beta));
    if (p.output[i] >= p.capacity[i] * (1 - 1e-12)) {
      ASSERT_GE(level[s] * w, p.capacity[i] * (1 - 1e-11)) << "firm " << i << " capped early";
    }
  }
  for (std::size_t s = 0; s < S; ++s) {
    EXPECT_NEAR(r.produced[s], sum[s], 1e-12 * demand[s]);
    EXPECT_NEAR(r.produced[s] + r.shortfall[s], demand[s], 1e-12 * demand[s]) << s;
    EXPECT_NEAR(r.capacity[s], cap[s], 1e-12 * cap[s]);
    if (demand[s] <= cap[s] * (1 - 1e-9))
      EXPECT_EQ(r.shortfall[s], 0.0);
    else
      EXPECT_NEAR(r.shortfall[s], demand[s] - cap[s], 1e-12 * demand[s]);
  }
}

}  // namespace

TEST(Allocation, SectorIndexGroupsFirmsInIndexOrder) {
  FirmPopulation p = make({{2, 1, 1}, {0, 1, 1}, {2, 1, 1}, {1, 1, 1}, {0, 1, 1}});
  const SectorIndex ix = SectorIndex::build(p, 4);
  ASSERT_EQ(ix.sectors(), 4u);
  EXPECT_EQ(ix.offsets, (std::vector<std::uint32_t>{0, 2, 3, 5, 5}));
  EXPECT_EQ(ix.firms, (std::vector<std::uint32_t>{1, 4, 3, 0, 2}));
  EXPECT_EQ(ix.by_size[0] == 0 || ix.by_size[0] == 2, true);
  EXPECT_EQ(ix.by_size[3], 3u);
  EXPECT_THROW(SectorIndex::build(p, 2), std::invalid_argument);
}

TEST(Allocation, BetaZeroBelowDemandSharesByCapacity) {
  FirmPopulation p = make({{0, 10, 1}, {0, 20, 3}, {0, 30, 0.5f}});
  const AllocationResult r = run(p, {30}, 0);
  EXPECT_DOUBLE_EQ(p.output[0], 5);
  EXPECT_DOUBLE_EQ(p.output[1], 10);
  EXPECT_DOUBLE_EQ(p.output[2], 15);
  EXPECT_DOUBLE_EQ(r.produced[0], 30);
  EXPECT_EQ(r.shortfall[0], 0);
  EXPECT_DOUBLE_EQ(r.capacity[0], 60);
}

TEST(Allocation, DemandAtCapacityFillsEveryFirm) {
  FirmPopulation p = make({{0, 10, 2}, {0, 20, 1}, {0, 30, 1}});
  const AllocationResult r = run(p, {60}, 1);
  EXPECT_EQ(p.output[0], 10);
  EXPECT_EQ(p.output[1], 20);
  EXPECT_EQ(p.output[2], 30);
  EXPECT_EQ(r.produced[0], 60);
  EXPECT_EQ(r.shortfall[0], 0);
}

TEST(Allocation, DemandAboveCapacityLeavesAShortfall) {
  FirmPopulation p = make({{0, 10, 2}, {0, 20, 1}, {0, 30, 1}});
  const AllocationResult r = run(p, {70}, 1);
  EXPECT_EQ(p.output[0], 10);
  EXPECT_EQ(p.output[1], 20);
  EXPECT_EQ(p.output[2], 30);
  EXPECT_EQ(r.produced[0], 60);
  EXPECT_EQ(r.shortfall[0], 10);
}

TEST(Allocation, BetaOneWeightsByProductivity) {
  // Weights 20, 10, 10; demand 20: level 0.5, firm 0 exactly at its capacity.
  FirmPopulation p = make({{0, 10, 2}, {0, 10, 1}, {0, 10, 1}});
  run(p, {20}, 1);
  EXPECT_DOUBLE_EQ(p.output[0], 10);
  EXPECT_DOUBLE_EQ(p.output[1], 5);
  EXPECT_DOUBLE_EQ(p.output[2], 5);
}

TEST(Allocation, CappedFirmsExcessIsRedistributed) {
  // Weights 20, 10, 10; demand 24: firm 0 would get 12 > 10, is capped, and its excess 2 is
  // shared by firms 1 and 2 in proportion to their weights: 7 each.
  FirmPopulation p = make({{0, 10, 2}, {0, 10, 1}, {0, 10, 1}});
  const AllocationResult r = run(p, {24}, 1);
  EXPECT_DOUBLE_EQ(p.output[0], 10);
  EXPECT_DOUBLE_EQ(p.output[1], 7);
  EXPECT_DOUBLE_EQ(p.output[2], 7);
  EXPECT_DOUBLE_EQ(r.produced[0], 24);
  EXPECT_EQ(r.shortfall[0], 0);
  // Two rounds of capping: weights 40, 20, 10 (caps 10, 10, 10), demand 27: level 27/70 gives
  // firm 0 15.4 (capped); 17/30 gives firm 1 11.3 (capped); firm 2 gets 7.
  FirmPopulation q = make({{0, 10, 4}, {0, 10, 2}, {0, 10, 1}});
  run(q, {27}, 1);
  EXPECT_DOUBLE_EQ(q.output[0], 10);
  EXPECT_DOUBLE_EQ(q.output[1], 10);
  EXPECT_DOUBLE_EQ(q.output[2], 7);
}

TEST(Allocation, InactiveAndUnbuiltFirmsGetNothing) {
  FirmPopulation p =
      make({{0, 10, 1}, {0, 20, 1, 0}, {0, 30, 1}, {0, 40, 1, kActive | kUnderConstruction}});
  AllocationResult r = run(p, {20}, 0);
  EXPECT_DOUBLE_EQ(p.output[0], 5);
  EXPECT_EQ(p.output[1], 0);
  EXPECT_DOUBLE_EQ(p.output[2], 15);
  EXPECT_EQ(p.output[3], 0);
  EXPECT_DOUBLE_EQ(r.capacity[0], 40);
  const SectorIndex ix = SectorIndex::build(p, 1);
  EXPECT_EQ(sector_capacity(p, ix), std::vector<double>{40});
  r = run(p, {50}, 0);  // above the producing firms' capacity
  EXPECT_EQ(p.output[0], 10);
  EXPECT_EQ(p.output[1], 0);
  EXPECT_EQ(p.output[2], 30);
  EXPECT_EQ(p.output[3], 0);
  EXPECT_EQ(r.shortfall[0], 10);
}

TEST(Allocation, SectorsAreSeparate) {
  FirmPopulation p = make({{1, 10, 1}, {0, 10, 1}, {1, 30, 1}, {2, 5, 1}});
  const AllocationResult r = run(p, {4, 20, 0}, 0);
  EXPECT_DOUBLE_EQ(p.output[1], 4);
  EXPECT_DOUBLE_EQ(p.output[0], 5);
  EXPECT_DOUBLE_EQ(p.output[2], 15);
  EXPECT_EQ(p.output[3], 0);
  EXPECT_EQ(r.produced, (std::vector<double>{4, 20, 0}));
  EXPECT_EQ(r.shortfall, (std::vector<double>{0, 0, 0}));
}

TEST(Allocation, ZeroWeightFirmsAndEmptySectors) {
  // Productivity 0 with beta > 0: weight 0, nothing below capacity.
  FirmPopulation p = make({{0, 10, 0}, {0, 10, 1}, {0, 0, 1}});
  AllocationResult r = run(p, {5, 0, 3}, 1);  // sectors 1 and 2 have no firms
  EXPECT_EQ(p.output[0], 0);
  EXPECT_DOUBLE_EQ(p.output[1], 5);
  EXPECT_EQ(p.output[2], 0);
  EXPECT_EQ(r.shortfall[1], 0);
  EXPECT_EQ(r.shortfall[2], 3);
  // The positive-weight firm cannot take 15 although the sector could: the rest leaks.
  r = run(p, {15}, 1);
  EXPECT_EQ(p.output[0], 0);
  EXPECT_EQ(p.output[1], 10);
  EXPECT_EQ(r.shortfall[0], 5);
  // Supply-constrained: everyone at capacity, weights regardless.
  r = run(p, {25}, 1);
  EXPECT_EQ(p.output[0], 10);
  EXPECT_EQ(p.output[1], 10);
  EXPECT_EQ(r.shortfall[0], 5);
}

TEST(Allocation, RejectsBadArguments) {
  FirmPopulation p = make({{0, 10, 1}});
  const SectorIndex ix = SectorIndex::build(p, 1);
  EXPECT_THROW(allocate_output(p, std::vector<double>{1, 2}, 0, ix), std::invalid_argument);
  EXPECT_THROW(allocate_output(p, std::vector<double>{-1}, 0, ix), std::invalid_argument);
  EXPECT_THROW(allocate_output(p, std::vector<double>{NAN}, 0, ix), std::invalid_argument);
  EXPECT_THROW(allocate_output(p, std::vector<double>{1}, -0.5, ix), std::invalid_argument);
  p.push_back_defaults();
  EXPECT_THROW(allocate_output(p, std::vector<double>{1}, 0, ix), std::invalid_argument);
}

TEST(Allocation, RandomPopulationsSatisfyTheWaterFillingConditions) {
  for (double beta : {0.0, 0.5, 1.0, 2.0, 4.0}) {
    SCOPED_TRACE(beta);
    std::vector<double> demand;
    FirmPopulation p = random_population(20000, 25, 7, demand);
    const AllocationResult r = run(p, demand, beta);
    check_solution(p, demand, beta, r);
  }
}

TEST(Allocation, TheSortedSweepGivesTheSameSolution) {
  // With the round limit at 1 or 2 the sorted sweep finds the level; the firms' outputs must
  // agree with the rounds' solution to rounding.
  std::vector<double> demand;
  const FirmPopulation base = random_population(20000, 25, 17, demand);
  for (double beta : {0.5, 2.0}) {
    SCOPED_TRACE(beta);
    FirmPopulation rounds = base;
    const SectorIndex ix = SectorIndex::build(rounds, demand.size());
    const AllocationResult a = allocate_output(rounds, demand, beta, ix);
    for (int limit : {1, 2}) {
      FirmPopulation sweep = base;
      AllocationWorkspace ws;
      ws.max_rounds = limit;
      const AllocationResult b = allocate_output(sweep, demand, beta, ix, &ws);
      check_solution(sweep, demand, beta, b);
      for (std::uint32_t r : b.rounds) EXPECT_LE(r, static_cast<std::uint32_t>(limit));
      for (std::size_t i = 0; i < base.size(); ++i)
        ASSERT_NEAR(sweep.output[i], rounds.output[i], 1e-12 * base.capacity[i]) << i;
    }
    // Most sectors are below capacity, so solved by rounds (>= 2) in `a`.
    EXPECT_GT(
        std::count_if(a.rounds.begin(), a.rounds.end(), [](std::uint32_t r) { return r >= 2; }),
        10);
  }
  // Productivities spread so widely that each round caps only a few firms.
  std::vector<Spec> specs;
  for (int k = 0; k < 400; ++k) specs.push_back({0, 1.0, static_cast<float>(std::pow(1.03, k))});
  FirmPopulation p = make(specs);
  const std::vector<double> demand1{395};
  const AllocationResult r = run(p, demand1, 3);
  EXPECT_GT(r.rounds[0], 10u);
  check_solution(p, demand1, 3, r);
}

TEST(Allocation, ConservesDemandToRoundingOnALargePopulation) {
  std::vector<double> demand;
  FirmPopulation p = random_population(100000, 25, 11, demand);
  const AllocationResult r = run(p, demand, 1);
  for (std::size_t s = 0; s < demand.size(); ++s) {
    double sum = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (p.sector[i] == s) sum += p.output[i];
    EXPECT_NEAR(sum + r.shortfall[s], demand[s], 1e-12 * demand[s]);
  }
}

TEST(Allocation, BitIdenticalForAnyThreadCount) {
  std::vector<double> demand;
  const FirmPopulation base = random_population(100000, 25, 3, demand);
  const int saved = omp_get_max_threads();
  std::vector<FirmPopulation> runs;
  std::vector<AllocationResult> results;
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    FirmPopulation p = base;
    results.push_back(run(p, demand, 1.5));
    runs.push_back(std::move(p));
  }
  omp_set_num_threads(saved);
  for (std::size_t k = 1; k < runs.size(); ++k) {
    const auto& a = runs[0].output;
    const auto& b = runs[k].output;
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0);
    EXPECT_EQ(std::memcmp(results[0].produced.data(), results[k].produced.data(),
                          demand.size() * sizeof(double)),
              0);
    EXPECT_EQ(std::memcmp(results[0].shortfall.data(), results[k].shortfall.data(),
                          demand.size() * sizeof(double)),
              0);
  }
}

TEST(Allocation, DemandEqualToSectorCapacityIsMetExactly) {
  std::vector<double> demand;
  FirmPopulation p = random_population(30000, 25, 23, demand);
  const SectorIndex ix = SectorIndex::build(p, 25);
  demand = sector_capacity(p, ix);
  const AllocationResult r = allocate_output(p, demand, 1.7, ix);
  for (std::size_t s = 0; s < 25; ++s) {
    EXPECT_EQ(r.shortfall[s], 0.0);
    EXPECT_EQ(r.produced[s], demand[s]);
    EXPECT_EQ(r.capacity[s], demand[s]);
  }
  for (std::size_t i = 0; i < p.size(); ++i)
    ASSERT_EQ(p.output[i], producing(p.flags[i]) ? p.capacity[i] : 0.0);
}
