// Firm decision: the renovations of 规上 firms, spreading as Bass diffusions — digital renovation
// (数字化改造, DigitalRules in decisions.hpp), NC / intelligent equipment (数控化、智能化改造) and
// green renovation (绿色化改造, RenovationRules), in one pass over the firms. For each: a share of
// the base year's 规上 firms starts renovated; each later year a producing 规上 firm not yet
// renovated adopts with probability (innovation + imitation × the renovated share of 规上 firms)
// × (1 + subsidy_effect × subsidy_rate), pays the renovation next year and produces with the
// uplifts from then on. The shares are those at the start of the year, so the order of the
// three within the pass does not matter.
#include <algorithm>

#include "firm_model_state.hpp"

namespace icsim::abm {

namespace {

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
    if (k.share <= 0) continue;
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
  FirmPopulation& f = s.firms;
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
  const std::uint64_t seed = s.seed, replication = s.replication;
  const auto step = static_cast<std::uint32_t>(year);
  for (std::size_t i = 0; i < n; ++i) {
    if (!producing(f.flags[i]) || !(f.flags[i] & kAboveScale)) continue;
    for (const Process& r : procs) {
      const std::uint8_t fl = f.flags[i];
      if (!r.enabled || (fl & r.flag)) continue;
      if (keyed_uniform(seed, replication, r.draw, step, f.id[i]) >= r.prob) continue;
      f.flags[i] = static_cast<std::uint8_t>(fl | r.flag);
      // The renovation is paid next year (the whole cost: the subsidy moves who pays, not how
      // much is invested); its uplifts count from next year's production. The outlay is on the
      // capacity before this renovation's capacity uplift.
      s.schedule_outlay(year + 1, 1, r.cost * f.capacity[i], f.sector[i], f.district[i], true,
                        false);
      f.productivity[i] *= r.productivity;
      f.value_added_rate[i] *= r.va_rate;
      f.energy_per_output[i] *= r.energy;
      f.capacity[i] *= r.capacity;
    }
  }
}

}  // namespace icsim::abm
