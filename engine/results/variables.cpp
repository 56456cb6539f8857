// The catalogue of result variables (include/icsim/results/variables.hpp) and what loops over it
// without a file or a model: allocation and joining blocks of replications.
#include "icsim/results/variables.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

#include "icsim/abm/statistics.hpp"
#include "icsim/common/error.hpp"

namespace icsim::results {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The statistic's long_name for /region: said of the region rather than of a district.
std::string region_text(std::string_view description) {
  std::string text(description);
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{"the district's", "the region's"},
        {"the district", "the region"}})
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at))
      text.replace(at, from.size(), to), at += to.size();
  return text;
}

std::vector<Variable> build_catalogue() {
  std::vector<Variable> listed;
#define ICSIM_MONEY kMoneyUnits
#define ICSIM_FIRM_MODEL_io false
#define ICSIM_FIRM_MODEL_firm true
#define ICSIM_CATALOGUE_ENTRY(group, name, member, units, firm_model, long_name) \
  listed.push_back({Group::group, #name, std::string(units), long_name,          \
                    ICSIM_FIRM_MODEL_##firm_model, &Projection::member, -1});
  ICSIM_RESULT_VARIABLES(ICSIM_CATALOGUE_ENTRY)
#undef ICSIM_CATALOGUE_ENTRY
#undef ICSIM_FIRM_MODEL_firm
#undef ICSIM_FIRM_MODEL_io
#undef ICSIM_MONEY

  std::vector<Variable> out;
  for (Group g : {Group::sectors, Group::clusters, Group::region, Group::districts,
                  Group::district_clusters, Group::programmes}) {
    for (const auto& v : listed)
      if (v.group == g) out.push_back(v);
    if (g != Group::region && g != Group::districts) continue;  // statistics: these two only
    // The firm model's statistics; in /region after its own variables, a statistic whose name
    // one of them already uses is left out (none is today).
    for (const auto& s : abm::statistics_info()) {
      const std::string name(s.name);
      if (g == Group::region && std::any_of(listed.begin(), listed.end(), [&](const Variable& v) {
            return v.group == g && v.name == name;
          }))
        continue;
      out.push_back(
          {g, name, std::string(s.unit),
           g == Group::region ? region_text(s.description) : std::string(s.description), true,
           g == Group::region ? &Projection::region_statistics : &Projection::district_statistics,
           static_cast<int>(s.stat)});
    }
  }
  return out;
}

std::size_t statistic_width(const Variable& v) { return v.statistic >= 0 ? abm::kStatCount : 1; }

}  // namespace

std::string_view group_name(Group g) {
  switch (g) {
    case Group::sectors:
      return "sectors";
    case Group::clusters:
      return "clusters";
    case Group::region:
      return "region";
    case Group::districts:
      return "districts";
    case Group::district_clusters:
      return "district_clusters";
    case Group::programmes:
      return "programmes";
  }
  return "region";
}

Dimension dimension(Group g) {
  switch (g) {
    case Group::sectors:
      return Dimension::sector;
    case Group::clusters:
      return Dimension::cluster;
    case Group::region:
      return Dimension::none;
    case Group::districts:
      return Dimension::district;
    case Group::district_clusters:
      return Dimension::district_cluster;
    case Group::programmes:
      return Dimension::programme;
  }
  return Dimension::none;
}

std::string Variable::metric() const { return std::string(group_name(group)) + "/" + name; }

std::string Variable::units_in(const std::string& money_unit) const {
  return units == kMoneyUnits ? money_unit : units;
}

const std::vector<Variable>& variables() {
  static const std::vector<Variable> catalogue = build_catalogue();
  return catalogue;
}

const Variable* find_variable(std::string_view metric) {
  for (const auto& v : variables())
    if (metric.size() == group_name(v.group).size() + 1 + v.name.size() &&
        metric.substr(0, group_name(v.group).size()) == group_name(v.group) &&
        metric[group_name(v.group).size()] == '/' &&
        metric.substr(group_name(v.group).size() + 1) == v.name)
      return &v;
  return nullptr;
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& v : variables()) out.push_back(v.metric());
    return out;
  }();
  return names;
}

bool needs_firm_model(std::string_view metric) {
  const Variable* v = find_variable(metric);
  return v != nullptr && v->firm_model;
}

std::size_t dimension_size(const Projection& p, const Variable& v) {
  switch (v.dimension()) {
    case Dimension::none:
      return 1;
    case Dimension::sector:
      return p.sectors.size();
    case Dimension::cluster:
      return p.clusters.size();
    case Dimension::district:
      return p.districts.size();
    case Dimension::district_cluster:
      return p.districts.size() * p.clusters.size();
    case Dimension::programme:
      return p.programmes.size();
  }
  return 1;
}

std::vector<double> values(const Projection& p, const Variable& v) {
  const std::vector<double>& data = p.*v.member;
  const std::size_t n =
      static_cast<std::size_t>(p.replications) * p.years.size() * dimension_size(p, v);
  const std::size_t width = statistic_width(v);
  if (data.size() != n * width)
    throw std::logic_error("Projection: " + v.metric() + " is held in an array of " +
                           std::to_string(data.size()) + " values, expected " +
                           std::to_string(n * width));
  if (v.statistic < 0) return data;
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = data[i * width + static_cast<std::size_t>(v.statistic)];
  return out;
}

std::size_t values_per_replication(const Projection& p) {
  std::size_t total = 0;
  std::vector<std::vector<double> Projection::*> done;  // statistics share one member
  for (const auto& v : variables()) {
    if ((v.firm_model && !p.firm_model) ||
        std::find(done.begin(), done.end(), v.member) != done.end())
      continue;
    done.push_back(v.member);
    total += p.years.size() * dimension_size(p, v) * statistic_width(v);
  }
  return total;
}

void allocate(Projection& p) {
  const std::size_t RY = static_cast<std::size_t>(p.replications) * p.years.size();
  for (const auto& v : variables()) {
    if (v.firm_model && !p.firm_model) continue;
    (p.*v.member).assign(RY * dimension_size(p, v) * statistic_width(v), kNaN);
  }
}

void append_replications(Projection& into, Projection&& block, const std::string& where) {
  if (into.replications == 0 && into.years.empty()) {
    into = std::move(block);
    return;
  }
  if (block.years != into.years || block.sectors != into.sectors ||
      block.clusters != into.clusters || block.districts != into.districts ||
      block.programmes != into.programmes || block.firm_model != into.firm_model)
    throw InputError(where +
                     ": years, sectors, clusters, districts or programmes differ from the other "
                     "blocks of the run");
  if (block.first_replication != into.first_replication + into.replications)
    throw InputError(where + ": replications start at " + std::to_string(block.first_replication) +
                     ", expected " + std::to_string(into.first_replication + into.replications));
  into.replications += block.replications;
  std::vector<std::vector<double> Projection::*> done;  // statistics share one member
  for (const auto& v : variables()) {
    if (std::find(done.begin(), done.end(), v.member) != done.end()) continue;
    done.push_back(v.member);
    auto& to = into.*v.member;
    const auto& from = block.*v.member;
    to.insert(to.end(), from.begin(), from.end());
  }
}

}  // namespace icsim::results
