// The firm model's year (firm_model.hpp): its order of steps, the base-year set-up shared by all
// replications, and the district statistics. Projects and land are in pipeline.cpp, firm
// decisions in decisions.cpp.
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

std::shared_ptr<const FirmModelBase> FirmModelBase::build(const io::IOTable& table,
                                                          std::vector<District> districts,
                                                          FirmModelParameters parameters,
                                                          std::uint64_t seed) {
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
      firms(base->population),
      index(base->index),
      land(LandMarket::for_districts(base->districts, base->parameters.land)) {
  next_firm_id = static_cast<std::uint32_t>(firms.size());
  surcharge.assign(firms.size(), 0.0);
  profit.assign(firms.size(), 0.0);
  pending.assign(firms.size(), 0.0);
  for (auto* v : {&capacity, &sector_va, &sector_employment, &sector_above, &sector_land,
                  &sector_firms, &extra_sales, &this_outlays, &shortfall})
    v->assign(n_sectors, 0.0);
  for (auto* v : {&entered, &started, &completed, &granted, &released, &upgraded_d})
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
  index = SectorIndex::build(firms, n_sectors);
  index_stale = false;
}

std::size_t FirmModel::State::add_firm(std::uint16_t sector, std::uint16_t district, double cap,
                                       double mu, bool programme) {
  const std::size_t i = firms.push_back_defaults();
  firms.id[i] = next_firm_id++;
  firms.sector[i] = sector;
  firms.district[i] = district;
  firms.flags[i] =
      static_cast<std::uint8_t>(kActive | kUnderConstruction | (programme ? kProgramme : 0));
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
  index_stale = true;
  return i;
}

FirmModel::FirmModel(std::shared_ptr<const FirmModelBase> base, std::uint64_t replication,
                     int base_year)
    : s_(std::make_unique<State>(std::move(base), replication, base_year)) {
  s_->seed_digital();
  set_price_index(1.0);
  // The base year's accounts and statistics: the synthesised population as it stands.
  std::vector<double> base_output(s_->n_sectors, 0.0);
  for (auto s : s_->base->industrial)
    for (auto i : s_->index.of(s)) base_output[s] += s_->firms.output[i];
  produce(base_output);
  end_year(base_year, 1.0, {});
}

FirmModel::~FirmModel() = default;
FirmModel::FirmModel(FirmModel&&) noexcept = default;

void FirmModel::add_projects(std::vector<ProjectSpec> projects) {
  for (auto& p : projects) s_->programme.push_back(std::move(p));
}

void FirmModel::begin_year(int year, double price_index) {
  set_price_index(price_index);
  State& s = *s_;
  std::fill(s.entered.begin(), s.entered.end(), 0.0);
  std::fill(s.started.begin(), s.started.end(), 0.0);
  std::fill(s.completed.begin(), s.completed.end(), 0.0);
  std::fill(s.granted.begin(), s.granted.end(), 0.0);
  s.land.step(year);
  s.queue_programme_projects(year);
  s.draw_arrivals(year);
  s.serve_land_queue(year);
  s.complete_due(year);
  s.compute_sales(year);
  if (s.index_stale) s.rebuild_index();
  s.capacity = sector_capacity(s.firms, s.index);
  // Only the firm model's sectors are constrained by their firms.
  std::vector<double> capacity(s.n_sectors, kNoFirms);
  for (auto k : s.base->industrial)
    if (s.index.offsets[k] != s.index.offsets[k + 1]) capacity[k] = s.capacity[k];
  s.capacity = std::move(capacity);
  const std::size_t t = s.year_slot(year);
  s.this_outlays = s.outlay_sector[t];
}

std::span<const double> FirmModel::outlays() const { return s_->this_outlays; }
std::span<const double> FirmModel::capacity() const { return s_->capacity; }
std::span<const double> FirmModel::extra_sales() const { return s_->extra_sales; }
std::span<const double> FirmModel::shortfall() const { return s_->shortfall; }

void FirmModel::produce(std::span<const double> sector_output) {
  State& s = *s_;
  if (sector_output.size() != s.n_sectors)
    throw std::invalid_argument("FirmModel::produce: one output per table sector expected");
  if (s.index_stale) s.rebuild_index();
  std::vector<double> demand(s.n_sectors, 0.0);
  for (auto k : s.base->industrial) demand[k] = std::max(0.0, sector_output[k]);
  s.profit.resize(s.firms.size());
  s.surcharge.resize(s.firms.size(), 0.0);
  auto r = update_firms(s.firms, demand, s.p.competitiveness_beta, s.index, s.n_districts,
                        s.accounts_parameters, s.surcharge, s.profit, &s.workspace);
  s.shortfall = std::move(r.allocation.shortfall);
  s.accounts = std::move(r.accounts);
  for (std::size_t k = 0; k < s.n_sectors; ++k) {
    s.sector_va[k] = s.accounts.sector[k].value_added;
    s.sector_employment[k] = s.accounts.sector[k].employment;
    s.sector_above[k] = s.accounts.sector_above_scale[k].output;
  }
}

void FirmModel::set_price_index(double price_index) {
  State& s = *s_;
  // The 规上 line and the rectification line are nominal; firm money is in base-year prices.
  s.accounts_parameters = s.p.accounts;
  s.accounts_parameters.above_scale_threshold = s.p.accounts.above_scale_threshold / price_index;
  s.mujun_rules = s.p.mujun;
  s.mujun_rules.rectification_line = s.p.mujun.rectification_line / price_index;
}

void FirmModel::end_year(int year, double price_index, std::span<const double> other_investment) {
  State& s = *s_;
  FirmPopulation& f = s.firms;
  const std::size_t D = s.n_districts;
  auto& st = s.stats;
  st.reset(D);

  // 亩均 evaluation of this year's accounts, then rectification (not in the base year, which is
  // as observed).
  const MujunSummary summary = evaluate(f, s.mujun_rules);
  (void)summary;
  std::vector<double> crossed(D, 0.0), rect_above(D, 0.0), rect_below(D, 0.0), upgraded(D, 0.0),
      exited(D, 0.0), rect_exited(D, 0.0), released(D, 0.0);
  for (std::size_t d = 0; d < D; ++d) {
    crossed[d] = static_cast<double>(s.accounts.district[d].entered_above_scale);
  }
  if (year > s.base_year) {
    const RectificationResult rr = rectify(f, s.mujun_rules, s.seed, s.replication, year, D);
    for (auto i : rr.upgraded) {
      upgraded[f.district[i]] += 1;
      ((f.flags[i] & kAboveScale) ? rect_above : rect_below)[f.district[i]] += 1;
    }
    for (auto i : rr.exited) {
      exited[f.district[i]] += 1;
      rect_exited[f.district[i]] += 1;
      ((f.flags[i] & kAboveScale) ? rect_above : rect_below)[f.district[i]] += 1;
      f.flags[i] = static_cast<std::uint8_t>(f.flags[i] & ~kAboveScale);
      s.pending[i] = 0;
    }
    for (std::size_t d = 0; d < rr.land_released.size() && d < D; ++d)
      released[d] = rr.land_released[d];
    s.land.release(rr.land_released, year);
    s.exit_loss_makers(year, exited, released);
  }
  surcharges(f, s.mujun_rules, s.surcharge);
  // Decisions at the end of the base year build from the first projected year on.
  s.decide_expansions(year);
  if (year > s.base_year) s.adopt_digital(year);

  // Statistics, one pass over the firms.
  const double P = price_index;
  std::fill(s.sector_land.begin(), s.sector_land.end(), 0.0);
  std::fill(s.sector_firms.begin(), s.sector_firms.end(), 0.0);
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::uint8_t fl = f.flags[i];
    if (!(fl & kActive)) continue;
    const std::size_t d = f.district[i];
    s.sector_land[f.sector[i]] += f.land[i];
    s.sector_firms[f.sector[i]] += 1;
    st.at(d, Stat::firms) += 1;
    if (fl & kAboveScale) {
      st.at(d, Stat::firms_above_scale) += 1;
      st.at(d, Stat::land_above_scale) += f.land[i];
      if (fl & kDigital) st.at(d, Stat::firms_digital_above_scale) += 1;
    }
    switch (f.mujun_class[i]) {
      case MujunClass::A:
        st.at(d, Stat::mujun_a) += 1;
        break;
      case MujunClass::B:
        st.at(d, Stat::mujun_b) += 1;
        break;
      case MujunClass::C:
        st.at(d, Stat::mujun_c) += 1;
        break;
      case MujunClass::D:
        st.at(d, Stat::mujun_d) += 1;
        break;
      default:
        break;
    }
    if (f.mujun_class[i] != MujunClass::unrated && is_evaluated(f, i, s.mujun_rules) &&
        tax_per_mu(f, i) < s.mujun_rules.rectification_line)
      st.at(d, Stat::firms_below_rectification_line) += 1;
  }
  const std::size_t t = s.year_slot(year);
  for (std::size_t d = 0; d < D; ++d) {
    const auto& a = s.accounts.district[d];
    const auto& aa = s.accounts.district_above_scale[d];
    st.at(d, Stat::output) = a.output * P;
    st.at(d, Stat::value_added) = a.value_added * P;
    st.at(d, Stat::output_above_scale) = aa.output * P;
    st.at(d, Stat::value_added_above_scale) = aa.value_added * P;
    st.at(d, Stat::tax_above_scale) = aa.tax * P;
    // 亩均 figures are of the 规上 firms as accounted this year (before exits).
    st.at(d, Stat::land_above_scale) = aa.land;
    st.at(d, Stat::firms_crossed_above_scale) = crossed[d];
    st.at(d, Stat::firms_entered) = s.entered[d];
    st.at(d, Stat::firms_exited) = exited[d];
    st.at(d, Stat::firms_upgraded) = upgraded[d];
    st.at(d, Stat::firms_rectified) = upgraded[d] + rect_exited[d];
    st.at(d, Stat::firms_rectified_above_scale) = rect_above[d];
    st.at(d, Stat::firms_rectified_below_scale) = rect_below[d];
    st.at(d, Stat::projects_started) = s.started[d];
    st.at(d, Stat::projects_completed) = s.completed[d];
    st.at(d, Stat::investment) = s.outlay_district[t][d] * P;
    st.at(d, Stat::renovation_investment) = s.renovation_district[t][d] * P;
    st.at(d, Stat::inward_investment) = s.inward_district[t][d] * P;
    st.at(d, Stat::land_in_use) = s.land.in_use(d);
    st.at(d, Stat::land_available) = s.land.available(d);
    st.at(d, Stat::land_approved_not_supplied) = s.land.approved_not_supplied(d);
    st.at(d, Stat::land_pending_redevelopment) = s.land.pending_redevelopment(d);
    if (year > s.base_year) {
      st.at(d, Stat::land_supplied) = s.land.last_flows(d).supplied;
      st.at(d, Stat::land_redeveloped) = s.land.last_flows(d).redeveloped;
    }
    st.at(d, Stat::land_granted) = s.granted[d];
    st.at(d, Stat::land_released) = released[d];
  }
  // Industrial investment outside the firm model's decisions, located like its sector's output.
  for (auto k : s.base->industrial) {
    if (k >= other_investment.size() || other_investment[k] == 0) continue;
    for (std::size_t d = 0; d < D; ++d)
      st.at(d, Stat::investment) += other_investment[k] * s.base->districts[d].sector_share[k] * P;
  }
  st.finish();
}

void FirmModel::locate_base_year_investment(std::span<const double> investment) {
  State& s = *s_;
  for (auto k : s.base->industrial) {
    if (k >= investment.size() || investment[k] == 0) continue;
    for (std::size_t d = 0; d < s.n_districts; ++d)
      s.stats.at(d, Stat::investment) += investment[k] * s.base->districts[d].sector_share[k];
  }
  s.stats.finish();
}

std::span<const double> FirmModel::sector_value_added() const { return s_->sector_va; }
std::span<const double> FirmModel::sector_employment() const { return s_->sector_employment; }
std::span<const double> FirmModel::sector_output_above_scale() const { return s_->sector_above; }
const DistrictStatistics& FirmModel::statistics() const { return s_->stats; }
std::span<const double> FirmModel::sector_land() const { return s_->sector_land; }
std::span<const double> FirmModel::sector_firms() const { return s_->sector_firms; }
const FirmPopulation& FirmModel::firms() const { return s_->firms; }
const LandMarket& FirmModel::land() const { return s_->land; }
double FirmModel::land_held_by_projects(std::size_t district) const {
  double mu = 0;
  for (const auto& w : s_->waiting)
    if (w.district == district) mu += w.mu_held;
  return mu;
}

}  // namespace icsim::abm
