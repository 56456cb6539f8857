// Reading a run's projection back from its result file (include/icsim/output/run_result.hpp):
// every variable of the catalogue (results/variables.hpp) from its group.
#include <limits>
#include <string>

#include "icsim/abm/statistics.hpp"
#include "icsim/common/error.hpp"
#include "icsim/output/run_result.hpp"
#include "icsim/results/variables.hpp"

namespace icsim::output {
namespace {

std::vector<int> to_int(const std::vector<double>& v) {
  std::vector<int> out;
  out.reserve(v.size());
  for (double x : v) out.push_back(static_cast<int>(x));
  return out;
}

// A firm-model statistic, stored one variable per statistic over (replication, year, inner),
// interleaved back into its member over (replication, year, inner, statistic).
void read_statistic(const ResultReader& file, results::Projection& p, const results::Variable& v,
                    std::size_t slot) {
  const std::size_t K = abm::kStatCount;
  const std::size_t n =
      static_cast<std::size_t>(p.replications) * p.years.size() * results::dimension_size(p, v);
  std::vector<double>& out = p.*v.member;
  if (out.size() != n * K) out.assign(n * K, 0.0);
  const std::string name = v.metric();
  if (!file.has(name))
    throw InputError(file.path() + ": no /" + name + " (written by an older icsim?)");
  const std::vector<double> values = file.numbers_slice(name, slot);
  if (values.size() != n)
    throw InputError(file.path() + ": /" + name + " has " + std::to_string(values.size()) +
                     " values, expected " + std::to_string(n));
  for (std::size_t i = 0; i < n; ++i)
    out[i * K + static_cast<std::size_t>(v.statistic)] = values[i];
}

}  // namespace

results::Projection read_projection(const ResultReader& file, std::size_t slot) {
  for (const char* group : {"sectors", "region", "targets"})
    if (!file.has(group))
      throw InputError(file.path() + ": no /" + std::string(group) +
                       " group (not a result of icsim run)");
  results::Projection p;
  p.years = to_int(file.numbers("region/year"));
  const std::vector<double> reps = file.numbers("region/replication");
  p.replications = static_cast<int>(reps.size());
  p.first_replication = reps.empty() ? 0 : static_cast<int>(reps.front());
  p.sectors = file.strings("sectors/sector");
  p.sector_names = file.strings("sectors/sector_name");
  const bool clusters = file.has("clusters");
  if (clusters) {
    p.clusters = file.strings("clusters/cluster");
    p.cluster_system = file.strings("clusters/system");
    p.cluster_names = file.strings("clusters/cluster_name");
  }
  const bool programmes = file.has("programmes");  // runs with [[programme]] entries
  if (programmes) {
    p.programmes = file.strings("programmes/programme");
    p.programme_labels = file.strings("programmes/programme_label");
  }
  p.firm_model =
      file.has_attribute("/", "firm_model") && file.integer_attribute("/", "firm_model") != 0;
  if (p.firm_model) {
    p.districts = file.strings("districts/district");
    p.district_names = file.strings("districts/district_name");
  }
  for (const auto& v : results::variables()) {
    if ((v.firm_model && !p.firm_model) || (v.group == results::Group::clusters && !clusters))
      continue;
    if (v.group == results::Group::district_clusters && !clusters) continue;
    if (v.group == results::Group::programmes && !programmes) continue;  // no programmes: empty
    if (v.group == results::Group::district_clusters && !file.has(v.metric())) {
      // A file written before the district_clusters group: the variable is not known (NaN).
      (p.*v.member)
          .assign(static_cast<std::size_t>(p.replications) * p.years.size() *
                      results::dimension_size(p, v),
                  std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    if (v.statistic >= 0)
      read_statistic(file, p, v, slot);
    else
      p.*v.member = file.numbers_slice(v.metric(), slot);
  }
  return p;
}

}  // namespace icsim::output
