// Model set-up (engine/experiment/model.hpp): the table's coefficients, final demand and its
// growth components, clusters, capacity, the firm model's base and the projects of the scenario.
#include "model.hpp"

#include <algorithm>
#include <stdexcept>

#include "icsim/common/error.hpp"
#include "icsim/io/multipliers.hpp"
#include "investment.hpp"

namespace icsim::experiment::detail {
namespace {

VectorXd per_output(const VectorXd& totals, const VectorXd& x) {
  VectorXd out = VectorXd::Zero(x.size());
  for (Index j = 0; j < x.size(); ++j)
    if (x(j) > 0) out(j) = totals(j) / x(j);
  return out;
}

}  // namespace

Model::Model(const scenario::LoadedScenario& loaded)
    : sc(loaded.scenario),
      table(loaded.table),
      systems(loaded.systems),
      n(static_cast<Index>(loaded.table.size())),
      years(loaded.scenario.horizon - loaded.scenario.base_year + 1),
      x0(loaded.table.total_output()),
      A(loaded.table.technical_coefficients()),
      leontief(A) {
  if (years < 1)
    throw InputError("horizon " + std::to_string(sc.horizon) + " is before the base year " +
                     std::to_string(sc.base_year));
  if (systems.size() != sc.clusters.size())
    throw std::invalid_argument("projection: " + std::to_string(systems.size()) +
                                " concordances loaded for " + std::to_string(sc.clusters.size()) +
                                " cluster systems");
  v = table.value_added.size() > 0
          ? per_output(table.value_added.values.colwise().sum().transpose(), x0)
          : VectorXd::Zero(n);
  m = table.imports.size() > 0 ? per_output(table.imports.values.colwise().sum().transpose(), x0)
                               : VectorXd::Zero(n);
  const int emp = table.satellites.find("employment");
  e = emp >= 0 ? per_output(table.satellites.values.row(emp).transpose(), x0) : VectorXd::Zero(n);
  auto satellite = [&](const char* label) {
    const int k = table.satellites.find(label);
    return k >= 0 ? per_output(table.satellites.values.row(k).transpose(), x0) : VectorXd::Zero(n);
  };
  energy = satellite("energy");
  water = satellite("water");
  rd = satellite("rd_expenditure");
  const std::string& unit = table.meta.money_unit;
  wan_per_money_unit = unit == "CNY 100 million"   ? 1e4
                       : unit == "CNY 10 thousand" ? 1.0
                       : unit == "CNY"             ? 1e-4
                                                   : kNaN;
  if (!(wan_per_money_unit > 0) && ((energy.array() != 0).any() || (water.array() != 0).any()))
    notes.push_back(
        "money unit '" + unit +
        "' is not CNY 100 million, CNY 10 thousand or CNY: the intensities per 万元 "
        "(region/industrial_energy_intensity, region/industrial_water_intensity) are NaN");
  C = io::investment_bridge(table);

  // Industrial sectors and the split of base industrial investment.
  industrial = VectorXd::Zero(n);
  for (const auto& code : sc.region.industrial_sectors)
    industrial(sector(code, "region.industrial_sectors")) = 1;
  const double industrial_output = industrial.dot(x0);
  share = industrial_output > 0 ? VectorXd(industrial.cwiseProduct(x0) / industrial_output)
                                : VectorXd::Zero(n);

  set_up_final_demand();
  set_up_clusters();
  set_up_sector_groups();
  set_up_capacity();
  set_up_firm_model(loaded);
  programmes = build_programmes(*this);
  exogenous = build_exogenous(*this);
}

// Final demand: listed components grow, the GFCF column splits in two, the rest stays.
void Model::set_up_final_demand() {
  const int gcol = table.final_demand.find(table.meta.gfcf);
  std::vector<bool> listed(table.final_demand.size(), false);
  for (const auto& [label, growth] : sc.growth.final_demand) {
    const int k = table.final_demand.find(label);
    if (k < 0)
      throw InputError("growth.final_demand: the table has no final-demand column '" + label + "'");
    if (k == gcol)
      throw InputError("growth.final_demand: '" + label +
                       "' is the GFCF column; it grows through investment.growth and "
                       "investment.other_gfcf_growth");
    if (listed[static_cast<std::size_t>(k)])
      throw InputError("growth.final_demand: column '" + label + "' listed twice");
    listed[static_cast<std::size_t>(k)] = true;
    components.push_back({k, &growth});
  }
  if (sc.households.closure == "labour_income") {
    const int h = table.final_demand.find(sc.households.column);
    if (h < 0 || h == gcol)
      throw InputError("households.column: the table has no household final-demand column '" +
                       sc.households.column + "'");
    for (std::size_t k = 0; k < components.size(); ++k)
      if (components[k].column == h) household_component = static_cast<int>(k);
    if (household_component < 0) {
      household_component = static_cast<int>(components.size());
      components.push_back({h, nullptr});
      listed[static_cast<std::size_t>(h)] = true;
    }
    labour = per_output(table.value_added.find(table.meta.labour_income) >= 0
                            ? VectorXd(table.value_added.values
                                           .row(table.value_added.find(table.meta.labour_income))
                                           .transpose())
                            : VectorXd::Zero(n),
                        x0);
    labour0 = labour.dot(x0);
    if (!(labour0 > 0))
      throw InputError(
          "households.closure = \"labour_income\": the table has no labour income row '" +
          table.meta.labour_income + "'");
  } else if (sc.households.closure != "exogenous") {
    throw InputError("households.closure: expected \"exogenous\" or \"labour_income\", got \"" +
                     sc.households.closure + "\"");
  }
  f_listed.resize(n, static_cast<Index>(components.size()));
  for (std::size_t k = 0; k < components.size(); ++k)
    f_listed.col(static_cast<Index>(k)) = table.final_demand.values.col(components[k].column);
  f_fixed = VectorXd::Zero(n);
  for (std::size_t k = 0; k < table.final_demand.size(); ++k)
    if (!listed[k] && static_cast<int>(k) != gcol)
      f_fixed += table.final_demand.values.col(static_cast<Index>(k));
  const VectorXd g0 = gcol >= 0 ? VectorXd(table.final_demand.values.col(gcol)) : VectorXd::Zero(n);
  if (gcol < 0 && sc.investment.industrial_base > 0)
    notes.push_back("the table has no GFCF column '" + table.meta.gfcf +
                    "': base-year industrial investment adds to the table's final demand");
  g_other0 = g0 - C * (sc.investment.industrial_base * share);
  for (Index i = 0; i < n; ++i)
    if (g_other0(i) < 0) {
      notes.push_back(
          "GFCF of product " + table.codes[static_cast<std::size_t>(i)] + " (" +
          std::to_string(g0(i)) + ") is below the purchases of base-year industrial investment (" +
          std::to_string(g0(i) - g_other0(i)) + "); the rest of GFCF is set to 0 for that product");
      g_other0(i) = 0;
    }
}

// Clusters, stacked over systems, and the above-scale output shares.
void Model::set_up_clusters() {
  Index nc = 0;
  for (const auto& s : systems) nc += s.weights.rows();
  W.resize(nc, n);
  Index row = 0;
  for (const auto& s : systems) {
    if (s.weights.cols() != n)
      throw std::invalid_argument("projection: concordance '" + s.system + "' has " +
                                  std::to_string(s.weights.cols()) + " sectors, the table " +
                                  std::to_string(n));
    W.middleRows(row, s.weights.rows()) = s.weights;
    row += s.weights.rows();
  }
  above_scale = VectorXd::Ones(n);
  for (Index i = 0; i < n; ++i)
    if (industrial(i) > 0) above_scale(i) = sc.region.above_scale_output_share;
}

void Model::set_up_sector_groups() {
  for (std::size_t g = 0; g < sc.growth.sector_groups.size(); ++g) {
    const auto& spec = sc.growth.sector_groups[g];
    const std::string where = "growth.sector_groups[" + std::to_string(g) + "]";
    GroupModel group{&spec.growth, VectorXd::Zero(n)};
    for (const auto& code : spec.sectors) group.member(sector(code, where)) = 1;
    for (const auto& ref : spec.clusters)
      group.member = group.member.cwiseMax(target_members(ref, where));
    groups.push_back(std::move(group));
  }
}

void Model::set_up_capacity() {
  capacity = sc.capacity.enabled;
  constrained = VectorXd::Zero(n);
  K0 = VectorXd::Constant(n, kInf);
  if (capacity) {
    if (!(sc.capacity.utilisation > 0))
      throw InputError("capacity.utilisation must be positive, got " +
                       std::to_string(sc.capacity.utilisation));
    if (sc.capacity.sectors.empty())
      constrained = industrial;
    else
      for (const auto& code : sc.capacity.sectors)
        constrained(sector(code, "capacity.sectors")) = 1;
    for (Index i = 0; i < n; ++i)
      if (constrained(i) > 0) K0(i) = x0(i) / sc.capacity.utilisation;
  }
}

void Model::set_up_firm_model(const scenario::LoadedScenario& loaded) {
  if (sc.firms.enabled) {
    abm::FirmModelParameters parameters = sc.firms.parameters;
    parameters.synthesis.industrial_sectors = sc.region.industrial_sectors;
    parameters.output_per_investment = sc.investment.output_per_investment;
    // The firms' energy use per unit of output: the table's energy satellite per industrial
    // sector (tce per money unit of output), when the table has one and the scenario sets none.
    if (parameters.synthesis.energy_per_output.empty() && table.satellites.find("energy") >= 0) {
      for (const auto& code : sc.region.industrial_sectors)
        parameters.synthesis.energy_per_output.push_back(
            energy(sector(code, "region.industrial_sectors")));
    }
    firm_base = abm::FirmModelBase::build(table, loaded.districts, parameters, sc.seed, systems);
    firm_sectors = VectorXd::Zero(n);
    for (auto k : firm_base->industrial) firm_sectors(static_cast<Index>(k)) = 1;
    notes.push_back(
        "firm model: capacity of the industrial sectors is the sum over their firms (capacity "
        "trend and capacity.sectors do not apply); programme projects that add capacity become "
        "firms or expansions that need land");
  }
}

Index Model::sector(const std::string& code, const std::string& where) const {
  const int i = table.sector_index(code);
  if (i < 0) throw InputError(where + ": the table has no sector '" + code + "'");
  return i;
}

std::pair<std::size_t, Index> Model::cluster(const std::string& ref,
                                             const std::string& where) const {
  const auto slash = ref.find('/');
  if (slash == std::string::npos)
    throw InputError(where + ": '" + ref + "' is neither a sector code nor SYSTEM/CLUSTER");
  const std::string system = ref.substr(0, slash), code = ref.substr(slash + 1);
  for (std::size_t k = 0; k < systems.size(); ++k) {
    if (systems[k].system != system) continue;
    const auto& cl = systems[k].clusters;
    const auto it = std::find(cl.begin(), cl.end(), code);
    if (it == cl.end())
      throw InputError(where + ": cluster system '" + system + "' has no cluster '" + code + "'");
    return {k, static_cast<Index>(it - cl.begin())};
  }
  throw InputError(where + ": no cluster system '" + system + "' (in '" + ref + "')");
}

VectorXd Model::target_mix(const std::string& target, const std::string& where) const {
  if (table.sector_index(target) >= 0) return VectorXd::Unit(n, table.sector_index(target));
  const auto [k, c] = cluster(target, where);
  return systems[k].investment_mix(c, x0);
}

VectorXd Model::target_members(const std::string& target, const std::string& where) const {
  const auto [k, c] = cluster(target, where);
  VectorXd member = VectorXd::Zero(n);
  for (Index i = 0; i < n; ++i)
    if (systems[k].weights(c, i) > 0) member(i) = 1;
  return member;
}

}  // namespace icsim::experiment::detail
