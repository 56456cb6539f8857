// Firm decision: the renovations of 规上 firms, spreading as Bass diffusions — digital renovation
// (数字化改造, DigitalRules in decisions.hpp), NC / intelligent equipment (数控化、智能化改造) and
// green renovation (绿色化改造, RenovationRules), in one pass. For each: a share of the base
// year's 规上 firms starts renovated; each later year a producing 规上 firm not yet renovated
// adopts with probability (innovation + imitation × the renovated share of 规上 firms) ×
// (1 + subsidy_effect × subsidy_rate), pays the renovation next year and produces with the
// uplifts from then on. The shares are counted once, at the start of the pass, so the three do
// not depend on their order; the adoptions are applied digital, NC, green.
#include <algorithm>

#include "firm_model_state.hpp"

namespace icsim::abm {

namespace {

// One renovation as the pass applies it.
struct Process {
  bool enabled;
  double prob, cost;
  float productivity, va_rate, energy;
  double capacity;
  std::uint8_t flag;
  Draw draw;
};

double adoption_probability(double innovation, double imitation, double share,
                            double subsidy_effect, double subsidy_rate) {
  return std::min(1.0, (innovation + imitation * share) * (1 + subsidy_effect * subsidy_rate));
}

// The producing 规上 firms without `flag` (without branches), their draws side by side, then the
// adoptions in firm order.
void adopt(FirmModel::State& s, int year, const Process& r) {
  FirmPopulation& f = s.firms;
  const std::size_t n = f.size();
  auto& firms = s.draw_firms;
  auto& ids = s.draw_ids;
  auto& u = s.draw_uniforms;
  firms.resize(n);
  ids.resize(n);
  u.resize(n);
  const std::uint8_t* flags = f.flags.data();
  const std::uint32_t* id = f.id.data();
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t fl = flags[i];
    firms[m] = static_cast<std::uint32_t>(i);
    ids[m] = id[i];
    m += producing(fl) & ((fl & kAboveScale) != 0) & ((fl & r.flag) == 0);
  }
  keyed_uniforms(s.seed, s.replication, r.draw, static_cast<std::uint32_t>(year),
                 std::span(ids).first(m), u);
  for (std::size_t j = 0; j < m; ++j) {
    if (u[j] >= r.prob) continue;
    const std::uint32_t i = firms[j];
    f.flags[i] = static_cast<std::uint8_t>(f.flags[i] | r.flag);
    // The renovation is paid next year (the whole cost: the subsidy moves who pays, not how
    // much is invested); its uplifts count from next year's production.
    s.schedule_outlay(year + 1, 1, r.cost * f.capacity[i], f.sector[i], f.district[i], true, false);
    f.productivity[i] *= r.productivity;
    if (r.va_rate != 1.0f) f.value_added_rate[i] *= r.va_rate;
    if (r.energy != 1.0f) f.energy_per_output[i] *= r.energy;
    f.capacity[i] *= r.capacity;
  }
}

}  // namespace

void seed_digital_renovation(FirmModel::State& s) {
  const auto& p = s.p;
  const struct {
    double share;
    std::uint8_t flag;
    Draw draw;
  } seeds[] = {
      {p.digital.initial_share_above_scale, kDigital, draws::digital_adoption},
      {p.numerical_control.enabled ? p.numerical_control.initial_share_above_scale : 0.0,
       kNumericalControl, draws::nc_adoption},
      {p.green.enabled ? p.green.initial_share_above_scale : 0.0, kGreen, draws::green_adoption}};
  FirmPopulation& f = s.firms;
  for (const auto& k : seeds) {
    if (k.share <= 0) continue;  // no firm could draw below it
    for (std::size_t i = 0; i < f.size(); ++i)
      if ((f.flags[i] & kAboveScale) &&
          keyed_uniform(s.seed, s.replication, k.draw, 0, f.id[i]) < k.share)
        f.flags[i] = static_cast<std::uint8_t>(f.flags[i] | k.flag);
  }
}

void decide_digital_renovation(FirmModel::State& s, int year) {
  const DigitalRules& g = s.p.digital;
  const RenovationRules& nc = s.p.numerical_control;
  const RenovationRules& gr = s.p.green;
  if (!g.enabled && !nc.enabled && !gr.enabled) return;
  const FirmPopulation& f = s.firms;
  const std::size_t n = f.size();
  double above = 0, digital = 0, numerical = 0, green = 0;
  for (std::size_t i = 0; i < n; ++i)
    if ((f.flags[i] & (kActive | kAboveScale)) == (kActive | kAboveScale)) {
      above += 1;
      digital += (f.flags[i] & kDigital) != 0;
      numerical += (f.flags[i] & kNumericalControl) != 0;
      green += (f.flags[i] & kGreen) != 0;
    }
  const auto share = [&](double k) { return above > 0 ? k / above : 0; };
  const auto process = [&](const RenovationRules& r, double adopted, std::uint8_t flag, Draw draw) {
    return Process{r.enabled,
                   adoption_probability(r.innovation, r.imitation, share(adopted), r.subsidy_effect,
                                        r.subsidy_rate),
                   r.cost_per_capacity,
                   static_cast<float>(1 + r.productivity_uplift),
                   static_cast<float>(1 + r.value_added_rate_uplift),
                   static_cast<float>(1 + r.energy_uplift),
                   1.0,
                   flag,
                   draw};
  };
  const Process procs[] = {{g.enabled,
                            adoption_probability(g.innovation, g.imitation, share(digital),
                                                 g.subsidy_effect, g.subsidy_rate),
                            g.cost_per_capacity, static_cast<float>(1 + g.productivity_uplift),
                            1.0f, 1.0f, 1 + g.capacity_uplift, kDigital, draws::digital_adoption},
                           process(nc, numerical, kNumericalControl, draws::nc_adoption),
                           process(gr, green, kGreen, draws::green_adoption)};
  for (const Process& r : procs)
    if (r.enabled) adopt(s, year, r);
}

}  // namespace icsim::abm
