// Projection::series: the metric lookup by name, over the catalogue of results/variables.hpp.
#include <algorithm>
#include <set>
#include <stdexcept>

#include "icsim/abm/statistics.hpp"
#include "icsim/common/error.hpp"
#include "icsim/results/projection.hpp"
#include "icsim/results/variables.hpp"

namespace icsim::results {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return out;
}

// The variables of a group an error message offers: those always there, then the firm model's.
std::string expected_variables(Group g) {
  std::vector<std::string> always, firm;
  for (const auto& v : variables())
    if (v.group == g) (v.firm_model ? firm : always).push_back(v.name);
  if (always.empty()) return join(firm);
  if (firm.empty()) return join(always);
  return join(always) + ", or with the firm model " + join(firm);
}

// Indices of s.select in `codes` ("*" = all), sorted and without repeats; `what` names one code
// in messages ("sector", "district").
std::vector<std::size_t> select_codes(const Series& s, const std::vector<std::string>& codes,
                                      const std::string& what) {
  if (s.select.empty())
    throw InputError("series '" + s.metric + "': select " + what + "s (codes, or \"*\" for all)");
  std::set<std::size_t> chosen;
  for (const auto& code : s.select) {
    if (code == "*") {
      for (std::size_t j = 0; j < codes.size(); ++j) chosen.insert(j);
      continue;
    }
    const auto it = std::find(codes.begin(), codes.end(), code);
    if (it == codes.end()) {
      std::vector<std::string> expected = codes;  // listed when short enough to read
      expected.emplace_back("\"*\"");
      throw InputError("series '" + s.metric + "': no " + what + " '" + code + "'" +
                       (codes.size() <= 20 ? "; expected " + join(expected) : std::string()));
    }
    chosen.insert(static_cast<std::size_t>(it - codes.begin()));
  }
  return {chosen.begin(), chosen.end()};
}

// Indices of the clusters s.select names (SYSTEM/CODE or SYSTEM/*), sorted and without repeats.
std::vector<std::size_t> select_clusters(const Series& s, const Projection& p) {
  if (s.select.empty())
    throw InputError("series '" + s.metric +
                     "': select clusters (SYSTEM/CODE, or SYSTEM/* for a whole system)");
  std::set<std::size_t> chosen;
  for (const auto& ref : s.select) {
    bool found = false;
    if (ref.size() > 2 && ref.compare(ref.size() - 2, 2, "/*") == 0) {
      const std::string system = ref.substr(0, ref.size() - 2);
      for (std::size_t c = 0; c < p.clusters.size(); ++c)
        if (p.cluster_system[c] == system) chosen.insert(c), found = true;
    } else {
      const auto it = std::find(p.clusters.begin(), p.clusters.end(), ref);
      if (it != p.clusters.end())
        chosen.insert(static_cast<std::size_t>(it - p.clusters.begin())), found = true;
    }
    if (!found) throw InputError("series '" + s.metric + "': no cluster '" + ref + "'");
  }
  return {chosen.begin(), chosen.end()};
}

// (district, cluster) pairs: s.select holds district codes ("*" = all) and cluster references
// (SYSTEM/CODE or SYSTEM/*; a reference has a '/'), at least one of each; every selected district
// crossed with every selected cluster, as indices d * clusters + c.
std::vector<std::size_t> select_district_clusters(const Series& s, const Projection& p) {
  Series districts = s, clusters = s;
  districts.select.clear();
  clusters.select.clear();
  for (const auto& code : s.select)
    (code.find('/') != std::string::npos ? clusters : districts).select.push_back(code);
  if (districts.select.empty() || clusters.select.empty())
    throw InputError("series '" + s.metric +
                     "': select districts (codes, or \"*\" for all) and clusters (SYSTEM/CODE, "
                     "or SYSTEM/*), e.g. [\"zhenhai\", \"246/green_petrochemicals\"]");
  const auto ds = select_codes(districts, p.districts, "district");
  const auto cs = select_clusters(clusters, p);
  std::vector<std::size_t> out;
  for (std::size_t d : ds)
    for (std::size_t c : cs) out.push_back(d * p.clusters.size() + c);
  return out;
}

std::vector<std::size_t> select_members(const Series& s, const Projection& p, Dimension d) {
  switch (d) {
    case Dimension::none:
      return {0};
    case Dimension::sector:
      return select_codes(s, p.sectors, "sector");
    case Dimension::cluster:
      return select_clusters(s, p);
    case Dimension::district:
      return select_codes(s, p.districts, "district");
    case Dimension::district_cluster:
      return select_district_clusters(s, p);
    case Dimension::programme:
      return select_codes(s, p.programmes, "programme");
  }
  return {0};
}

}  // namespace

std::size_t Projection::year_index(int year) const {
  const auto it = std::find(years.begin(), years.end(), year);
  if (it == years.end())
    throw std::out_of_range(
        "year " + std::to_string(year) + " is not in the projection (" +
        (years.empty() ? std::string("no years")
                       : std::to_string(years.front()) + "-" + std::to_string(years.back())) +
        ")");
  return static_cast<std::size_t>(it - years.begin());
}

std::vector<double> Projection::series(const Series& s, int replication) const {
  if (s.constant_prices) {
    Series current = s;
    current.constant_prices = false;
    std::vector<double> out = series(current, replication);
    const std::size_t Y = years.size(), r = static_cast<std::size_t>(replication);
    for (std::size_t t = 0; t < Y; ++t) out[t] /= price_index[r * Y + t];
    return out;
  }
  if (replication < 0 || replication >= replications)
    throw std::out_of_range("replication " + std::to_string(replication) + " of " +
                            std::to_string(replications));
  const auto slash = s.metric.find('/');
  const std::string group = slash == std::string::npos ? s.metric : s.metric.substr(0, slash);
  const std::string variable = slash == std::string::npos ? "" : s.metric.substr(slash + 1);
  const Group* g = nullptr;
  static constexpr Group kGroups[] = {
      Group::region,    Group::sectors,           Group::clusters,
      Group::districts, Group::district_clusters, Group::programmes};
  for (const Group& candidate : kGroups)
    if (group_name(candidate) == group) g = &candidate;
  if (g == nullptr)
    throw InputError(
        "series '" + s.metric +
        "': expected region/<variable>, clusters/<variable>, sectors/<variable>, "
        "districts/<statistic>, district_clusters/<variable> or programmes/<variable>");
  if (*g == Group::region && !s.select.empty())
    throw InputError("series '" + s.metric + "': region series take no selection");
  const Variable* v = find_variable(s.metric);
  if (v == nullptr)
    throw InputError("series '" + s.metric + "': unknown variable '" + variable + "'; expected " +
                     expected_variables(*g));
  if (v->firm_model && !firm_model)
    throw InputError("series '" + s.metric + "': needs the firm model ([firms] enabled = true)");

  const std::vector<double>& data = this->*v->member;
  const std::size_t Y = years.size(), N = dimension_size(*this, *v);
  const std::size_t K = v->statistic >= 0 ? abm::kStatCount : 1;
  if (data.size() != static_cast<std::size_t>(replications) * Y * N * K)
    throw std::logic_error("Projection: " + v->metric() + " is held in an array of " +
                           std::to_string(data.size()) + " values, expected " +
                           std::to_string(static_cast<std::size_t>(replications) * Y * N * K));
  const std::vector<std::size_t> members = select_members(s, *this, v->dimension());
  const auto r = static_cast<std::size_t>(replication);
  const bool region = v->dimension() == Dimension::none;
  auto total = [&](std::size_t t, std::size_t k) {
    if (region) return data[(r * Y + t) * K + k];  // read as stored
    double sum = 0;
    for (std::size_t j : members) sum += data[((r * Y + t) * N + j) * K + k];
    return sum;
  };
  std::vector<double> out(Y, 0.0);
  const abm::StatInfo* info =
      v->statistic >= 0 ? &abm::info(static_cast<abm::Stat>(v->statistic)) : nullptr;
  for (std::size_t t = 0; t < Y; ++t) {
    if (info && info->kind == abm::StatInfo::Kind::ratio && !region) {
      // A ratio of a selection is the ratio of its sums (never a sum of ratios).
      const double den = total(t, static_cast<std::size_t>(info->denominator));
      out[t] = den > 0 ? total(t, static_cast<std::size_t>(info->numerator)) / den : 0.0;
    } else {
      out[t] = total(t, v->statistic >= 0 ? static_cast<std::size_t>(v->statistic) : 0);
    }
  }
  return out;
}

}  // namespace icsim::results
