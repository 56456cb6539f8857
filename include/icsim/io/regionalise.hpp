#pragma once
// Non-survey regionalisation of a parent (national or provincial) table with location quotients.
// Regional a_ij = parent a_ij * min(1, LQ_ij); the rest of the parent coefficient leaks to
// imports/inflows. The parent's A is its domestic (or local, net of inflows) A: for a parent
// table with OF/IF columns the importer has already netted out inflows.
//   SLQ_i   = (x^R_i / x^R) / (x^N_i / x^N)
//   CILQ_ij = SLQ_i / SLQ_j                  (SLQ_i on the diagonal)
//   FLQ_ij  = CILQ_ij * lambda,  lambda = [log2(1 + x^R / x^N)]^delta   (Flegg et al. 1995)
//             (SLQ_i * lambda on the diagonal, as Flegg & Webber 1997/2000 do)
//   AFLQ_ij = FLQ_ij * log2(1 + SLQ_j) where SLQ_j > 1, FLQ_ij otherwise
//             (Flegg & Webber 2000, after McCann & Dewhurst 1998)
// A sector with zero regional or zero parent size has SLQ = 0 and a zero LQ row (the region
// cannot supply it locally); CILQ_ij with SLQ_j = 0 is 0 (column j buys nothing in the region).
#include <Eigen/Core>
#include <string>
#include <vector>

#include "icsim/io/table.hpp"

namespace icsim::io {

enum class LqMethod { slq, cilq, flq, aflq };
LqMethod parse_lq_method(const std::string& text);  // "slq", "cilq", "flq", "aflq"
std::string to_string(LqMethod method);             // "SLQ", "CILQ", "FLQ", "AFLQ"

struct RegionalSizes {
  // What the sizes measure: "output" (in the parent's money unit) or the name of a satellite
  // of the parent table (e.g. "employment"); parent sizes come from the same measure.
  std::string measure = "output";
  Eigen::VectorXd regional;  // per parent sector
};

// CSV `code,<measure>` with one row per parent sector (missing sectors are an error).
RegionalSizes load_regional_sizes(const std::string& path, const IOTable& parent);

// LQ matrix (n x n) for the chosen method, not yet capped at 1; exposed for tests and reports.
// delta (used by FLQ and AFLQ only) must lie in [0, 1]. Sizes must be finite and non-negative.
Eigen::MatrixXd location_quotients(const Eigen::VectorXd& regional, const Eigen::VectorXd& parent,
                                   LqMethod method, double delta);

struct RegionalisationOptions {
  LqMethod method = LqMethod::flq;
  double delta = 0.3;
  std::string region_name;  // meta.region of the result
};

// Import row that receives the leaked coefficient mass (added to it if the parent has one).
inline constexpr const char* kLeakedInflowsLabel = "inflows";
// Final-demand column created when the parent has no column whose label contains "outflow" or
// "export" (it receives residual final demand that has no parent mix to follow, see below).
inline constexpr const char* kNetOutflowsLabel = "net_outflows";

// A balanced regional table: regional output from the sizes (scaled from employment through
// the parent's output per worker when measure is a satellite), A^R as above, value added and
// satellites at parent coefficients, imports = the parent's import coefficients plus the leaked
// coefficient mass (row kLeakedInflowsLabel), final demand f^R_i = x^R_i - sum_j Z^R_ij split
// by the parent's final-demand mix of row i so that rows balance. Where that mix does not exist
// (the parent row's final demand sums to <= 0) or f^R_i < 0 (local intermediate demand exceeds
// regional output), f^R_i goes whole into the outflow/export column (the first whose label
// contains "outflow", else "export", else a new kNetOutflowsLabel column): a negative entry is
// a net inflow. Each such sector is described in `notes` when given. Throws InputError for
// sizes of the wrong length, negative or non-finite sizes, a regional size above the parent's
// (a region is part of its parent), an unknown measure or a multi-regional parent.
IOTable regionalise(const IOTable& parent, const RegionalSizes& sizes,
                    const RegionalisationOptions& options,
                    std::vector<std::string>* notes = nullptr);

}  // namespace icsim::io
