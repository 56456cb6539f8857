// The project pipeline and the land queue (docs/model.md §3 steps 7 and 9): programme projects and
// random inward-investment arrivals ask for land in their district, the land market grants it in
// order of expected tax per mu (按标出让) after the programme projects (要素保障,
// LandRules::programme_land), and a project whose land is complete starts building:
// a new firm under construction, or capacity added to an existing firm. Projects that wait
// longer than ProjectRules::max_wait_years are abandoned and give back what land they held.
#include <algorithm>
#include <cmath>

#include "firm_model_state.hpp"
#include "icsim/common/random.hpp"

namespace icsim::abm {

namespace {

// Step number of the keyed draws of programme projects (draws::programme_placement; arrivals
// use the calendar year).
constexpr std::uint32_t kProgrammeStep = (1u << 20) - 1;
// Land amounts below this are rounding left over from partial grants.
constexpr double kNegligibleMu = 1e-9;

// Index drawn from `weights` (>= 0, not all 0) with one uniform u in (0, 1); -1 if all are 0.
long draw_index(const std::vector<double>& weights, double u) {
  double total = 0;
  for (double w : weights) total += w;
  if (!(total > 0)) return -1;
  double acc = 0;
  const double x = u * total;
  long last = -1;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    if (weights[k] <= 0) continue;
    acc += weights[k];
    last = static_cast<long>(k);
    if (x < acc) return last;
  }
  return last;
}

}  // namespace

void FirmModel::State::queue_new_firm(std::uint16_t sector, std::uint16_t district,
                                      double investment, int construction, int ramp, int year,
                                      bool from_programme, bool arrival) {
  PendingProject q;
  q.kind = PendingProject::Kind::new_firm;
  q.request_id = next_request++;
  q.sector = sector;
  q.district = district;
  q.investment = investment;
  q.capacity = investment * p.output_per_investment;
  q.mu_needed = investment / p.projects.investment_per_mu;
  q.expected_tax_per_mu = q.mu_needed > 0 ? base->sector_tax_rate[sector] * q.capacity *
                                                p.expansion.target_utilisation / q.mu_needed
                                          : 0;
  q.queued_year = year;
  q.construction_years = std::max(1, construction);
  q.ramp_up_years = ramp;
  q.programme = from_programme;
  q.arrival = arrival;
  q.counted = investment >= p.projects.counted_investment;
  q.sells_outside = true;
  waiting.push_back(q);
}

void FirmModel::State::queue_programme_projects(int year) {
  std::vector<ProjectSpec> later;
  std::vector<std::vector<double>> cumulative(n_sectors);
  for (auto& project : programme) {
    if (project.start_year > year) {
      later.push_back(std::move(project));
      continue;
    }
    const auto u = keyed_uniform_pair(seed, replication, draws::programme_placement, kProgrammeStep,
                                      project.id);
    const long sector = draw_index(project.sector_mix, u.first);
    if (sector < 0) continue;
    const auto sec = static_cast<std::uint16_t>(sector);
    if (project.creates_firm) {
      std::vector<double> where(n_districts);
      for (std::size_t d = 0; d < n_districts; ++d) where[d] = base->districts[d].sector_share[sec];
      long d = draw_index(where, u.second);
      if (d < 0) d = 0;
      queue_new_firm(sec, static_cast<std::uint16_t>(d), project.investment,
                     project.construction_years, project.ramp_up_years, year, true, false);
      waiting.back().counted =
          project.counted && project.investment >= p.projects.counted_investment;
    } else {
      // 增资扩产: one existing firm of the sector, drawn by capacity, expands by the project.
      // Cumulative capacities per sector are built once a year (hundreds of projects draw).
      if (index_stale) rebuild_index();
      auto& cum = cumulative[sec];
      const auto members = index.of(sec);
      if (cum.empty()) {
        cum.reserve(members.size());
        double acc = 0;
        for (auto i : members) {
          if ((firms.flags[i] & kActive) && !(firms.flags[i] & kUnderConstruction))
            acc += firms.capacity[i];
          cum.push_back(acc);
        }
      }
      if (cum.empty() || !(cum.back() > 0)) continue;
      const auto k = static_cast<std::size_t>(
          std::upper_bound(cum.begin(), cum.end(), u.second * cum.back()) - cum.begin());
      plan_expansion(members[std::min(k, members.size() - 1)],
                     project.investment * p.output_per_investment, project.investment, year,
                     project.construction_years, 0.0, true, project.counted);
    }
  }
  programme = std::move(later);
}

void FirmModel::State::draw_arrivals(int year) {
  const ArrivalRules& a = p.arrivals;
  if (!(a.per_year > 0)) return;
  if (arrival_weights.empty()) {
    arrival_weights.assign(n_sectors, 0.0);
    for (auto s : base->industrial)
      for (auto i : base->index.of(s)) arrival_weights[s] += base->population.output[i];
  }
  const auto step = static_cast<std::uint32_t>(year);
  // Poisson count by multiplying uniforms (Knuth); the mean is small enough for it.
  const double limit = std::exp(-a.per_year);
  int count = 0;
  double prod = keyed_uniform(seed, replication, draws::arrival_count, step, 0, 0);
  while (prod > limit && count < 4000) {
    ++count;
    prod *= keyed_uniform(seed, replication, draws::arrival_count, step, 0,
                          static_cast<std::uint32_t>(count));
  }
  for (int k = 0; k < count; ++k) {
    const auto entity = static_cast<std::uint32_t>(k + 1);
    const auto size = keyed_uniform_pair(seed, replication, draws::arrival_size, step, entity);
    const auto pick = keyed_uniform_pair(seed, replication, draws::arrival_place, step, entity);
    const auto fail = keyed_uniform(seed, replication, draws::arrival_failure, step, entity);
    if (fail < a.failure_probability) continue;
    const double z = std::sqrt(-2.0 * std::log(size.first)) * std::cos(2 * M_PI * size.second);
    const double investment = a.investment_median * std::exp(a.investment_sigma * z);
    const long sector = draw_index(arrival_weights, pick.first);
    if (sector < 0) return;
    std::vector<double> where(n_districts);
    for (std::size_t d = 0; d < n_districts; ++d)
      where[d] = base->districts[d].sector_share[static_cast<std::size_t>(sector)];
    long d = draw_index(where, pick.second);
    if (d < 0) d = 0;
    queue_new_firm(static_cast<std::uint16_t>(sector), static_cast<std::uint16_t>(d), investment,
                   a.construction_years, a.ramp_up_years, year, false, true);
  }
}

void FirmModel::State::serve_land_queue(int year) {
  std::vector<LandRequest> queue;
  for (const auto& w : waiting)
    if (w.mu_needed > kNegligibleMu)
      queue.push_back({w.request_id, static_cast<std::int32_t>(w.district), w.mu_needed,
                       w.expected_tax_per_mu, w.programme});
  if (!queue.empty()) {
    // `waiting` is in creation order, hence sorted by request_id.
    for (const LandGrant& g : land.allocate(queue)) {
      const auto it = std::lower_bound(
          waiting.begin(), waiting.end(), g.project_id,
          [](const PendingProject& w, std::uint32_t id) { return w.request_id < id; });
      PendingProject& w = *it;
      w.mu_held += g.mu;
      w.mu_needed = std::max(0.0, w.mu_needed - g.mu);
      granted[g.district] += g.mu;
    }
  }
  std::vector<PendingProject> still;
  for (auto& w : waiting) {
    if (w.mu_needed <= kNegligibleMu) {
      start(w, year);
    } else if (year - w.queued_year >= p.projects.max_wait_years) {
      if (w.mu_held > 0) land.release_use(w.district, w.mu_held);
      if (w.kind == PendingProject::Kind::expansion)
        pending[w.firm] = std::max(0.0, pending[w.firm] - w.capacity);
    } else {
      still.push_back(w);
    }
  }
  waiting = std::move(still);
}

void FirmModel::State::start(PendingProject& w, int year) {
  const int done = year + w.construction_years;
  if (w.kind == PendingProject::Kind::new_firm) {
    const std::size_t i = add_firm(w.sector, w.district, w.capacity, w.mu_held, w.programme);
    entered[w.district] += 1;
    add_completion({done, static_cast<std::uint32_t>(i), 0.0, true, w.counted, w.ramp_up_years,
                    w.sells_outside, w.capacity});
  } else {
    firms.land[w.firm] += w.mu_held;
    add_completion(
        {done, w.firm, w.capacity, false, w.counted, w.ramp_up_years, w.sells_outside, w.capacity});
  }
  if (w.counted) started[w.district] += 1;
  schedule_outlay(year, w.construction_years, w.investment, w.sector, w.district, false, w.arrival);
}

void FirmModel::State::complete_due(int year) {
  const std::size_t t = year_slot(year);
  if (t >= completions.size()) return;
  for (const auto& c : completions[t]) {
    const std::size_t i = c.firm;
    const bool active = firms.flags[i] & kActive;
    if (c.new_firm) {
      firms.flags[i] = static_cast<std::uint8_t>(firms.flags[i] & ~kUnderConstruction);
    } else {
      if (active) firms.capacity[i] += c.capacity;
      pending[i] = std::max(0.0, pending[i] - c.capacity);
    }
    if (active && c.counted) completed[firms.district[i]] += 1;
    if (active && c.sells_outside)
      sales.push_back({c.sales_capacity, firms.sector[i], c.year, c.ramp_up_years});
  }
  std::vector<Completion>().swap(completions[t]);
}

void FirmModel::State::compute_sales(int year) {
  std::fill(extra_sales.begin(), extra_sales.end(), 0.0);
  for (const auto& s : sales) {
    const double fraction =
        s.ramp <= 0 ? 1.0 : std::min(1.0, static_cast<double>(year - s.done_year + 1) / s.ramp);
    extra_sales[s.sector] += fraction * s.capacity;
  }
}

}  // namespace icsim::abm
