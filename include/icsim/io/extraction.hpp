#pragma once
// Hypothetical extraction (Miller & Blair 2009, §12.2): how much total output the economy loses
// if a sector (or a whole cluster) disappeared. Complete extraction removes the sectors' rows
// and columns of A and their final demand; backward extraction zeros only their columns
// (they buy nothing locally); forward extraction zeros only their rows (they sell nothing to
// local industries).
#include <Eigen/Core>
#include <string>
#include <vector>

#include "icsim/io/table.hpp"

namespace icsim::io {

enum class ExtractionKind { complete, backward, forward };

struct ExtractionResult {
  std::vector<std::string> extracted;  // sector codes
  ExtractionKind kind;
  double output_before;  // 1^T x
  double output_after;   // 1^T x-bar, remaining sectors only for complete extraction
  double loss() const { return output_before - output_after; }
  double loss_share() const { return output_before > 0 ? loss() / output_before : 0.0; }
  Eigen::VectorXd output_change;  // per sector, x-bar - x (extracted sectors: -x for complete)
};

// `sectors` are indices into table.codes; duplicates are ignored, an index out of range is an
// InputError. Extracting nothing returns the baseline unchanged. Throws ModelError if the
// (reduced) Leontief system is singular.
ExtractionResult extract(const IOTable& table, const std::vector<int>& sectors,
                         ExtractionKind kind);

}  // namespace icsim::io
