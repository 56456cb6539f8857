#include "icsim/abm/accounts.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>

namespace icsim::abm {

FirmTotals& FirmTotals::operator+=(const FirmTotals& o) {
  firms += o.firms;
  output += o.output;
  value_added += o.value_added;
  tax += o.tax;
  employment += o.employment;
  energy += o.energy;
  labour_cost += o.labour_cost;
  depreciation += o.depreciation;
  surcharge += o.surcharge;
  profit += o.profit;
  capital += o.capital;
  land += o.land;
  entered_above_scale += o.entered_above_scale;
  left_above_scale += o.left_above_scale;
  return *this;
}

std::size_t accounts_chunk_size(std::size_t n) {
  constexpr std::size_t kMinChunk = 1024, kMaxChunks = 128;
  const std::size_t c = (n + kMaxChunks - 1) / kMaxChunks;
  return std::max(kMinChunk, (c + 63) / 64 * 64);
}

namespace {

inline void add_firm(FirmTotals& t, double out, double va, double tax, double emp, double energy,
                     double labour, double dep, double sur, double profit, double capital,
                     double land, unsigned entered, unsigned left) {
  ++t.firms;
  t.entered_above_scale += entered;
  t.left_above_scale += left;
  t.output += out;
  t.value_added += va;
  t.tax += tax;
  t.employment += emp;
  t.energy += energy;
  t.labour_cost += labour;
  t.depreciation += dep;
  t.surcharge += sur;
  t.profit += profit;
  t.capital += capital;
  t.land += land;
}

}  // namespace

namespace {

// The accounts pass; out_of(i) gives firm i's output. Called once for every firm, active or
// not, in firm order. (Fusing the allocation's output pass in here, out_of reading the
// sector-ordered workspace and writing firms.output, measured slower than two passes: the
// scattered workspace reads stall the heavier loop.)
template <class Output>
AccountsResult accounts_pass(FirmPopulation& firms, std::size_t sectors, std::size_t districts,
                             const AccountsParameters& p, std::span<const double> surcharge,
                             std::span<double> firm_profit, Output&& out_of) {
  const std::size_t n = firms.size();
  if (!surcharge.empty() && surcharge.size() != n)
    throw std::invalid_argument("compute_accounts: " + std::to_string(surcharge.size()) +
                                " surcharges for " + std::to_string(n) + " firms");
  if (!firm_profit.empty() && firm_profit.size() != n)
    throw std::invalid_argument("compute_accounts: profit span of " +
                                std::to_string(firm_profit.size()) + " for " + std::to_string(n) +
                                " firms");
  const std::size_t S = sectors, D = districts;
  const std::size_t chunk = accounts_chunk_size(n);
  const std::size_t chunks = (n + chunk - 1) / chunk;
  // Per chunk: totals per (sector, class) then per (district, class), class 1 = above-scale
  // now, class 0 = not; the all-firm totals are the sum of the two classes. One update per firm
  // and grouping, without a branch on the class.
  // Blocks of neighbouring chunks (often run at the same time by different threads) are kept
  // apart by one unused FirmTotals (112 bytes), so that no cache line is shared between them.
  const std::size_t stride = 2 * (S + D);
  const std::size_t block = stride + 1;
  std::vector<FirmTotals> partial(chunks * block);
  std::atomic<bool> bad{false};

  const std::uint16_t* sector = firms.sector.data();
  const std::uint16_t* district = firms.district.data();
  std::uint8_t* flags = firms.flags.data();
  const double* capital = firms.capital.data();
  const double* land = firms.land.data();
  const float* va_rate = firms.value_added_rate.data();
  const float* tax_rate = firms.tax_rate.data();
  const float* labour = firms.labour_per_output.data();
  const float* energy_rate = firms.energy_per_output.data();
  const double* sur = surcharge.empty() ? nullptr : surcharge.data();
  double* profit_out = firm_profit.empty() ? nullptr : firm_profit.data();
  const double wage = p.wage_per_person, share = p.labour_share_of_value_added;
  const double dep_rate = p.depreciation_rate, tax_share = p.tax_share_in_profit;
  const double threshold = p.above_scale_threshold;

  const long long nchunks = static_cast<long long>(chunks);
  // One chunk: no thread team (its start-up and barrier cost more than the pass).
#pragma omp parallel for schedule(dynamic, 1) if (nchunks > 1)
  for (long long c = 0; c < nchunks; ++c) {
    FirmTotals* sec = partial.data() + static_cast<std::size_t>(c) * block;
    FirmTotals* dis = sec + 2 * S;
    const std::size_t begin = static_cast<std::size_t>(c) * chunk;
    const std::size_t end = std::min(n, begin + chunk);
    bool chunk_bad = false;
    // A local copy: its captured pointers then stay in registers (the flags stores, through a
    // char type, could otherwise alias the caller's closure and force reloads).
    auto local_out_of = out_of;
    // Firms come in runs of one sector and district (the population is synthesised cell by
    // cell): a run's totals by class are summed here and added to its sector's and district's
    // when the run ends, so that each firm updates one FirmTotals instead of two.
    FirmTotals run[2];
    std::size_t run_s = S, run_d = D;
    const auto flush = [&] {
      if (run_s == S) return;
      for (unsigned a = 0; a < 2; ++a) {
        if (run[a].firms == 0) continue;
        sec[2 * run_s + a] += run[a];
        dis[2 * run_d + a] += run[a];
        run[a] = FirmTotals{};
      }
    };
    for (std::size_t i = begin; i < end; ++i) {
      const double out = local_out_of(i);
      const std::uint8_t f = flags[i];
      if (!(f & kActive)) {
        flags[i] = static_cast<std::uint8_t>(f & ~kAboveScale);
        if (profit_out) profit_out[i] = 0;
        continue;
      }
      const std::size_t s = sector[i], d = district[i];
      if (s >= S || d >= D) {
        chunk_bad = true;
        continue;
      }
      const double va = va_rate[i] * out;
      const double tax = tax_rate[i] * out;
      const double emp = labour[i] * out;
      const double energy = energy_rate[i] * out;
      const double labour_cost = wage * emp + share * va;
      const double dep = dep_rate * capital[i];
      const double s_cost = sur ? sur[i] : 0.0;
      const double profit = va - labour_cost - dep - s_cost - tax_share * tax;
      if (profit_out) profit_out[i] = profit;
      const unsigned above = out >= threshold;
      const unsigned was = (f & kAboveScale) != 0;
      flags[i] = static_cast<std::uint8_t>((f & ~kAboveScale) | (above ? kAboveScale : 0));
      const unsigned entered = above & (was ^ 1u), left = was & (above ^ 1u);
      if (s != run_s || d != run_d) [[unlikely]] {
        flush();
        run_s = s;
        run_d = d;
      }
      add_firm(run[above], out, va, tax, emp, energy, labour_cost, dep, s_cost, profit, capital[i],
               land[i], entered, left);
    }
    flush();
    if (chunk_bad) bad.store(true, std::memory_order_relaxed);
  }
  if (bad.load())
    throw std::invalid_argument("compute_accounts: a firm's sector or district is out of range (" +
                                std::to_string(S) + " sectors, " + std::to_string(D) +
                                " districts)");

  std::vector<FirmTotals> classes(stride);
  for (std::size_t c = 0; c < chunks; ++c) {
    const FirmTotals* base = partial.data() + c * block;
    for (std::size_t k = 0; k < stride; ++k) classes[k] += base[k];
  }
  AccountsResult r;
  r.sector.resize(S);
  r.district.resize(D);
  r.sector_above_scale.resize(S);
  r.district_above_scale.resize(D);
  for (std::size_t s = 0; s < S; ++s) {
    r.sector[s] = classes[2 * s];
    r.sector[s] += classes[2 * s + 1];
    r.sector_above_scale[s] = classes[2 * s + 1];
  }
  for (std::size_t d = 0; d < D; ++d) {
    r.district[d] = classes[2 * S + 2 * d];
    r.district[d] += classes[2 * S + 2 * d + 1];
    r.district_above_scale[d] = classes[2 * S + 2 * d + 1];
  }
  for (std::size_t s = 0; s < S; ++s) {
    r.region += r.sector[s];
    r.region_above_scale += r.sector_above_scale[s];
  }
  return r;
}

}  // namespace

AccountsResult compute_accounts(FirmPopulation& firms, std::size_t sectors, std::size_t districts,
                                const AccountsParameters& parameters,
                                std::span<const double> surcharge, std::span<double> firm_profit) {
  const double* output = firms.output.data();
  return accounts_pass(firms, sectors, districts, parameters, surcharge, firm_profit,
                       [output](std::size_t i) { return output[i]; });
}

FirmUpdateResult update_firms(FirmPopulation& firms, std::span<const double> sector_demand,
                              double beta, const SectorIndex& index, std::size_t districts,
                              const AccountsParameters& parameters,
                              std::span<const double> surcharge, std::span<double> firm_profit,
                              AllocationWorkspace* workspace) {
  FirmUpdateResult r;
  r.allocation = allocate_output(firms, sector_demand, beta, index, workspace);
  r.accounts =
      compute_accounts(firms, index.sectors(), districts, parameters, surcharge, firm_profit);
  return r;
}

}  // namespace icsim::abm
