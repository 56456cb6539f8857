// Firm decision: capacity expansion (docs/model.md §3 step 6; ExpansionRules in decisions.hpp).
// A producing, profitable firm running at or above the utilisation trigger closes its gap to
// the desired capacity with probability adjustment_speed a year. The new capacity is housed
// first by raising the plot ratio (零土地技改) and otherwise on new land from the queue
// (plan_expansion, which programme expansions of existing firms use as well).
#include <algorithm>

#include "firm_model_state.hpp"

namespace icsim::abm {

void FirmModel::State::plan_expansion(std::uint32_t i, double added_capacity, double cost,
                                      int start_year, int construction, double premium,
                                      bool from_programme, bool counted) {
  if (!(added_capacity > 0)) return;
  FirmPopulation& f = firms;
  const std::uint16_t d = f.district[i], sector = f.sector[i];
  const double cap = f.capacity[i];
  const double cost_per_capacity = cost / added_capacity;
  double rest = added_capacity;
  const bool sells = from_programme;
  // Zero-land renovation: capacity per mu rises with the plot ratio, up to the district's cap.
  if (p.expansion.zero_land_first && f.land[i] > 0 && cap > 0) {
    const double pr = f.plot_ratio[i], cap_pr = land.plot_ratio_cap(d);
    if (pr < cap_pr) {
      const double room = cap * (cap_pr / pr - 1.0);
      const double housed = std::min(rest, room);
      f.plot_ratio[i] = static_cast<float>(pr * (cap + housed) / cap);
      schedule_outlay(start_year, construction, housed * cost_per_capacity * (1 + premium), sector,
                      d, true, false);
      // A programme expansion counts once: here if renovation houses all of it, else when its
      // land part starts.
      const bool whole = housed >= rest * (1 - 1e-12);
      add_completion(
          {start_year + construction, i, housed, false, counted && whole, 0, sells, housed});
      if (counted && whole) started[d] += 1;
      pending[i] += housed;
      rest -= housed;
    }
  }
  if (!(rest > 1e-12)) return;
  // The rest needs land at the firm's current land per capacity (at its new plot ratio).
  const double cap_now = cap + (added_capacity - rest);
  const double mu = f.land[i] > 0 && cap_now > 0 ? rest * f.land[i] / cap_now : 0.0;
  PendingProject q;
  q.kind = PendingProject::Kind::expansion;
  q.request_id = next_request++;
  q.sector = sector;
  q.district = d;
  q.firm = i;
  q.investment = rest * cost_per_capacity;
  q.capacity = rest;
  q.mu_needed = mu;
  q.expected_tax_per_mu = f.land[i] > 0 ? tax_per_mu(f, i) : 0;
  q.queued_year = start_year;
  q.construction_years = std::max(1, construction);
  q.programme = from_programme;
  q.counted = counted;
  q.sells_outside = sells;
  pending[i] += rest;
  waiting.push_back(q);
}

void decide_expansion(FirmModel::State& s, int year) {
  const ExpansionRules& e = s.p.expansion;
  if (!e.enabled) return;
  FirmPopulation& f = s.firms;
  const std::size_t n = f.size();
  // Three passes with the same outcome as one loop that tests each firm and plans its expansion
  // at once (plan_expansion changes only the planning firm's plot ratio and pending capacity, and
  // adds no firm): (1) the firms that qualify and their gap, without branches on the tests,
  // which are unpredictable; (2) the keyed draw of each; (3) the plans, in firm order.
  const std::uint8_t* flags = f.flags.data();
  const double* capacity = f.capacity.data();
  const double* output = f.output.data();
  const double* profit = s.profit.data();
  const double* pending = s.pending.data();
  const std::uint32_t* id = f.id.data();
  const double trigger = e.utilisation_trigger, target = e.target_utilisation;
  const double max_growth = e.max_growth, speed = e.adjustment_speed;
  auto& candidates = s.expansion_candidates;
  auto& gaps = s.expansion_gaps;
  auto& ids = s.draw_ids;
  auto& u = s.draw_uniforms;
  candidates.resize(n);
  gaps.resize(n);
  ids.resize(n);
  u.resize(n);
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double cap = capacity[i], out = output[i];
    const double add = std::min(max_growth * cap, out / target - cap - pending[i]);
    // Utilisation out / cap not below the trigger, counted only when cap > 0.
    const bool ok =
        producing(flags[i]) & (cap > 0) & !(out / cap < trigger) & (profit[i] > 0) & (add > 0);
    candidates[m] = static_cast<std::uint32_t>(i);
    gaps[m] = add;
    ids[m] = id[i];
    m += ok;
  }
  keyed_uniforms(s.seed, s.replication, draws::expansion, static_cast<std::uint32_t>(year),
                 std::span(ids).first(m), u);
  std::size_t chosen = 0;
  for (std::size_t j = 0; j < m; ++j) {
    candidates[chosen] = candidates[j];
    gaps[chosen] = gaps[j];
    chosen += u[j] < speed;
  }
  for (std::size_t j = 0; j < chosen; ++j) {
    const double add = gaps[j];
    // Decided at the end of `year`: building starts next year.
    s.plan_expansion(candidates[j], add, add / s.p.output_per_investment, year + 1,
                     e.construction_years, e.zero_land_cost_premium, false, false);
  }
}

}  // namespace icsim::abm
