// The yearly projection (projection.hpp; MODEL.md §3 steps 1-3 on the input-output core).
// docs/projection.md states the model for readers of results; this block states it for readers
// of the code. Vectors are over the n sectors of the table T; "real" = base-year prices.
//
// Setup (once per run):
//   x0 = T.total_output(), A = T.technical_coefficients(), L = (I - A)^-1 factored once;
//   v, e, m = value added, employment ("employment" satellite, else 0) and intermediate imports
//   per unit of output (0 where x0 = 0); C = io::investment_bridge(T) (column j = products
//   bought when sector j invests one unit).
//   Industrial sectors I (region.industrial_sectors): s_j = x0_j / sum_{i in I} x0_i on I, 0
//   elsewhere, splits base industrial investment I0 (investment.industrial_base) over investing
//   sectors. The GFCF column g0 (meta.gfcf) = industrial part C (I0 s) + the rest g_other0,
//   clipped at 0 per product (each clip is reported in Projection::notes).
//   "SYSTEM/CODE" names a cluster of scenario.clusters (investment spread over its sectors by
//   Concordance::investment_mix(c, x0)); a sector code names that sector.
//
// Replication r, year t = base+1 .. horizon (index 0 = base year: base values, price index 1).
// Every Growth g of the scenario is g_t = own_t + common_loading * c_t, with c_t the common
// shock (growth.common; per_year draws it afresh every year, else once per replication) and
// own_t drawn per year or once per replication likewise. Each growth has its own random stream
// (random.hpp): demand_growth/k for listed final-demand column k, sector_group_growth/G,
// prices/0, capacity/0 (trend), investment/0 (industrial investment), investment/1 (other
// GFCF), programme/p (projects of programme p: three uniforms per project, always).
//  1. index_k,t = index_k,t-1 (1 + g_kt) per listed final-demand column (others stay at 1);
//     E_i,t = E_i,t-1 (1 + sum_{G contains i} h_Gt) for the sector groups; J_t (industrial
//     investment), OG_t (other GFCF) and P_t (price index) likewise.
//  2. inv_t = I0 J_t s + programme and exogenous outlays (real: nominal / P of the year spent).
//     Programme p's `projects` projects are dealt to its split entries by largest remainder on
//     projects * share; an entry's money (share * investment) is divided equally among its
//     projects, and an entry that rounds to 0 projects gets one (the total money is exact; the
//     project count may then exceed `projects`). Per project: failure (u1 < failure_probability:
//     never starts), delay (u2 < delay_probability: 1 + floor(u3 max_delay_years) years, else
//     0); outlays evenly over construction_years from start_year + delay. Exogenous investments
//     are one project without delay or failure.
//  3. f_t = (sum_{k != gfcf} F0_k index_k,t + g_other0 OG_t) (.) E_t + C inv_t + sales_t,
//     where a completed project (adds_capacity) adds capacity a * output_per_investment (a = its
//     real outlays) spread by its mix from its completion year (start + delay +
//     construction_years), and sales_t = that capacity * min(1, k / ramp_up_years) in its k-th
//     operating year (1 when ramp_up_years = 0): sales outside the region.
//  4. Capacity (capacity.enabled) on S = capacity.sectors, or I if empty: K_0 = x0 / utilisation,
//     K_t = K_t-1 (1 + trend_t) + capacity completed in t (+inf outside S). x = L f; if some
//     x_i > K_i (i in S), the mixed model: x_B = K_B on the binding set B, (I - A_NN) x_N = f_N +
//     A_NB K_B on the rest; B gains sectors of S over capacity and loses those whose demand
//     d_B = (A x)_B + f_B falls below capacity, until it no longer changes (ModelError if it
//     does not settle). The excess d_B - K_B is imported.
//  5. Recorded in current prices (x P_t): output x, value added v x, investment inv_t, capacity
//     K_t (NaN where unconstrained), imports m x + excess; employment e x in persons. Clusters:
//     concordance weights times the sector arrays; region: sums (industrial = over I; above-scale
//     = times the region's above-scale shares).
// Only events in years after the base year count: outlays in or before the base year are in the
// base table, and projects completed by the base year change nothing.
//
// Replications run in parallel (OpenMP, dynamic schedule) with BLAS single-threaded; every
// replication depends only on (seed, replication), so results are bit-identical whatever the
// thread count and whichever replications run together.
#include "icsim/experiment/projection.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>

#include "icsim/abm/firm_model.hpp"
#include "icsim/abm/statistics.hpp"
#include "icsim/common/error.hpp"
#include "icsim/common/threads.hpp"
#include "icsim/experiment/random.hpp"
#include "icsim/io/leontief.hpp"
#include "icsim/io/multipliers.hpp"
#include "icsim/results/variables.hpp"

namespace icsim::experiment {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
// Relative margin before a sector counts as over (or under) its capacity.
constexpr double kCapacityTolerance = 1e-12;

// One Growth's yearly draws: own part per year or once per replication, plus loading x shock.
class GrowthDraws {
 public:
  GrowthDraws(const scenario::Growth& growth, RandomStream stream)
      : growth_(&growth), stream_(stream) {}
  double next(double common) {
    if (growth_->per_year || !drawn_) {
      own_ = stream_.draw_growth(growth_->rate);
      drawn_ = true;
    }
    return own_ + growth_->common_loading * common;
  }

 private:
  const scenario::Growth* growth_;
  RandomStream stream_;
  double own_ = 0;
  bool drawn_ = false;
};

struct Project {
  VectorXd mix;  // investing-sector mix (sums to 1)
  double money;  // nominal
};

struct ProgrammeModel {
  const scenario::Programme* spec;
  std::vector<Project> projects;
};

struct ExogenousModel {
  const scenario::ExogenousInvestment* spec;
  VectorXd mix;
};

struct ComponentModel {
  Index column;
  const scenario::Growth* growth;  // nullptr: moved by labour income (Type II closure)
};

struct GroupModel {
  const scenario::Growth* growth;
  VectorXd member;  // 1 for products in the group
};

// Everything a replication reads; built once, shared read-only by the threads.
struct Model {
  const scenario::Scenario& sc;
  const io::IOTable& table;
  const std::vector<io::Concordance>& systems;
  Index n = 0;
  int years = 0;  // including the base year
  VectorXd x0, v, e, m;
  MatrixXd A, C;
  io::LeontiefSystem leontief;
  std::vector<ComponentModel> components;
  MatrixXd f_listed;  // n x components
  VectorXd f_fixed;   // unlisted non-GFCF columns
  VectorXd g_other0;
  VectorXd share;       // s
  VectorXd industrial;  // 1 on I
  std::vector<GroupModel> groups;
  bool capacity = false;
  VectorXd constrained;  // 1 on S
  VectorXd K0;
  std::vector<ProgrammeModel> programmes;
  std::vector<ExogenousModel> exogenous;
  MatrixXd W;            // clusters x n, every system stacked
  VectorXd above_scale;  // above-scale output share per sector
  // Households (Type II closure): the component of household consumption (-1 if exogenous),
  // labour income per unit of output and its base-year total.
  int household_component = -1;
  VectorXd labour;
  double labour0 = 0;
  // The firm model: its shared base (null when off) and the sectors it constrains.
  std::shared_ptr<const abm::FirmModelBase> firm_base;
  VectorXd firm_sectors;
  std::vector<std::string> notes;

  Model(const scenario::LoadedScenario& loaded);
  Index sector(const std::string& code, const std::string& where) const;
  VectorXd target_mix(const std::string& target, const std::string& where) const;
  VectorXd target_members(const std::string& target, const std::string& where) const;
  std::pair<std::size_t, Index> cluster(const std::string& ref, const std::string& where) const;
};

VectorXd per_output(const VectorXd& totals, const VectorXd& x) {
  VectorXd out = VectorXd::Zero(x.size());
  for (Index j = 0; j < x.size(); ++j)
    if (x(j) > 0) out(j) = totals(j) / x(j);
  return out;
}

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
  C = io::investment_bridge(table);

  // Industrial sectors and the split of base industrial investment.
  industrial = VectorXd::Zero(n);
  for (const auto& code : sc.region.industrial_sectors)
    industrial(sector(code, "region.industrial_sectors")) = 1;
  const double industrial_output = industrial.dot(x0);
  share = industrial_output > 0 ? VectorXd(industrial.cwiseProduct(x0) / industrial_output)
                                : VectorXd::Zero(n);

  // Final demand: listed components grow, the GFCF column splits in two, the rest stays.
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

  // Clusters, stacked over systems.
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

  for (std::size_t g = 0; g < sc.growth.sector_groups.size(); ++g) {
    const auto& spec = sc.growth.sector_groups[g];
    const std::string where = "growth.sector_groups[" + std::to_string(g) + "]";
    GroupModel group{&spec.growth, VectorXd::Zero(n)};
    for (const auto& code : spec.sectors) group.member(sector(code, where)) = 1;
    for (const auto& ref : spec.clusters)
      group.member = group.member.cwiseMax(target_members(ref, where));
    groups.push_back(std::move(group));
  }

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

  if (sc.firms.enabled) {
    abm::FirmModelParameters parameters = sc.firms.parameters;
    parameters.synthesis.industrial_sectors = sc.region.industrial_sectors;
    parameters.output_per_investment = sc.investment.output_per_investment;
    firm_base = abm::FirmModelBase::build(table, loaded.districts, parameters, sc.seed);
    firm_sectors = VectorXd::Zero(n);
    for (auto k : firm_base->industrial) firm_sectors(static_cast<Index>(k)) = 1;
    notes.push_back(
        "firm model: capacity of the industrial sectors is the sum over their firms (capacity "
        "trend and capacity.sectors do not apply); programme projects that add capacity become "
        "firms or expansions that need land");
  }

  for (std::size_t p = 0; p < sc.programmes.size(); ++p) {
    const auto& spec = sc.programmes[p];
    const std::string where = "programme[" + std::to_string(p) + "] (" + spec.name + ")";
    if (spec.projects < 1) throw InputError(where + ": projects must be at least 1");
    if (spec.construction_years < 1)
      throw InputError(where + ": construction_years must be at least 1");
    ProgrammeModel prog{&spec, {}};
    // Largest remainder: floor(projects * share), then one more to the largest remainders.
    const std::size_t entries = spec.split.size();
    std::vector<int> count(entries);
    std::vector<std::pair<double, std::size_t>> remainder;
    int dealt = 0;
    for (std::size_t k = 0; k < entries; ++k) {
      const double quota = spec.projects * spec.split[k].second;
      count[k] = static_cast<int>(std::floor(quota));
      dealt += count[k];
      remainder.push_back({quota - count[k], k});
    }
    std::stable_sort(remainder.begin(), remainder.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; k < remainder.size() && dealt < spec.projects; ++k, ++dealt)
      ++count[remainder[k].second];
    for (std::size_t k = 0; k < entries; ++k) {
      const VectorXd mix = target_mix(spec.split[k].first, where);
      const int projects = std::max(count[k], 1);
      const double money = spec.investment * spec.split[k].second / projects;
      for (int j = 0; j < projects; ++j) prog.projects.push_back({mix, money});
    }
    programmes.push_back(std::move(prog));
  }
  for (std::size_t k = 0; k < sc.exogenous_investment.size(); ++k) {
    const auto& spec = sc.exogenous_investment[k];
    const std::string where = "exogenous_investment[" + std::to_string(k) + "] (" + spec.name + ")";
    if (spec.construction_years < 1)
      throw InputError(where + ": construction_years must be at least 1");
    exogenous.push_back({&spec, target_mix(spec.target, where)});
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

// x with x_i <= K_i on the constrained sectors (mixed model); `leak` = excess demand imported.
// `constrained` is 1 on the sectors whose capacity binds (none if `enabled` is false).
VectorXd solve_output(const Model& M, const VectorXd& f, const VectorXd& K, VectorXd& leak,
                      bool enabled, const VectorXd& constrained) {
  VectorXd x = M.leontief.solve(f);
  leak = VectorXd::Zero(M.n);
  if (!enabled) return x;
  std::vector<char> binding(static_cast<std::size_t>(M.n), 0);
  bool any = false;
  for (Index i = 0; i < M.n; ++i)
    if (constrained(i) > 0 && x(i) > K(i) * (1 + kCapacityTolerance)) binding[i] = any = true;
  if (!any) return x;

  const int max_iterations = 2 * static_cast<int>(M.n) + 10;
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    std::vector<Index> B, N;
    for (Index i = 0; i < M.n; ++i) (binding[i] ? B : N).push_back(i);
    if (B.empty()) {
      x = M.leontief.solve(f);
    } else {
      VectorXd KB = K(B);
      MatrixXd block = -M.A(N, N);
      block.diagonal().array() += 1.0;
      VectorXd rhs = f(N) + M.A(N, B) * KB;
      VectorXd xN = N.empty() ? VectorXd() : VectorXd(block.partialPivLu().solve(rhs));
      x(N) = xN;
      x(B) = KB;
    }
    const VectorXd demand = M.A * x + f;
    bool changed = false;
    for (Index i = 0; i < M.n; ++i) {
      if (constrained(i) <= 0) continue;
      if (!binding[i] && x(i) > K(i) * (1 + kCapacityTolerance))
        binding[i] = changed = true;
      else if (binding[i] && demand(i) < K(i) * (1 - kCapacityTolerance)) {
        binding[i] = false;
        changed = true;
      }
    }
    if (!changed) {
      for (Index i : B) leak(i) = demand(i) - K(i);
      return x;
    }
  }
  throw ModelError("the capacity-constrained solution did not settle after " +
                   std::to_string(max_iterations) +
                   " iterations (sectors keep switching between binding and free)");
}

struct Slices {
  Projection& out;
  std::size_t Y, n, nc;
  std::size_t sector(int r, std::size_t t) const { return (r * Y + t) * n; }
  std::size_t cluster(int r, std::size_t t) const { return (r * Y + t) * nc; }
  std::size_t region(int r, std::size_t t) const { return r * Y + t; }
};

// Records year t of local replication r. With the firm model (fm non-null) the industrial
// sectors' value added and employment are the firms' sums, the above-scale aggregates count the
// firms that are 规上, and the firm statistics are stored.
void record(const Model& M, const Slices& s, int r, std::size_t t, double P, const VectorXd& x,
            const VectorXd& inv, const VectorXd& K, const VectorXd& leak,
            const abm::FirmModel* fm) {
  Projection& out = s.out;
  const VectorXd output = x * P;
  VectorXd va = M.v.cwiseProduct(x) * P;
  VectorXd employment = M.e.cwiseProduct(x);
  VectorXd above = output.cwiseProduct(M.above_scale);
  if (fm) {
    const auto fva = fm->sector_value_added(), femp = fm->sector_employment(),
               fabove = fm->sector_output_above_scale();
    for (Index j = 0; j < M.n; ++j)
      if (M.firm_sectors(j) > 0) {
        va(j) = fva[static_cast<std::size_t>(j)] * P;
        employment(j) = femp[static_cast<std::size_t>(j)];
        above(j) = fabove[static_cast<std::size_t>(j)] * P;
      }
  }
  const VectorXd investment = inv * P;
  const std::size_t o = s.sector(r, t);
  for (Index j = 0; j < M.n; ++j) {
    const std::size_t k = o + static_cast<std::size_t>(j);
    out.sector_output[k] = output(j);
    out.sector_value_added[k] = va(j);
    out.sector_employment[k] = employment(j);
    out.sector_investment[k] = investment(j);
    out.sector_capacity[k] = std::isfinite(K(j)) ? K(j) * P : kNaN;
    out.sector_imports[k] = (M.m(j) * x(j) + leak(j)) * P;
  }
  if (s.nc > 0) {
    const VectorXd c_out = M.W * output, c_va = M.W * va, c_inv = M.W * investment,
                   c_above = M.W * above;
    const std::size_t oc = s.cluster(r, t);
    for (std::size_t c = 0; c < s.nc; ++c) {
      const auto ci = static_cast<Index>(c);
      out.cluster_output[oc + c] = c_out(ci);
      out.cluster_value_added[oc + c] = c_va(ci);
      out.cluster_investment[oc + c] = c_inv(ci);
      out.cluster_output_above_scale[oc + c] = c_above(ci);
    }
  }
  const std::size_t g = s.region(r, t);
  const auto& region = M.sc.region;
  out.gdp[g] = va.sum();
  out.industrial_output[g] = M.industrial.dot(output);
  out.industrial_value_added[g] = M.industrial.dot(va);
  if (fm) {
    const auto& st = fm->statistics();
    out.industrial_output_above_scale[g] =
        st.region[static_cast<std::size_t>(abm::Stat::output_above_scale)];
    out.industrial_value_added_above_scale[g] =
        st.region[static_cast<std::size_t>(abm::Stat::value_added_above_scale)];
    const std::size_t D = out.districts.size(), S = abm::kStatCount;
    std::copy(st.values.begin(), st.values.end(),
              out.district_statistics.begin() + static_cast<long>(((r * s.Y + t) * D) * S));
    std::copy(st.region.begin(), st.region.end(),
              out.region_statistics.begin() + static_cast<long>((r * s.Y + t) * S));
    const std::size_t os = s.sector(r, t);
    for (Index j = 0; j < M.n; ++j) {
      out.sector_land_in_use[os + static_cast<std::size_t>(j)] = fm->sector_land()[j];
      out.sector_firms[os + static_cast<std::size_t>(j)] = fm->sector_firms()[j];
    }
    if (s.nc > 0) {
      const Eigen::Map<const VectorXd> land(fm->sector_land().data(), M.n),
          firms(fm->sector_firms().data(), M.n);
      const VectorXd c_land = M.W * land, c_firms = M.W * firms;
      const std::size_t oc = s.cluster(r, t);
      for (std::size_t c = 0; c < s.nc; ++c) {
        out.cluster_land_in_use[oc + c] = c_land(static_cast<Index>(c));
        out.cluster_firms[oc + c] = c_firms(static_cast<Index>(c));
      }
    }
  } else {
    out.industrial_output_above_scale[g] =
        out.industrial_output[g] * region.above_scale_output_share;
    out.industrial_value_added_above_scale[g] =
        out.industrial_value_added[g] * region.above_scale_value_added_share;
  }
  out.industrial_investment[g] = M.industrial.dot(investment);
  out.price_index[g] = P;
}

// One replication (global number `replication`) into local slice `r`.
void run_replication(const Model& M, const Slices& s, std::uint64_t replication, int r) {
  const auto& sc = M.sc;
  const std::uint64_t seed = sc.seed;
  const int Y = M.years;
  const Index n = M.n;
  auto stream = [&](Purpose p, std::uint32_t index) {
    return RandomStream(seed, replication, p, index);
  };

  // Common shock and price index first: outlays are deflated by the price of their year.
  std::vector<double> common(static_cast<std::size_t>(Y), 0.0),
      price(static_cast<std::size_t>(Y), 1.0);
  GrowthDraws shock(sc.growth.common, stream(Purpose::common_shock, 0));
  GrowthDraws inflation(sc.price_growth, stream(Purpose::prices, 0));
  for (int t = 1; t < Y; ++t) {
    common[t] = shock.next(0.0);
    price[t] = price[t - 1] * (1 + inflation.next(common[t]));
  }

  // Project pipeline: real outlays, capacity completed and sales outside the region by year.
  MatrixXd outlays = MatrixXd::Zero(n, Y), added = MatrixXd::Zero(n, Y),
           sales = MatrixXd::Zero(n, Y);
  auto schedule = [&](const VectorXd& mix, double money, int start, int construction, int ramp,
                      bool adds_capacity) {
    double real = 0;
    for (int y = start; y < start + construction; ++y) {
      const int t = y - sc.base_year;
      if (t >= Y) break;
      const double outlay = money / construction / (t >= 1 ? price[t] : 1.0);
      real += outlay;
      if (t >= 1) outlays.col(t) += outlay * mix;
    }
    const int done = start + construction - sc.base_year;
    if (!adds_capacity || done < 1 || done >= Y) return;
    const VectorXd capacity = real * sc.investment.output_per_investment * mix;
    added.col(done) += capacity;
    for (int t = done; t < Y; ++t) {
      const double fraction = ramp <= 0 ? 1.0 : std::min(1.0, double(t - done + 1) / ramp);
      sales.col(t) += fraction * capacity;
    }
  };
  // With the firm model, projects that add capacity go to it: they start when they have land.
  std::optional<abm::FirmModel> firms;
  if (M.firm_base) firms.emplace(M.firm_base, replication, sc.base_year);
  std::vector<abm::ProjectSpec> firm_projects;
  std::uint32_t project_id = 0;
  for (std::size_t p = 0; p < M.programmes.size(); ++p) {
    const auto& prog = M.programmes[p];
    const auto& spec = *prog.spec;
    RandomStream draws = stream(Purpose::programme, static_cast<std::uint32_t>(p));
    const int max_delay = std::max(1, spec.max_delay_years);
    for (const auto& project : prog.projects) {
      const std::uint32_t id = project_id++;
      const double u_fail = draws.uniform(), u_delay = draws.uniform(), u_length = draws.uniform();
      if (u_fail < spec.failure_probability) continue;
      const int delay = u_delay < spec.delay_probability
                            ? 1 + std::min(max_delay - 1, static_cast<int>(u_length * max_delay))
                            : 0;
      const int start = spec.start_year + delay;
      // With the firm model, the industrial part of a project's mix becomes firms; the rest
      // (e.g. software services in a digital-industry cluster) stays an input-output project.
      const double industrial_part = firms ? M.firm_sectors.dot(project.mix) : 0.0;
      if (firms && spec.adds_capacity && industrial_part > 0) {
        abm::ProjectSpec fp;
        fp.id = id;
        const VectorXd mix = project.mix.cwiseProduct(M.firm_sectors) / industrial_part;
        fp.sector_mix.assign(mix.data(), mix.data() + n);
        const int ts = std::clamp(start - sc.base_year, 0, Y - 1);
        fp.investment = industrial_part * project.money / price[static_cast<std::size_t>(ts)];
        fp.start_year = start;
        fp.construction_years = spec.construction_years;
        fp.ramp_up_years = spec.ramp_up_years;
        fp.creates_firm = spec.creates_firms;
        firm_projects.push_back(std::move(fp));
        if (industrial_part < 1 - 1e-12) {
          const VectorXd rest = project.mix.cwiseProduct(VectorXd::Ones(n) - M.firm_sectors);
          schedule(rest / (1 - industrial_part), (1 - industrial_part) * project.money, start,
                   spec.construction_years, spec.ramp_up_years, spec.adds_capacity);
        }
        continue;
      }
      schedule(project.mix, project.money, start, spec.construction_years, spec.ramp_up_years,
               spec.adds_capacity);
    }
  }

  for (const auto& ex : M.exogenous) {
    const double industrial_part = firms ? M.firm_sectors.dot(ex.mix) : 0.0;
    if (firms && ex.spec->adds_capacity && industrial_part > 0) {
      abm::ProjectSpec fp;
      fp.id = project_id++;
      const VectorXd mix = ex.mix.cwiseProduct(M.firm_sectors) / industrial_part;
      fp.sector_mix.assign(mix.data(), mix.data() + n);
      const int ts = std::clamp(ex.spec->year - sc.base_year, 0, Y - 1);
      fp.investment = industrial_part * ex.spec->amount / price[static_cast<std::size_t>(ts)];
      fp.start_year = ex.spec->year;
      fp.construction_years = ex.spec->construction_years;
      firm_projects.push_back(std::move(fp));
      if (industrial_part < 1 - 1e-12) {
        const VectorXd rest = ex.mix.cwiseProduct(VectorXd::Ones(n) - M.firm_sectors);
        schedule(rest / (1 - industrial_part), (1 - industrial_part) * ex.spec->amount,
                 ex.spec->year, ex.spec->construction_years, 0, ex.spec->adds_capacity);
      }
      continue;
    }
    schedule(ex.mix, ex.spec->amount, ex.spec->year, ex.spec->construction_years, 0,
             ex.spec->adds_capacity);
  }

  if (firms) firms->add_projects(std::move(firm_projects));

  std::vector<GrowthDraws> components;
  static const scenario::Growth kNoGrowth;  // the household component under Type II closure
  for (std::size_t k = 0; k < M.components.size(); ++k)
    components.emplace_back(M.components[k].growth ? *M.components[k].growth : kNoGrowth,
                            stream(Purpose::demand_growth, static_cast<std::uint32_t>(k)));
  std::vector<GrowthDraws> groups;
  for (std::size_t g = 0; g < M.groups.size(); ++g)
    groups.emplace_back(*M.groups[g].growth,
                        stream(Purpose::sector_group_growth, static_cast<std::uint32_t>(g)));
  GrowthDraws investment_growth(sc.investment.growth, stream(Purpose::investment, 0));
  GrowthDraws other_gfcf_growth(sc.investment.other_gfcf_growth, stream(Purpose::investment, 1));
  GrowthDraws capacity_trend(sc.capacity.trend_growth, stream(Purpose::capacity, 0));

  // With the firm model, the share of industrial investment that its firms decide is theirs.
  const double I0 = sc.investment.industrial_base *
                    (firms ? 1 - sc.firms.parameters.endogenous_investment_share : 1.0);
  VectorXd index = VectorXd::Ones(static_cast<Index>(M.components.size()));
  VectorXd extra = VectorXd::Ones(n);
  double J = 1, OG = 1;
  VectorXd K = M.K0, leak = VectorXd::Zero(n);
  const VectorXd base_investment = sc.investment.industrial_base * M.share;
  if (firms)
    firms->locate_base_year_investment(
        std::span<const double>(base_investment.data(), static_cast<std::size_t>(n)));
  record(M, s, r, 0, 1.0, M.x0, base_investment, K, leak, firms ? &*firms : nullptr);
  double labour_income = M.labour0;  // last year's, for the Type II closure
  for (int t = 1; t < Y; ++t) {
    const double c = common[t];
    const int year = sc.base_year + t;
    for (std::size_t k = 0; k < components.size(); ++k) {
      const double g = components[k].next(c);  // drawn even when unused: streams stay aligned
      if (static_cast<int>(k) == M.household_component)
        index(static_cast<Index>(k)) = labour_income / M.labour0;
      else
        index(static_cast<Index>(k)) *= 1 + g;
    }
    if (!groups.empty()) {
      VectorXd h = VectorXd::Zero(n);
      for (std::size_t g = 0; g < groups.size(); ++g) h += groups[g].next(c) * M.groups[g].member;
      extra = extra.cwiseProduct((h.array() + 1).matrix());
    }
    J *= 1 + investment_growth.next(c);
    OG *= 1 + other_gfcf_growth.next(c);
    const double trend = capacity_trend.next(c);

    VectorXd other = (I0 * J) * M.share + outlays.col(t);  // investment outside the firms
    VectorXd inv = other;
    VectorXd f = M.f_fixed + M.g_other0 * OG;
    if (index.size() > 0) f += M.f_listed * index;
    f = f.cwiseProduct(extra) + sales.col(t);
    VectorXd x;
    if (firms) {
      firms->begin_year(year, price[t]);
      inv += Eigen::Map<const VectorXd>(firms->outlays().data(), n);
      f += Eigen::Map<const VectorXd>(firms->extra_sales().data(), n);
      f += M.C * inv;
      K = Eigen::Map<const VectorXd>(firms->capacity().data(), n);
      x = solve_output(M, f, K, leak, true, M.firm_sectors);
      firms->produce(std::span<const double>(x.data(), static_cast<std::size_t>(n)));
      leak += Eigen::Map<const VectorXd>(firms->shortfall().data(), n);
      firms->end_year(year, price[t],
                      std::span<const double>(other.data(), static_cast<std::size_t>(n)));
    } else {
      f += M.C * inv;
      for (Index i = 0; i < n; ++i)
        if (M.constrained(i) > 0) K(i) = K(i) * (1 + trend) + added(i, t);
      x = solve_output(M, f, K, leak, M.capacity, M.constrained);
    }
    if (M.household_component >= 0) labour_income = M.labour.dot(x);
    record(M, s, r, static_cast<std::size_t>(t), price[t], x, inv, K, leak,
           firms ? &*firms : nullptr);
  }
}

}  // namespace

struct PreparedScenario::Impl {
  explicit Impl(const scenario::LoadedScenario& loaded) : model(loaded) {}
  Model model;
};

PreparedScenario::PreparedScenario(const scenario::LoadedScenario& loaded)
    : loaded_(&loaded), impl_(std::make_shared<const Impl>(loaded)) {}

Projection project(const scenario::LoadedScenario& loaded, const RunOptions& options) {
  return project(PreparedScenario(loaded), options);
}

Projection project(const PreparedScenario& prepared, const RunOptions& options) {
  const Model& M = prepared.impl_->model;
  const scenario::LoadedScenario& loaded = prepared.loaded();
  const auto& sc = loaded.scenario;
  if (options.first_replication < 0)
    throw std::invalid_argument("first_replication must not be negative");
  const int count = options.replication_count >= 0
                        ? options.replication_count
                        : std::max(0, sc.replications - options.first_replication);

  Projection out;
  for (int y = sc.base_year; y <= sc.horizon; ++y) out.years.push_back(y);
  out.replications = count;
  out.first_replication = options.first_replication;
  const auto& T = loaded.table;
  out.sectors = T.codes;
  for (std::size_t j = 0; j < T.size(); ++j) {
    const std::string& zh = j < T.names_zh.size() ? T.names_zh[j] : std::string();
    const std::string& en = j < T.names.size() ? T.names[j] : std::string();
    out.sector_names.push_back(!zh.empty() ? zh : !en.empty() ? en : T.codes[j]);
  }
  for (const auto& system : loaded.systems)
    for (std::size_t c = 0; c < system.clusters.size(); ++c) {
      out.clusters.push_back(system.system + "/" + system.clusters[c]);
      out.cluster_system.push_back(system.system);
      out.cluster_names.push_back(c < system.cluster_names.size() ? system.cluster_names[c]
                                                                  : system.clusters[c]);
    }
  out.notes = M.notes;
  if (M.firm_base) {
    out.firm_model = true;
    for (const auto& d : M.firm_base->districts) {
      out.districts.push_back(d.code);
      out.district_names.push_back(d.name.empty() ? d.code : d.name);
    }
  }

  results::allocate(out);
  const std::size_t Y = out.years.size(), n = T.size(), nc = out.clusters.size();
  const Slices slices{out, Y, n, nc};
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  std::atomic<int> done{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  {
    BlasThreadsGuard single_threaded_blas(1);
#pragma omp parallel for schedule(dynamic) num_threads(threads)
    for (int r = 0; r < count; ++r) {
      if (failed.load() || (options.stop != nullptr && options.stop->load())) continue;
      try {
        run_replication(M, slices, static_cast<std::uint64_t>(options.first_replication) + r, r);
        const int finished = ++done;
        if (omp_get_thread_num() == 0 && options.progress) options.progress(finished, count);
      } catch (...) {
#pragma omp critical(icsim_projection_error)
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  }
  if (error) std::rethrow_exception(error);
  if (done.load() < count)
    throw Interrupted("stopped after " + std::to_string(done.load()) + " of " +
                      std::to_string(count) + " replications");
  if (options.progress) options.progress(count, count);
  return out;
}

}  // namespace icsim::experiment
