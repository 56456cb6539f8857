// The firm model's set-up (firm_model.hpp): the base year shared by all replications
// (FirmModelBase::build), a replication's state and the helpers its actions share. The order of
// a year is firm_year.cpp.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "firm_model_state.hpp"
#include "icsim/common/error.hpp"

namespace icsim::abm {

namespace {

double row_value(const io::Labelled& block, const std::string& label, std::size_t s) {
  const int r = block.find(label);
  return r >= 0 ? block.values(r, static_cast<Eigen::Index>(s)) : 0.0;
}

// Capacities that make the base year a fixed point of the output allocation: in a sector whose
// firms produce y_i with productivity p_i, the allocation gives firm i min(cap_i, λ cap_i p_i^β),
// so cap_i = max(y_i, y_i / (λ p_i^β)) with λ such that Σ cap_i = Σ y_i / utilisation. Without
// this, allocation by capacity × competitiveness would move output between firms in the first
// year although nothing changed. Solved by bisection on log λ per sector.
void calibrate_capacity(FirmPopulation& f, const SectorIndex& index, double beta,
                        double utilisation) {
  for (std::size_t s = 0; s < index.sectors(); ++s) {
    const auto members = index.of(s);
    if (members.empty()) continue;
    double y = 0;
    for (auto i : members) y += f.output[i];
    if (!(y > 0)) continue;
    const double target = y / utilisation;
    auto total = [&](double lambda) {
      double k = 0;
      for (auto i : members) {
        const double c = competitiveness(f.productivity[i], static_cast<float>(beta));
        k += c > 0 ? std::max(f.output[i], f.output[i] / (lambda * c)) : f.output[i] / utilisation;
      }
      return k;
    };
    // total() falls with λ: from +inf (λ -> 0) to Σ y (λ -> inf).
    double lo = -60, hi = 60;
    for (int it = 0; it < 200 && hi - lo > 1e-13; ++it) {
      const double mid = 0.5 * (lo + hi);
      (total(std::exp(mid)) > target ? lo : hi) = mid;
    }
    const double lambda = std::exp(0.5 * (lo + hi));
    for (auto i : members) {
      const double c = competitiveness(f.productivity[i], static_cast<float>(beta));
      f.capacity[i] =
          c > 0 ? std::max(f.output[i], f.output[i] / (lambda * c)) : f.output[i] / utilisation;
    }
  }
}

}  // namespace

std::shared_ptr<const FirmModelBase> FirmModelBase::build(
    const io::IOTable& table, std::vector<District> districts, FirmModelParameters parameters,
    std::uint64_t seed, const std::vector<io::Concordance>& cluster_systems) {
  auto b = std::make_shared<FirmModelBase>();
  b->seed = seed;
  const std::size_t n = table.size();
  for (const auto& code : parameters.synthesis.industrial_sectors) {
    const int s = table.sector_index(code);
    if (s < 0) throw InputError("firm model: the table has no industrial sector '" + code + "'");
    b->industrial.push_back(static_cast<std::size_t>(s));
  }
  if (!(parameters.land_supply_scale >= 0) || !std::isfinite(parameters.land_supply_scale))
    throw InputError("firms.land_supply_scale: expected a number >= 0");
  validate(parameters.mujun);
  validate(parameters.land);

  // One population for every replication (synthesised with replication 0's draws); what
  // happens to it from the first year on is drawn per replication.
  b->population = synthesise(table, districts, parameters.synthesis, seed, 0);
  b->index = SectorIndex::build(b->population, n);
  calibrate_capacity(b->population, b->index, parameters.competitiveness_beta,
                     parameters.synthesis.utilisation);
  b->clusters = ClusterAssignment(cluster_systems, n);
  b->memberships = ClusterMemberships::draw_all(b->clusters, b->population, seed, 0);
  b->cells = ClusterCellIndex::build(b->population, b->memberships, districts.size(),
                                     b->clusters.clusters());

  const Eigen::VectorXd x0 = table.total_output();
  b->sector_tax_rate.assign(n, 0.0);
  double va = 0, labour = 0, depreciation = 0, capital = 0;
  for (std::size_t s = 0; s < n; ++s) {
    const double xs = x0(static_cast<Eigen::Index>(s));
    if (xs > 0) b->sector_tax_rate[s] = row_value(table.value_added, table.meta.taxes, s) / xs;
  }
  for (auto s : b->industrial) {
    for (std::size_t k = 0; k < table.value_added.size(); ++k)
      va += table.value_added.values(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(s));
    labour += row_value(table.value_added, table.meta.labour_income, s);
    depreciation += row_value(table.value_added, "depreciation", s);
  }
  const FirmPopulation& pop = b->population;
  for (std::size_t i = 0; i < pop.size(); ++i) capital += pop.capital[i];
  b->new_firm_rates.assign(n, {});
  for (std::size_t s = 0; s < n; ++s) {
    double y = 0, rv = 0, rt = 0, rl = 0, re = 0;
    for (auto k : b->index.of(s)) {
      y += pop.output[k];
      rv += pop.value_added_rate[k] * pop.output[k];
      rt += pop.tax_rate[k] * pop.output[k];
      rl += pop.labour_per_output[k] * pop.output[k];
      re += pop.energy_per_output[k] * pop.output[k];
    }
    if (y > 0)
      b->new_firm_rates[s] = {static_cast<float>(rv / y), static_cast<float>(rt / y),
                              static_cast<float>(rl / y), static_cast<float>(re / y)};
    else
      b->new_firm_rates[s].tax = static_cast<float>(b->sector_tax_rate[s]);
  }
  auto& acc = parameters.accounts;
  // Profit needs labour cost and depreciation; unless the scenario sets them, they come from the
  // table's industrial value added (compensation share, depreciation over firm capital).
  if (acc.wage_per_person == 0 && acc.labour_share_of_value_added == 0 && va > 0)
    acc.labour_share_of_value_added = labour / va;
  if (acc.depreciation_rate == 0 && capital > 0) acc.depreciation_rate = depreciation / capital;
  acc.above_scale_threshold = parameters.synthesis.above_scale_threshold;
  for (auto& d : districts) d.annual_land_supply *= parameters.land_supply_scale;
  b->districts = std::move(districts);
  b->parameters = std::move(parameters);
  return b;
}

FirmModel::State::State(std::shared_ptr<const FirmModelBase> b, std::uint64_t rep, int by)
    : base(std::move(b)),
      p(base->parameters),
      seed(base->seed),
      replication(rep),
      base_year(by),
      n_sectors(base->index.sectors()),
      n_districts(base->districts.size()),
      index(base->index),
      land(LandMarket::for_districts(base->districts, base->parameters.land)),
      memberships(base->memberships) {
  // Headroom for the firms that enter during the run (a few per mille of the base over a
  // horizon), so that the first entry does not double and copy every per-firm array.
  const std::size_t n = base->population.size();
  const std::size_t room = n + n / 8 + 1024;
  firms.reserve(room);
  firms = base->population;  // fits: keeps the reserved storage
  for (auto* v : {&surcharge, &profit, &pending}) {
    v->reserve(room);
    v->assign(n, 0.0);
  }
  next_firm_id = static_cast<std::uint32_t>(n);
  for (auto* v : {&capacity, &sector_va, &sector_employment, &sector_above, &sector_land,
                  &sector_firms, &extra_sales, &this_outlays, &shortfall})
    v->assign(n_sectors, 0.0);
  for (auto* v : {&entered, &started, &completed, &granted}) v->assign(n_districts, 0.0);
  reset_year_end_flows();
}

void FirmModel::State::reset_year_end_flows() {
  for (auto* v :
       {&upgraded, &upgraded_d, &exited, &rect_exited, &rect_above, &rect_below, &released})
    v->assign(n_districts, 0.0);
}

std::size_t FirmModel::State::year_slot(int year) {
  if (year < base_year) throw std::invalid_argument("firm model: a year before the base year");
  const auto t = static_cast<std::size_t>(year - base_year);
  while (outlay_sector.size() <= t) {
    outlay_sector.emplace_back(n_sectors, 0.0);
    outlay_district.emplace_back(n_districts, 0.0);
    renovation_district.emplace_back(n_districts, 0.0);
    inward_district.emplace_back(n_districts, 0.0);
  }
  return t;
}

void FirmModel::State::schedule_outlay(int first_year, int years, double total,
                                       std::uint16_t sector, std::uint16_t district,
                                       bool renovation, bool inward) {
  years = std::max(1, years);
  const double each = total / years;
  for (int y = first_year; y < first_year + years; ++y) {
    const std::size_t t = year_slot(y);
    outlay_sector[t][sector] += each;
    outlay_district[t][district] += each;
    if (renovation) renovation_district[t][district] += each;
    if (inward) inward_district[t][district] += each;
  }
}

void FirmModel::State::rebuild_index() {
  index.rebuild(firms, n_sectors);
  index_stale = false;
}

std::size_t FirmModel::State::add_firm(std::uint16_t sector, std::uint16_t district, double cap,
                                       double mu, bool from_programme) {
  const std::size_t i = firms.push_back_defaults();
  firms.id[i] = next_firm_id++;
  firms.sector[i] = sector;
  firms.district[i] = district;
  firms.flags[i] =
      static_cast<std::uint8_t>(kActive | kUnderConstruction | (from_programme ? kProgramme : 0));
  firms.mujun_class[i] = MujunClass::unrated;
  firms.capacity[i] = cap;
  firms.capital[i] = cap / std::max(1e-12, p.output_per_investment);
  // A new plant gets its sector's average rates and productivity 1.
  const FirmModelBase::Rates& r = base->new_firm_rates[sector];
  firms.productivity[i] = 1.0f;
  firms.value_added_rate[i] = r.value_added;
  firms.tax_rate[i] = r.tax;
  firms.labour_per_output[i] = r.labour;
  firms.energy_per_output[i] = r.energy;
  firms.land[i] = mu;
  firms.plot_ratio[i] = static_cast<float>(p.synthesis.plot_ratio_median);
  surcharge.push_back(0.0);
  profit.push_back(0.0);
  pending.push_back(0.0);
  memberships.append(base->clusters, firms, i, seed, replication);
  index_stale = true;
  return i;
}

FirmModel::~FirmModel() = default;
FirmModel::FirmModel(FirmModel&&) noexcept = default;

void FirmModel::add_projects(std::vector<ProjectSpec> projects) {
  for (auto& p : projects) s_->programme.push_back(std::move(p));
}

void FirmModel::set_price_index(double price_index) {
  State& s = *s_;
  // The 规上 line and the rectification line are nominal; firm money is in base-year prices.
  s.accounts_parameters = s.p.accounts;
  s.accounts_parameters.above_scale_threshold = s.p.accounts.above_scale_threshold / price_index;
  s.mujun_rules = s.p.mujun;
  s.mujun_rules.rectification_line = s.p.mujun.rectification_line / price_index;
}

std::span<const double> FirmModel::sector_value_added() const { return s_->sector_va; }
std::span<const double> FirmModel::sector_employment() const { return s_->sector_employment; }
std::span<const double> FirmModel::sector_output_above_scale() const { return s_->sector_above; }
const DistrictStatistics& FirmModel::statistics() const { return s_->stats; }
std::span<const double> FirmModel::sector_land() const { return s_->sector_land; }
std::span<const double> FirmModel::sector_firms() const { return s_->sector_firms; }
const ClusterDistrictSums& FirmModel::cluster_sums() const { return s_->cluster_sums; }
const ClusterMemberships& FirmModel::cluster_memberships() const { return s_->memberships; }
const FirmPopulation& FirmModel::firms() const { return s_->firms; }
const LandMarket& FirmModel::land() const { return s_->land; }
double FirmModel::land_held_by_projects(std::size_t district) const {
  double mu = 0;
  for (const auto& w : s_->waiting)
    if (w.district == district) mu += w.mu_held;
  return mu;
}

}  // namespace icsim::abm
