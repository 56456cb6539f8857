// Cluster concordances (docs/model.md §1): W (clusters x sectors) with W(c, j) the share of sector
// j that belongs to cluster c. A sector may be split across clusters, so within one system its
// weights may sum to anything in [0, 1] (the rest of the sector lies outside the programme) --
// unless the file declares the system overlapping (`# overlapping` before the header): then a
// sector may feed several clusters in full, and the system's clusters are never added up.
#include "icsim/io/concordance.hpp"

#include <algorithm>
#include <iomanip>
#include <map>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "icsim/common/error.hpp"
#include "icsim/io/csv.hpp"
#include "icsim/io/text.hpp"

namespace icsim::io {
namespace {

constexpr double kSumTolerance = 1e-9;

std::string fmt(double v) {
  std::ostringstream out;
  out << std::setprecision(12) << v;
  return out.str();
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return std::string();
  std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// The file's text with its leading '#' comment lines blanked (kept as empty lines, so that line
// numbers in errors stay those of the file); `overlapping` is set by a comment whose first word
// is "overlapping".
std::string strip_comments(const std::string& path, bool& overlapping) {
  const std::string text = read_text_file(path, "concordance file");
  std::size_t pos = 0;
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
    pos = 3;  // UTF-8 BOM
  std::string out;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string::npos ? text.size() : nl;
    const std::string line = trim(text.substr(pos, end - pos));
    if (!line.empty() && line[0] != '#') break;
    if (!line.empty()) {
      const std::string body = trim(line.substr(1));
      const std::string word = body.substr(0, body.find_first_of(" \t:"));
      if (word == "overlapping") overlapping = true;
    }
    out += '\n';
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  return out + text.substr(std::min(pos, text.size()));
}

}  // namespace

Eigen::VectorXd Concordance::investment_mix(Eigen::Index c, const Eigen::VectorXd& x) const {
  if (c < 0 || c >= weights.rows())
    throw std::out_of_range("investment_mix: cluster index " + std::to_string(c) +
                            " out of range (system '" + system + "' has " +
                            std::to_string(weights.rows()) + " clusters)");
  if (x.size() != weights.cols())
    throw std::invalid_argument("investment_mix: " + std::to_string(x.size()) +
                                " sector outputs for a concordance over " +
                                std::to_string(weights.cols()) + " sectors");
  Eigen::VectorXd mix = weights.row(c).transpose().cwiseProduct(x);
  const double total = mix.sum();
  if (!(total > 0)) {
    const auto ci = static_cast<std::size_t>(c);
    std::string who = "cluster '" + clusters[ci] + "'";
    if (ci < cluster_names.size() && cluster_names[ci] != clusters[ci])
      who += " (" + cluster_names[ci] + ")";
    throw InputError("system '" + system + "', " + who +
                     ": its sectors have zero weighted output (" + fmt(total) +
                     "), so investment in the cluster cannot be split across sectors");
  }
  return mix / total;
}

Concordance load_concordance(const std::string& path, const IOTable& table,
                             const std::string& system) {
  bool overlapping = false;
  const CsvFile csv = parse_csv(strip_comments(path, overlapping), path);
  const int col_cluster = csv.column("cluster");
  const int col_sector = csv.column("sector");
  const int col_weight = csv.column("weight");
  const int col_name = csv.column("cluster_name");
  const std::string expected = "expected the header cluster,sector,weight[,cluster_name]";
  for (const char* required : {"cluster", "sector", "weight"})
    if (csv.column(required) < 0)
      throw InputError(
          located(path, 1, "missing column '" + std::string(required) + "'; " + expected));
  for (const auto& h : csv.header)
    if (h != "cluster" && h != "sector" && h != "weight" && h != "cluster_name")
      throw InputError(located(path, 1, "unknown column '" + h + "'; " + expected));
  if (csv.rows.empty()) throw InputError(located(path, 0, "no clusters (the file has no rows)"));

  const std::size_t n = table.size();
  Concordance con;
  con.system = system;
  con.overlapping = overlapping;
  std::map<std::string, std::size_t> cluster_index;
  std::vector<long> cluster_name_line;                             // where the name was set
  std::map<std::pair<std::size_t, int>, long> seen;                // (cluster, sector) -> line
  std::vector<std::vector<std::pair<std::size_t, double>>> cells;  // per cluster: (sector, w)
  std::vector<std::vector<long>> sector_lines(n);                  // lines naming each sector

  for (const auto& row : csv.rows) {
    const std::string cluster = trim(row.fields[col_cluster]);
    const std::string sector = trim(row.fields[col_sector]);
    if (cluster.empty()) throw InputError(located(path, row.line, "empty cluster code"));
    const int j = table.sector_index(sector);
    if (j < 0)
      throw InputError(located(path, row.line,
                               "unknown sector code '" + sector + "' (cluster '" + cluster +
                                   "'); it is not a sector of the table"));
    const double w = csv.number(row, static_cast<std::size_t>(col_weight));
    if (w < 0.0 || w > 1.0)
      throw InputError(located(path, row.line,
                               "weight " + fmt(w) + " of sector '" + sector + "' in cluster '" +
                                   cluster + "' is outside [0, 1]"));

    auto [it, inserted] = cluster_index.emplace(cluster, con.clusters.size());
    const std::size_t c = it->second;
    const std::string name = col_name >= 0 ? trim(row.fields[col_name]) : std::string();
    if (inserted) {
      con.clusters.push_back(cluster);
      con.cluster_names.push_back(name.empty() ? cluster : name);
      cluster_name_line.push_back(name.empty() ? 0 : row.line);
      cells.emplace_back();
    } else if (!name.empty()) {
      if (cluster_name_line[c] == 0) {
        con.cluster_names[c] = name;
        cluster_name_line[c] = row.line;
      } else if (con.cluster_names[c] != name) {
        throw InputError(located(path, row.line,
                                 "cluster '" + cluster + "' is named '" + name + "' here but '" +
                                     con.cluster_names[c] + "' on line " +
                                     std::to_string(cluster_name_line[c])));
      }
    }

    auto [dup, fresh] = seen.emplace(std::make_pair(c, j), row.line);
    if (!fresh)
      throw InputError(located(path, row.line,
                               "cluster '" + cluster + "' lists sector '" + sector +
                                   "' twice (first on line " + std::to_string(dup->second) + ")"));
    cells[c].emplace_back(static_cast<std::size_t>(j), w);
    sector_lines[j].push_back(row.line);
  }

  const auto C = static_cast<Eigen::Index>(con.clusters.size());
  con.weights = Eigen::MatrixXd::Zero(C, static_cast<Eigen::Index>(n));
  for (std::size_t c = 0; c < cells.size(); ++c)
    for (const auto& [j, w] : cells[c])
      con.weights(static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(j)) = w;

  // Within one disjoint system a sector cannot be more than wholly assigned.
  for (std::size_t j = 0; j < n && !con.overlapping; ++j) {
    const double sum = con.weights.col(static_cast<Eigen::Index>(j)).sum();
    if (sum > 1.0 + kSumTolerance) {
      std::string lines;
      for (std::size_t k = 0; k < sector_lines[j].size(); ++k)
        lines += (k ? ", " : "") + std::to_string(sector_lines[j][k]);
      throw InputError(located(path, 0,
                               "sector '" + table.codes[j] + "' has weights summing to " +
                                   fmt(sum) + " across the clusters of system '" + system +
                                   "' (lines " + lines +
                                   "); one sector's shares cannot exceed 1 (if the clusters "
                                   "are meant to overlap, put the line '# overlapping' before "
                                   "the header)"));
    }
  }
  return con;
}

}  // namespace icsim::io
