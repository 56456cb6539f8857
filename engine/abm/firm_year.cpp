// The firm model's year (firm_model.hpp), in order: what a replication's begin_year and
// end_year run. Each action is one file (decision_<name>.cpp for the firm decisions, whose rules
// and draws are in decisions.hpp; pipeline.cpp for projects and the land queue; rectification.cpp
// for the 亩均 rectification; firm_statistics.cpp for the statistics). A new action is declared
// below and called where it belongs in the year.
#include <algorithm>
#include <stdexcept>

#include "firm_model_state.hpp"

namespace icsim::abm {

// Actions on a replication's state (firm_model_state.hpp), one file each.
void seed_digital_renovation(FirmModel::State& s);              // decision_digital_renovation.cpp
void rectify_firms(FirmModel::State& s, int year);              // rectification.cpp
void decide_loss_exit(FirmModel::State& s, int year);           // decision_loss_exit.cpp
void drift_productivity(FirmModel::State& s, int year);         // decision_drift.cpp
void decide_expansion(FirmModel::State& s, int year);           // decision_expansion.cpp
void decide_digital_renovation(FirmModel::State& s, int year);  // decision_digital_renovation.cpp
void record_statistics(FirmModel::State& s, int year, double price_index,
                       std::span<const double> other_investment);  // firm_statistics.cpp

FirmModel::FirmModel(std::shared_ptr<const FirmModelBase> base, std::uint64_t replication,
                     int base_year)
    : s_(std::make_unique<State>(std::move(base), replication, base_year)) {
  seed_digital_renovation(*s_);
  set_price_index(1.0);
  // The base year's accounts and statistics: the synthesised population as it stands.
  std::vector<double> base_output(s_->n_sectors, 0.0);
  for (auto s : s_->base->industrial)
    for (auto i : s_->index.of(s)) base_output[s] += s_->firms.output[i];
  produce(base_output);
  end_year(base_year, 1.0, {});
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
  s.cluster_sums.reset(s.n_districts, s.base->clusters.clusters());
  s.cluster_sums.add_production(s.firms, s.memberships, &s.base->cells);
}

void FirmModel::end_year(int year, double price_index, std::span<const double> other_investment) {
  State& s = *s_;
  s.reset_year_end_flows();
  // 亩均 evaluation of this year's accounts, then rectification and exits (not in the base year,
  // which is as observed).
  (void)evaluate(s.firms, s.mujun_rules);
  if (year > s.base_year) {
    rectify_firms(s, year);
    decide_loss_exit(s, year);
  }
  surcharges(s.firms, s.mujun_rules, s.surcharge);
  // Decisions at the end of the base year build from the first projected year on.
  decide_expansion(s, year);
  if (year > s.base_year) decide_digital_renovation(s, year);
  // Next year's productivity (the base year's stays as synthesised: drift starts with its end).
  drift_productivity(s, year);
  record_statistics(s, year, price_index, other_investment);
}

}  // namespace icsim::abm
