#pragma once
// Firm accounts (docs/model.md §3 step 5) and the statistics the bureau keeps on them (step 10):
// per active firm value added, tax, employment, energy and profit from its output; sector, district
// and region totals, for all active firms and for the above-scale (规上) ones; the kAboveScale
// flag update and the count of 小升规 crossings. One pass over the arrays in firm order.
//
// Determinism: firms are cut into fixed chunks whose size depends only on the number of firms
// (never on the thread count); each chunk sums in firm-index order and chunks are combined in
// chunk order, so every total is bit-identical for any number of OpenMP threads.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "icsim/abm/allocation.hpp"
#include "icsim/abm/firms.hpp"

namespace icsim::abm {

struct AccountsParameters {
  // Labour cost = wage_per_person × employment + labour_share_of_value_added × value added.
  // Use one of the two (the other 0). Wage in money per person-year (亿元: 1e-4 = 1 万元).
  double wage_per_person = 0;
  double labour_share_of_value_added = 0;
  double depreciation_rate = 0;  // of capital per year
  // Share of the firm's tax deducted from its profit (0 = profit before tax, the default).
  double tax_share_in_profit = 0;
  // 规上: output (revenue) >= this (0.2 亿元 = 20 million yuan).
  double above_scale_threshold = 0.2;
};

// Sums over a group of active firms (money per year, persons, tce).
struct FirmTotals {
  std::uint64_t firms = 0;
  double output = 0;
  double value_added = 0;
  double tax = 0;
  double employment = 0;
  double energy = 0;
  double labour_cost = 0;
  double depreciation = 0;
  double surcharge = 0;
  double profit = 0;
  double capital = 0;
  double land = 0;
  // Firms whose kAboveScale flag went 0 -> 1 this year (小升规) and 1 -> 0. In the
  // above-scale totals the first counts the same firms and the second is 0.
  std::uint64_t entered_above_scale = 0;
  std::uint64_t left_above_scale = 0;

  FirmTotals& operator+=(const FirmTotals& o);
};

struct AccountsResult {
  std::vector<FirmTotals> sector, district;  // all active firms
  FirmTotals region;                         // Σ sectors in sector order
  std::vector<FirmTotals> sector_above_scale, district_above_scale;
  FirmTotals region_above_scale;
};

// Computes the accounts of every active firm from firms.output, updates kAboveScale on every
// firm (cleared on inactive ones, which count nowhere) and returns the totals. `surcharge` is a
// per-firm cost for the year (e.g. the differential electricity surcharge of its 亩均 class),
// empty for none. If `firm_profit` is non-empty it receives each firm's profit (0 if inactive).
// A firm whose sector >= sectors or district >= districts throws std::invalid_argument, as do
// spans of the wrong size.
//
// Per firm: VA = value_added_rate × output; tax = tax_rate × output; employment =
// labour_per_output × output; energy = energy_per_output × output; labour cost as above;
// depreciation = depreciation_rate × capital; profit = VA - labour cost - depreciation -
// surcharge - tax_share_in_profit × tax.
AccountsResult compute_accounts(FirmPopulation& firms, std::size_t sectors, std::size_t districts,
                                const AccountsParameters& parameters,
                                std::span<const double> surcharge = {},
                                std::span<double> firm_profit = {});

// The yearly firm update: allocate_output (allocation.hpp) then compute_accounts
// (sectors = index.sectors()). Two passes over the firms after the per-sector solve: fusing the
// output write into the accounts pass measured slower (benchmarks/firm_update_bench.cpp).
struct FirmUpdateResult {
  AllocationResult allocation;
  AccountsResult accounts;
};
FirmUpdateResult update_firms(FirmPopulation& firms, std::span<const double> sector_demand,
                              double beta, const SectorIndex& index, std::size_t districts,
                              const AccountsParameters& parameters,
                              std::span<const double> surcharge = {},
                              std::span<double> firm_profit = {},
                              AllocationWorkspace* workspace = nullptr);

// Chunk size used by compute_accounts for n firms (a function of n alone).
std::size_t accounts_chunk_size(std::size_t n);

}  // namespace icsim::abm
