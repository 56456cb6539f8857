// Firm decisions (MODEL.md §3 step 6): capacity expansion when utilisation and profit are high,
// housed first by raising the plot ratio (零土地技改) and otherwise on new land from the queue;
// and digital renovation (数字化改造) spreading among 规上 firms as a Bass diffusion. Draws are
// keyed by (seed, replication, Purpose::firm_decision, year, firm id).
#include <algorithm>

#include "firm_model_state.hpp"
#include "icsim/common/random.hpp"

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

void FirmModel::State::decide_expansions(int year) {
  const ExpansionRules& e = p.expansion;
  if (!e.enabled) return;
  FirmPopulation& f = firms;
  const std::size_t n = f.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!producing(f.flags[i]) || !(f.capacity[i] > 0)) continue;
    const double u = f.output[i] / f.capacity[i];
    if (u < e.utilisation_trigger || !(profit[i] > 0)) continue;
    const double add = std::min(e.max_growth * f.capacity[i],
                                f.output[i] / e.target_utilisation - f.capacity[i] - pending[i]);
    if (!(add > 0)) continue;
    if (keyed_uniform(seed, replication, Purpose::firm_decision, static_cast<std::uint32_t>(year),
                      f.id[i], 6) >= e.adjustment_speed)
      continue;
    // Decided at the end of `year`: building starts next year.
    plan_expansion(static_cast<std::uint32_t>(i), add, add / p.output_per_investment, year + 1,
                   e.construction_years, e.zero_land_cost_premium, false, false);
  }
}

void FirmModel::State::exit_loss_makers(int year, std::vector<double>& exits,
                                        std::vector<double>& released) {
  const double p_exit = p.exit.loss_exit_probability;
  if (!(p_exit > 0)) return;
  FirmPopulation& f = firms;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!producing(f.flags[i]) || !(profit[i] < 0)) continue;
    if (keyed_uniform(seed, replication, Purpose::firm_decision, static_cast<std::uint32_t>(year),
                      f.id[i], 4) >= p_exit)
      continue;
    const std::size_t d = f.district[i];
    f.flags[i] = static_cast<std::uint8_t>(f.flags[i] & ~(kActive | kAboveScale));
    f.output[i] = 0;
    f.capacity[i] = 0;
    pending[i] = 0;
    exits[d] += 1;
    if (f.land[i] > 0) {
      released[d] += f.land[i];
      land.release(d, f.land[i], year);
      f.land[i] = 0;
    }
  }
}

void FirmModel::State::seed_digital() {
  const double share = p.digital.initial_share_above_scale;
  for (std::size_t i = 0; i < firms.size(); ++i)
    if ((firms.flags[i] & kAboveScale) &&
        keyed_uniform(seed, replication, Purpose::firm_decision, 0, firms.id[i], 2) < share)
      firms.flags[i] = static_cast<std::uint8_t>(firms.flags[i] | kDigital);
}

void FirmModel::State::adopt_digital(int year) {
  const DigitalRules& g = p.digital;
  if (!g.enabled) return;
  FirmPopulation& f = firms;
  const std::size_t n = f.size();
  double above = 0, digital = 0;
  for (std::size_t i = 0; i < n; ++i)
    if ((f.flags[i] & (kActive | kAboveScale)) == (kActive | kAboveScale)) {
      above += 1;
      if (f.flags[i] & kDigital) digital += 1;
    }
  const double share = above > 0 ? digital / above : 0;
  const double prob =
      std::min(1.0, (g.innovation + g.imitation * share) * (1 + g.subsidy_effect * g.subsidy_rate));
  const auto pu = static_cast<float>(1 + g.productivity_uplift);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t fl = f.flags[i];
    if (!producing(fl) || !(fl & kAboveScale) || (fl & kDigital)) continue;
    if (keyed_uniform(seed, replication, Purpose::firm_decision, static_cast<std::uint32_t>(year),
                      f.id[i], 2) >= prob)
      continue;
    f.flags[i] = static_cast<std::uint8_t>(fl | kDigital);
    // The renovation is paid next year (the whole cost: the subsidy moves who pays, not how
    // much is invested); its uplifts count from next year's production.
    schedule_outlay(year + 1, 1, g.cost_per_capacity * f.capacity[i], f.sector[i], f.district[i],
                    true, false);
    f.productivity[i] *= pu;
    f.capacity[i] *= 1 + g.capacity_uplift;
  }
}

}  // namespace icsim::abm
