#pragma once
// One Monte Carlo replication of the projection (docs/model.md §3): the yearly loop and the
// recording of each year into the Projection. Internal to engine/experiment.
#include <cstddef>
#include <cstdint>

#include "icsim/abm/firm_model.hpp"
#include "icsim/results/projection.hpp"
#include "model.hpp"

namespace icsim::experiment::detail {

// Where year t of local replication r lies in the Projection's arrays.
struct Slices {
  results::Projection& out;
  std::size_t Y, n, nc;
  std::size_t sector(int r, std::size_t t) const { return (r * Y + t) * n; }
  std::size_t cluster(int r, std::size_t t) const { return (r * Y + t) * nc; }
  std::size_t region(int r, std::size_t t) const { return r * Y + t; }
};

// The year's indices of the satellites' per-output coefficients (1 in the base year; each year
// times 1 + the draw of its [satellites] trend).
struct SatelliteTrends {
  double energy = 1, water = 1, rd = 1;
};

// Records year t of local replication r: every result variable (results/variable_list.hpp)
// from the year's output x, investment inv (real), capacity K, imported excess `leak`, price
// index P and satellite trends. With the firm model (fm non-null) the industrial sectors' value
// added and employment are the firms' sums, the above-scale aggregates count the firms that are
// 规上, and the firm statistics are stored.
void record(const Model& M, const Slices& s, int r, std::size_t t, double P, const VectorXd& x,
            const VectorXd& inv, const VectorXd& K, const VectorXd& leak,
            const SatelliteTrends& trends, const abm::FirmModel* fm);

// Records every year of the programmes' scheduled flows (investment.hpp) of local replication r.
struct ProgrammeFlows;
void record_programmes(const Slices& s, int r, const ProgrammeFlows& flows);

// One replication (global number `replication`) into local slice `r`.
void run_replication(const Model& M, const Slices& s, std::uint64_t replication, int r);

}  // namespace icsim::experiment::detail
