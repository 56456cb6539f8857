// Firm decision: digital renovation (数字化改造) of 规上 firms, spreading as a Bass diffusion
// (DigitalRules in decisions.hpp). A share of the base year's 规上 firms starts renovated; each
// later year a producing 规上 firm not yet renovated adopts with probability (innovation +
// imitation × the renovated share of 规上 firms) × (1 + subsidy_effect × subsidy_rate), pays the
// renovation next year and produces with the uplifts from then on.
#include <algorithm>

#include "firm_model_state.hpp"

namespace icsim::abm {

void seed_digital_renovation(FirmModel::State& s) {
  const double share = s.p.digital.initial_share_above_scale;
  FirmPopulation& f = s.firms;
  for (std::size_t i = 0; i < f.size(); ++i)
    if ((f.flags[i] & kAboveScale) &&
        keyed_uniform(s.seed, s.replication, draws::digital_adoption, 0, f.id[i]) < share)
      f.flags[i] = static_cast<std::uint8_t>(f.flags[i] | kDigital);
}

void decide_digital_renovation(FirmModel::State& s, int year) {
  const DigitalRules& g = s.p.digital;
  if (!g.enabled) return;
  FirmPopulation& f = s.firms;
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
  // The producing 规上 firms not yet renovated (without branches), their draws side by side,
  // then the adoptions in firm order.
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
    m += producing(fl) & ((fl & kAboveScale) != 0) & ((fl & kDigital) == 0);
  }
  keyed_uniforms(s.seed, s.replication, draws::digital_adoption, static_cast<std::uint32_t>(year),
                 std::span(ids).first(m), u);
  for (std::size_t j = 0; j < m; ++j) {
    if (u[j] >= prob) continue;
    const std::uint32_t i = firms[j];
    f.flags[i] = static_cast<std::uint8_t>(f.flags[i] | kDigital);
    // The renovation is paid next year (the whole cost: the subsidy moves who pays, not how
    // much is invested); its uplifts count from next year's production.
    s.schedule_outlay(year + 1, 1, g.cost_per_capacity * f.capacity[i], f.sector[i], f.district[i],
                      true, false);
    f.productivity[i] *= pu;
    f.capacity[i] *= 1 + g.capacity_uplift;
  }
}

}  // namespace icsim::abm
