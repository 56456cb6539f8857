#pragma once
// Output allocation (docs/model.md §3 steps 3-4): each sector's demand is shared among its
// producing firms in proportion to capacity_i × productivity_i^β, each firm capped at its capacity
// and the excess redistributed among the uncapped firms (water-filling). When the sector's demand
// exceeds its capacity every firm produces at capacity and the shortfall leaks to imports (the
// supply-constrained solution), returned per sector.
//
// A firm produces when it is active (kActive) and its plant is built (kUnderConstruction clear);
// others get output 0. Per-firm passes are split over fixed chunks of firms and the per-sector
// solve over sectors (OpenMP); every sum runs over one sector's firms in index order (as four
// interleaved partial sums combined in a fixed order), so the results are bit-identical for any
// thread count.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "icsim/abm/firms.hpp"

namespace icsim::abm {

// Firm indices grouped by sector (compressed rows): the firms of sector s are
// firms[offsets[s] .. offsets[s+1]), in increasing index order. Holds every firm, active or not,
// so it needs rebuilding when firms are added, removed or moved between sectors, not when they
// exit by clearing kActive.
struct SectorIndex {
  std::vector<std::uint32_t> offsets;   // sectors() + 1 entries
  std::vector<std::uint32_t> firms;     // one entry per firm
  std::vector<std::uint32_t> position;  // per firm: its slot in `firms` (the inverse)
  std::vector<std::uint32_t> by_size;   // sectors, largest first (the parallel schedule)

  // Throws std::invalid_argument if a firm's sector is >= sectors.
  static SectorIndex build(const FirmPopulation& firms, std::size_t sectors);
  // The same, in place: reuses this index's storage (when firms join during a run).
  void rebuild(const FirmPopulation& population, std::size_t sectors);
  std::size_t sectors() const { return offsets.empty() ? 0 : offsets.size() - 1; }
  std::span<const std::uint32_t> of(std::size_t s) const {
    return {firms.data() + offsets[s], firms.data() + offsets[s + 1]};
  }
};

// True when the firm can produce this year (active and built).
inline bool producing(std::uint8_t flags) {
  return (flags & (kActive | kUnderConstruction)) == kActive;
}

// productivity^beta, the competitiveness factor of a firm's weight (0 if productivity <= 0), in
// single precision (std::pow on floats: twice as fast as on doubles, and the productivities are
// floats; beta is rounded to float). beta 0 and 1 are exact (1 and productivity).
// productivity^beta must be finite in single precision (productivities are multipliers around 1).
inline double competitiveness(float productivity, float beta) {
  if (beta == 0) return 1.0;
  if (!(productivity > 0)) return 0.0;
  if (beta == 1) return productivity;
  return std::pow(productivity, beta);
}

// Per sector: Σ capacity of its producing firms, summed exactly as allocate_output sums it (so a
// demand equal to it is met without shortfall). The IO core's capacity constraint for the
// sector.
std::vector<double> sector_capacity(const FirmPopulation& firms, const SectorIndex& index);

struct AllocationResult {
  std::vector<double> produced;       // per sector: Σ firm output (fixed order, see above)
  std::vector<double> shortfall;      // per sector: demand not met by the sector's firms (>= 0)
  std::vector<double> capacity;       // per sector: Σ capacity of producing firms
  std::vector<std::uint32_t> rounds;  // per sector: water-filling rounds (diagnostic)
};

// Scratch reused across calls (per-firm weight, capacity and output in sector order, 24 bytes
// per firm); keep one per population to avoid reallocating it every year.
struct AllocationWorkspace {
  std::vector<double> weight, capacity;
  std::vector<double> output;  // the firms' outputs, in sector order (as index.firms)
  std::vector<double> level;   // per sector: the water level λ (infinite when constrained)
  std::vector<std::uint8_t> constrained;
  // Rounds before the sorted sweep takes over (a tuning knob; any value >= 1 gives the same
  // solution up to rounding).
  int max_rounds = 48;
};

// Writes firms.output for every firm in `index` and returns the per-sector totals.
// sector_demand has index.sectors() entries (money, >= 0); beta >= 0 is the competitiveness
// exponent (0 = shares by capacity alone). Throws std::invalid_argument on a size mismatch, a
// negative or non-finite demand or a negative beta.
//
// A firm with capacity 0, or productivity <= 0 while beta > 0, has weight 0: it gets nothing
// unless the sector is supply-constrained (then everyone produces at capacity). If the firms with
// positive weight cannot absorb the demand while the sector's capacity could (only possible
// because zero-weight firms hold capacity), the positive-weight firms produce at capacity and the
// rest is shortfall.
//
// Method: with w_i = cap_i p_i^β, firm i is capped exactly when the level λ (output = λ w_i)
// reaches its capacity, λ w_i >= cap_i. Rounds: λ_0 = 0; λ_{k+1} = (d - Σ_{capped at λ_k} cap_i)
// / Σ_{uncapped at λ_k} w_i, kept non-decreasing. λ_k never passes the solution λ* (the capped set
// only holds firms that λ* also caps), the capped set only grows, and the rounds stop when it does
// not grow (then λ_{k+1} is λ*): at most n + 1 rounds. Typically a handful; after 48 rounds the
// remaining firms are sorted by t_i = cap_i / w_i and λ* found in one sweep (O(n log n) worst
// case). Passes over the firms run in firm order (streaming, parallel over fixed chunks, no
// reductions); the rounds run per sector on the contiguous workspace.
AllocationResult allocate_output(FirmPopulation& firms, std::span<const double> sector_demand,
                                 double beta, const SectorIndex& index,
                                 AllocationWorkspace* workspace = nullptr);

}  // namespace icsim::abm
