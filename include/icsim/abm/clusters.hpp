#pragma once
// Cluster memberships of the firms (docs/firm-model.md, "Cluster memberships"): for every
// cluster system of the scenario (io/concordance.hpp), a firm of sector s belongs to cluster c
// with probability W(c, s), the concordance weight. The clusters of one system are laid end to
// end on a circle of circumference 1 in file order, cluster c on [a_c, a_c + W(c, s)) with
// a_c = Σ_{c' < c} W(c', s) (mod 1), and one keyed uniform u per (firm, system) picks the clusters
// whose arc holds u. So P(member of c) = W(c, s) exactly; in a disjoint system (weights summing
// to at most 1) a firm is in one cluster or none; in an overlapping system (`# overlapping`,
// weights summing above 1) it is in floor or ceil of the sum of its sector's weights.
// Memberships are drawn once for a firm (base-year firms when the base population is built,
// new firms when they are created) and kept: a firm stays in its clusters for the whole run.
// Sums over a cluster's firms therefore equal the concordance-weighted sector sums in
// expectation, not in every replication.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "icsim/abm/firms.hpp"
#include "icsim/common/random.hpp"
#include "icsim/io/concordance.hpp"

namespace icsim::abm {

// The named draw of Purpose::cluster_membership: one uniform per (system, firm id = entity), the
// system's step a hash of its name (ClusterAssignment::system_step), so that a firm's membership
// in one system does not depend on which other systems a scenario lists, nor on their order.
namespace draws {
inline constexpr Draw cluster_membership{
    .purpose = Purpose::cluster_membership, .slot = 0, .name = "cluster_membership"};
inline constexpr Draw kClusterDraws[] = {cluster_membership};
static_assert(draws_are_distinct(kClusterDraws));
}  // namespace draws

// The clusters of every system, stacked in the order of the systems (the order of the
// projection's cluster axis), with the arcs of each (system, sector). Shared, read-only.
class ClusterAssignment {
 public:
  ClusterAssignment() = default;  // no clusters
  // std::invalid_argument if a system's weights do not have `sectors` columns or a weight is
  // outside [0, 1].
  ClusterAssignment(const std::vector<io::Concordance>& systems, std::size_t sectors);

  std::size_t clusters() const { return clusters_; }
  std::size_t systems() const { return systems_; }
  // 64-bit words per firm of a membership bitset (0 without clusters).
  std::size_t words() const { return (clusters_ + 63) / 64; }
  // Sets the membership bits (bit c of the stacked clusters) of a firm of `sector` with id `id`
  // into out[0 .. words()), drawing with (seed, replication); out is cleared first.
  void draw(std::uint16_t sector, std::uint32_t id, std::uint64_t seed, std::uint64_t replication,
            std::uint64_t* out) const;
  // The clusters a firm with uniform u is in, within system k, for a firm of `sector` (exposed
  // for tests): appended to `out`.
  void members(std::size_t k, std::uint16_t sector, double u, std::vector<std::size_t>& out) const;
  // The step of system k's membership draw: a 20-bit hash (FNV-1a) of its name, below 2^20 - 1;
  // two names of one scenario that hash alike take the next free steps in name order.
  std::uint32_t system_step(std::size_t k) const { return steps_[k]; }

 private:
  struct Arc {
    std::uint32_t cluster;  // stacked index
    double start, width;
  };
  std::size_t clusters_ = 0, systems_ = 0, sectors_ = 0;
  std::vector<std::vector<Arc>> arcs_;  // [k * sectors + s]
  std::vector<std::uint32_t> steps_;    // [k]
};

// The memberships of a population: words() bits per firm, firm i at [i * words, (i + 1) * words).
struct ClusterMemberships {
  std::size_t words = 0;
  std::vector<std::uint64_t> bits;

  bool member(std::size_t firm, std::size_t cluster) const {
    return (bits[firm * words + cluster / 64] >> (cluster % 64)) & 1u;
  }
  // Draws and appends the memberships of firm `i` of `firms` (which must be the next firm).
  void append(const ClusterAssignment& a, const FirmPopulation& firms, std::size_t i,
              std::uint64_t seed, std::uint64_t replication);
  // The memberships of every firm of `firms`.
  static ClusterMemberships draw_all(const ClusterAssignment& a, const FirmPopulation& firms,
                                     std::uint64_t seed, std::uint64_t replication);
};

// The first `indexed` firms of a population whose memberships and districts do not change (a
// firm keeps both for the whole run, and firms are only appended), in groups of the same
// district and memberships (the Ningbo population: 4,583 groups of 60,183 firms with 251,271
// memberships). ClusterDistrictSums sums each group's firms first, one addition per firm in
// firm order, then adds each group's sums to its cells, groups in order of their first firm.
struct ClusterCellIndex {
  static constexpr std::uint32_t kNoGroup = 0xFFFFFFFFu;
  std::size_t districts = 0, clusters = 0, indexed = 0;
  std::vector<std::uint32_t> group;          // per indexed firm; kNoGroup: in no cell
  std::vector<std::uint32_t> group_offsets;  // groups + 1, into cells
  std::vector<std::uint32_t> cells;          // each group's cells d * clusters + c, ascending c

  std::size_t groups() const { return group_offsets.empty() ? 0 : group_offsets.size() - 1; }
  static ClusterCellIndex build(const FirmPopulation& f, const ClusterMemberships& m,
                                std::size_t districts, std::size_t clusters);
};

// A year's sums over the firms of each (district, cluster), row-major [d * clusters + c]. Money
// real (base-year prices), from the year's accounts: output, value added (output x the firm's
// value-added rate) and output of 规上 firms, of the firms that produced this year; firms and
// land: active firms and the land they hold at the end of the year.
struct ClusterDistrictSums {
  std::size_t districts = 0, clusters = 0;
  std::vector<double> output, value_added, output_above_scale, firms, land;
  std::vector<double> scratch;  // the groups' sums (ClusterCellIndex)

  void reset(std::size_t district_count, std::size_t cluster_count);
  // The money sums, right after the accounts (firms with kActive produced this year).
  // `cells`, when given, groups the first firms of `f` with these memberships (built for the
  // same districts and clusters); the sums are then added in another order (by group, then per
  // cell) and equal those without it up to rounding.
  void add_production(const FirmPopulation& f, const ClusterMemberships& m,
                      const ClusterCellIndex* cells = nullptr);
  // The firm and land stocks, at the end of the year.
  void add_stocks(const FirmPopulation& f, const ClusterMemberships& m,
                  const ClusterCellIndex* cells = nullptr);
};

}  // namespace icsim::abm
