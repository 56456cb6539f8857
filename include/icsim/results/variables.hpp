#pragma once
// The catalogue of result variables: every variable of results/variable_list.hpp, then the firm
// model's statistics (abm/statistics.hpp) over districts and summed for the region, in the order
// of the result file (docs/results.md). Each entry says where the variable lives (group and
// dimension), its units and long name, whether it needs the firm model and which Projection
// member holds it. Allocation, the metric lookup (Projection::series), the result file's writer
// and reader, shard merging and the scenario's metric check all loop over it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "icsim/results/projection.hpp"

namespace icsim::results {

enum class Group : std::uint8_t {
  sectors,
  clusters,
  region,
  districts,
  district_clusters,
  programmes
};
// The dimension after (replication, year): none for the region; district_cluster is the pair
// (district, cluster), district slower.
enum class Dimension : std::uint8_t {
  none,
  sector,
  cluster,
  district,
  district_cluster,
  programme
};

// "sectors", "clusters", "region", "districts", "district_clusters", "programmes"
std::string_view group_name(Group g);
Dimension dimension(Group g);

// `units` of money variables: the table's money unit (current prices).
inline constexpr std::string_view kMoneyUnits = "<money>";

struct Variable {
  Group group;
  std::string name;         // in the result file and in metrics "group/name"
  std::string units;        // kMoneyUnits = the table's money unit
  std::string long_name;    // the result file's long_name
  bool firm_model = false;  // filled only with the firm model
  std::vector<double> Projection::*member = nullptr;
  // A firm-model statistic (abm::Stat): member holds every statistic interleaved, (..., stat).
  // -1 for the variables of variable_list.hpp.
  int statistic = -1;

  std::string metric() const;  // "group/name"
  Dimension dimension() const { return results::dimension(group); }
  // `units` with the money unit filled in.
  std::string units_in(const std::string& money_unit) const;
};

// Every variable, in file order: sectors, clusters, region (its own, then the statistics),
// districts, district_clusters, then programmes.
const std::vector<Variable>& variables();
// The variable of a metric "group/name", or nullptr.
const Variable* find_variable(std::string_view metric);
// Every metric name "group/name" of the catalogue (for the scenario's metric check and its
// suggestions).
const std::vector<std::string>& metric_names();
// Whether a metric of the catalogue needs the firm model (false for unknown metrics).
bool needs_firm_model(std::string_view metric);

// The values of variable v of p over (replication, year, dimension): the member itself, or for a
// statistic its slice of the interleaved array. std::logic_error if the member's size is not
// the one its dimensions give.
std::vector<double> values(const Projection& p, const Variable& v);
// The length of v's dimension in p (1 for the region; districts x clusters for district_clusters).
std::size_t dimension_size(const Projection& p, const Variable& v);

}  // namespace icsim::results
