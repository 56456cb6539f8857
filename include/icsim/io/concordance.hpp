#pragma once
// Cluster systems as weighted concordances W (clusters x sectors, weights in [0,1]): cluster c
// holds share W(c, j) of sector j. Several systems coexist; a sector may feed several clusters.
#include <Eigen/Core>
#include <string>
#include <vector>

#include "icsim/io/table.hpp"

namespace icsim::io {

struct Concordance {
  std::string system;                 // e.g. "361"
  std::vector<std::string> clusters;  // cluster codes
  std::vector<std::string> cluster_names;
  Eigen::MatrixXd weights;  // clusters x sectors
  // Set by the file's `# overlapping` line: the clusters may share sectors (a sector's weights
  // may sum above 1 over the system), so clusters of this system must never be added up.
  bool overlapping = false;

  // Sector mix of one yuan invested in cluster c: weights times sector output, normalised.
  // Throws InputError naming the cluster if its weighted output is zero.
  Eigen::VectorXd investment_mix(Eigen::Index c, const Eigen::VectorXd& x) const;
};

// CSV with header cluster,sector,weight (optional cluster_name). Lines before the header that
// start with '#' are comments; a comment whose first word is `overlapping` (`# overlapping`,
// `# overlapping: why`) declares an overlapping system. Errors name file and line: an unknown
// sector code, a weight outside [0,1] or not a number, a (cluster, sector) pair listed twice, a
// cluster given two different names, an unknown column; and, unless the system is declared
// overlapping, file, sector and sum for one sector's weights over the system summing > 1
// (+1e-9). Clusters keep the order of their first row; a cluster without a name is named by its
// code.
Concordance load_concordance(const std::string& path, const IOTable& table,
                             const std::string& system);

}  // namespace icsim::io
