#include "icsim/abm/accounts.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <cstring>
#include <random>
#include <stdexcept>
#include <vector>

#include "icsim/abm/allocation.hpp"

using namespace icsim::abm;

namespace {

struct Spec {
  std::uint16_t sector, district;
  double output;
  std::uint8_t flags;
};

// Value added rate 0.25, tax rate 0.1, 2 persons and 0.5 tce per unit of output, capital 4 ×
// output, land 1 mu per firm.
FirmPopulation make(const std::vector<Spec>& specs) {
  FirmPopulation p;
  for (const Spec& s : specs) {
    const std::size_t i = p.push_back_defaults();
    p.sector[i] = s.sector;
    p.district[i] = s.district;
    p.output[i] = s.output;
    p.flags[i] = s.flags;
    p.value_added_rate[i] = 0.25f;
    p.tax_rate[i] = 0.125f;
    p.labour_per_output[i] = 2.0f;
    p.energy_per_output[i] = 0.5f;
    p.capital[i] = 4 * s.output;
    p.land[i] = 1;
  }
  return p;
}

FirmPopulation random_population(std::size_t n, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> sec(0, 24), dis(0, 9);
  std::lognormal_distribution<double> out(-2.5, 1.5);
  std::uniform_real_distribution<float> u(0, 1);
  FirmPopulation p;
  p.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = p.push_back_defaults();
    p.sector[i] = static_cast<std::uint16_t>(sec(rng));
    p.district[i] = static_cast<std::uint16_t>(dis(rng));
    p.output[i] = out(rng);
    p.capital[i] = 2 * out(rng);
    p.land[i] = 10 * u(rng);
    p.value_added_rate[i] = 0.15f + 0.2f * u(rng);
    p.tax_rate[i] = 0.05f * u(rng);
    p.labour_per_output[i] = 50 * u(rng);
    p.energy_per_output[i] = 100 * u(rng);
    const float r = u(rng);
    p.flags[i] = r < 0.03f ? 0 : r < 0.4f ? (kActive | kAboveScale) : kActive;
  }
  return p;
}

}  // namespace

TEST(Accounts, HandCase) {
  // Threshold 0.2. Firm 0: small, stays small. Firm 1: exactly 0.2, was small: 小升规. Firm 2:
  // above, stays. Firm 3: was above, falls below. Firm 4: inactive (flag cleared, counts
  // nowhere). Sectors 0 (firms 0, 1, 4) and 1 (firms 2, 3); districts 0 (0, 2) and 1 (1, 3, 4).
  FirmPopulation p = make({{0, 0, 0.1, kActive},
                           {0, 1, 0.2, kActive},
                           {1, 0, 0.8, kActive | kAboveScale},
                           {1, 1, 0.19, kActive | kAboveScale},
                           {0, 1, 5.0, kAboveScale}});
  AccountsParameters par;
  par.wage_per_person = 0.01;
  par.depreciation_rate = 0.05;
  const std::vector<double> surcharge{0, 0, 0.01, 0, 0};
  std::vector<double> profit(5, -99);
  const AccountsResult r = compute_accounts(p, 2, 2, par, surcharge, profit);

  // Profit = 0.25 x - 0.01 × 2x - 0.05 × 4x - surcharge = 0.03 x - surcharge.
  EXPECT_NEAR(profit[0], 0.03 * 0.1, 1e-15);
  EXPECT_NEAR(profit[1], 0.03 * 0.2, 1e-15);
  EXPECT_NEAR(profit[2], 0.03 * 0.8 - 0.01, 1e-15);
  EXPECT_NEAR(profit[3], 0.03 * 0.19, 1e-15);
  EXPECT_EQ(profit[4], 0);

  EXPECT_EQ(p.flags[0], kActive);
  EXPECT_EQ(p.flags[1], kActive | kAboveScale);
  EXPECT_EQ(p.flags[2], kActive | kAboveScale);
  EXPECT_EQ(p.flags[3], kActive);
  EXPECT_EQ(p.flags[4], 0);

  EXPECT_EQ(r.sector[0].firms, 2u);
  EXPECT_EQ(r.sector[1].firms, 2u);
  EXPECT_DOUBLE_EQ(r.sector[0].output, 0.3);
  EXPECT_DOUBLE_EQ(r.sector[1].output, 0.99);
  EXPECT_DOUBLE_EQ(r.sector[0].value_added, 0.075);
  EXPECT_DOUBLE_EQ(r.sector[1].tax, 0.125 * 0.99);
  EXPECT_DOUBLE_EQ(r.district[1].employment, 2 * 0.39);
  EXPECT_DOUBLE_EQ(r.district[0].energy, 0.5 * 0.9);
  EXPECT_DOUBLE_EQ(r.district[0].surcharge, 0.01);
  EXPECT_DOUBLE_EQ(r.district[0].depreciation, 0.05 * 4 * 0.9);
  EXPECT_DOUBLE_EQ(r.district[1].land, 2);
  EXPECT_EQ(r.region.firms, 4u);
  EXPECT_DOUBLE_EQ(r.region.output, 1.29);
  EXPECT_NEAR(r.region.profit, 0.03 * 1.29 - 0.01, 1e-15);

  // 规上: firms 1 and 2.
  EXPECT_EQ(r.region_above_scale.firms, 2u);
  EXPECT_EQ(r.sector_above_scale[0].firms, 1u);
  EXPECT_EQ(r.sector_above_scale[1].firms, 1u);
  EXPECT_DOUBLE_EQ(r.sector_above_scale[1].output, 0.8);
  EXPECT_EQ(r.district_above_scale[0].firms, 1u);
  EXPECT_DOUBLE_EQ(r.district_above_scale[1].value_added, 0.05);
  EXPECT_DOUBLE_EQ(r.region_above_scale.output, 1.0);
  // 小升规: firm 1 only; firm 3 left.
  EXPECT_EQ(r.region.entered_above_scale, 1u);
  EXPECT_EQ(r.region.left_above_scale, 1u);
  EXPECT_EQ(r.sector[0].entered_above_scale, 1u);
  EXPECT_EQ(r.district[1].entered_above_scale, 1u);
  EXPECT_EQ(r.district[1].left_above_scale, 1u);
  EXPECT_EQ(r.district[0].entered_above_scale, 0u);

  // A second year with the same outputs: nobody crosses.
  const AccountsResult again = compute_accounts(p, 2, 2, par);
  EXPECT_EQ(again.region.entered_above_scale, 0u);
  EXPECT_EQ(again.region.left_above_scale, 0u);
  EXPECT_EQ(again.region_above_scale.firms, 2u);
  EXPECT_DOUBLE_EQ(again.region.surcharge, 0);
}

TEST(Accounts, LabourShareAndTaxInProfit) {
  FirmPopulation p = make({{0, 0, 1.0, kActive}});
  AccountsParameters par;
  par.labour_share_of_value_added = 0.6;
  par.tax_share_in_profit = 1;
  std::vector<double> profit(1);
  const AccountsResult r = compute_accounts(p, 1, 1, par, {}, profit);
  EXPECT_DOUBLE_EQ(r.region.labour_cost, 0.15);
  EXPECT_NEAR(profit[0], 0.25 - 0.15 - 0.125, 1e-15);
}

TEST(Accounts, SumsOfFirmsEqualTheTotals) {
  FirmPopulation p = random_population(50000, 5);
  AccountsParameters par;
  par.wage_per_person = 0.0001;
  par.depreciation_rate = 0.08;
  std::vector<double> profit(p.size());
  const std::vector<std::uint8_t> before = p.flags;
  const AccountsResult r = compute_accounts(p, 25, 10, par, {}, profit);
  std::vector<double> va(25, 0), va_above(25, 0), prof_d(10, 0);
  std::vector<long> above(10, 0), entered(25, 0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!(p.flags[i] & kActive)) continue;
    const double v = static_cast<double>(p.value_added_rate[i]) * p.output[i];
    va[p.sector[i]] += v;
    prof_d[p.district[i]] += profit[i];
    if (p.output[i] >= 0.2) {
      va_above[p.sector[i]] += v;
      ++above[p.district[i]];
      if (!(before[i] & kAboveScale)) ++entered[p.sector[i]];
    }
  }
  double region = 0;
  for (std::size_t s = 0; s < 25; ++s) {
    EXPECT_NEAR(r.sector[s].value_added, va[s], 1e-12 * va[s]);
    EXPECT_NEAR(r.sector_above_scale[s].value_added, va_above[s], 1e-12 * va_above[s]);
    EXPECT_EQ(r.sector[s].entered_above_scale, static_cast<std::uint64_t>(entered[s]));
    region += r.sector[s].value_added;
  }
  EXPECT_EQ(r.region.value_added, region);
  for (std::size_t d = 0; d < 10; ++d) {
    EXPECT_NEAR(r.district[d].profit, prof_d[d], 1e-11 * std::abs(prof_d[d]));
    EXPECT_EQ(r.district_above_scale[d].firms, static_cast<std::uint64_t>(above[d]));
  }
  // Value added = labour cost + depreciation + surcharge + profit (tax not deducted here).
  const FirmTotals& t = r.region;
  EXPECT_NEAR(t.value_added, t.labour_cost + t.depreciation + t.surcharge + t.profit,
              1e-12 * t.value_added);
}

TEST(Accounts, BitIdenticalForAnyThreadCount) {
  const FirmPopulation base = random_population(100000, 9);
  AccountsParameters par;
  par.wage_per_person = 0.0001;
  par.depreciation_rate = 0.08;
  std::vector<double> surcharge(base.size());
  for (std::size_t i = 0; i < base.size(); ++i) surcharge[i] = 1e-4 * static_cast<double>(i % 7);
  const int saved = omp_get_max_threads();
  std::vector<AccountsResult> results;
  std::vector<std::vector<double>> profits;
  std::vector<std::vector<std::uint8_t>> flags;
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    FirmPopulation p = base;
    profits.emplace_back(p.size());
    results.push_back(compute_accounts(p, 25, 10, par, surcharge, profits.back()));
    flags.push_back(p.flags);
  }
  omp_set_num_threads(saved);
  static_assert(sizeof(FirmTotals) == 14 * 8, "no padding, so memcmp is meaningful");
  for (std::size_t k = 1; k < results.size(); ++k) {
    EXPECT_EQ(
        std::memcmp(results[0].sector.data(), results[k].sector.data(), 25 * sizeof(FirmTotals)),
        0);
    EXPECT_EQ(std::memcmp(results[0].district_above_scale.data(),
                          results[k].district_above_scale.data(), 10 * sizeof(FirmTotals)),
              0);
    EXPECT_EQ(std::memcmp(&results[0].region, &results[k].region, sizeof(FirmTotals)), 0);
    EXPECT_EQ(profits[0], profits[k]);
    EXPECT_EQ(flags[0], flags[k]);
  }
}

TEST(Accounts, RejectsOutOfRangeAndWrongSizes) {
  FirmPopulation p = make({{0, 3, 1.0, kActive}});
  EXPECT_THROW(compute_accounts(p, 1, 3, {}), std::invalid_argument);
  EXPECT_THROW(compute_accounts(p, 1, 4, {}, std::vector<double>{1, 2}), std::invalid_argument);
  EXPECT_NO_THROW(compute_accounts(p, 1, 4, {}));
}

TEST(Accounts, AfterAllocationSectorOutputIsTheSumOfFirmOutput) {
  FirmPopulation p = random_population(20000, 13);
  for (std::size_t i = 0; i < p.size(); ++i) p.capacity[i] = p.output[i] * 1.2;
  const SectorIndex ix = SectorIndex::build(p, 25);
  std::vector<double> demand = sector_capacity(p, ix);
  for (double& d : demand) d *= 0.9;
  const AllocationResult a = allocate_output(p, demand, 1, ix);
  const AccountsResult r = compute_accounts(p, 25, 10, {});
  for (std::size_t s = 0; s < 25; ++s)
    EXPECT_NEAR(r.sector[s].output, a.produced[s], 1e-12 * a.produced[s]);
}

TEST(Accounts, FusedUpdateEqualsAllocationThenAccountsBitForBit) {
  FirmPopulation base = random_population(60000, 21);
  for (std::size_t i = 0; i < base.size(); ++i) {
    base.capacity[i] = base.output[i] * 1.3;
    base.productivity[i] = 0.5f + static_cast<float>(i % 11) * 0.1f;
    base.output[i] = -1;
  }
  const SectorIndex ix = SectorIndex::build(base, 25);
  std::vector<double> demand = sector_capacity(base, ix);
  for (std::size_t s = 0; s < demand.size(); ++s) demand[s] *= 0.6 + 0.03 * static_cast<double>(s);
  AccountsParameters par;
  par.wage_per_person = 0.0001;
  par.depreciation_rate = 0.08;
  std::vector<double> surcharge(base.size(), 0.001);

  FirmPopulation two_step = base;
  std::vector<double> profit_a(base.size());
  const AllocationResult a = allocate_output(two_step, demand, 1.3, ix);
  const AccountsResult ra = compute_accounts(two_step, 25, 10, par, surcharge, profit_a);

  const int saved = omp_get_max_threads();
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    FirmPopulation fused = base;
    std::vector<double> profit_b(base.size());
    AllocationWorkspace ws;
    const FirmUpdateResult b =
        update_firms(fused, demand, 1.3, ix, 10, par, surcharge, profit_b, &ws);
    EXPECT_EQ(fused.output, two_step.output);
    EXPECT_EQ(fused.flags, two_step.flags);
    EXPECT_EQ(profit_b, profit_a);
    EXPECT_EQ(b.allocation.produced, a.produced);
    EXPECT_EQ(b.allocation.shortfall, a.shortfall);
    EXPECT_EQ(std::memcmp(b.accounts.sector.data(), ra.sector.data(), 25 * sizeof(FirmTotals)), 0);
    EXPECT_EQ(std::memcmp(b.accounts.district.data(), ra.district.data(), 10 * sizeof(FirmTotals)),
              0);
    EXPECT_EQ(
        std::memcmp(&b.accounts.region_above_scale, &ra.region_above_scale, sizeof(FirmTotals)), 0);
  }
  omp_set_num_threads(saved);
}
