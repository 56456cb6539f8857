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

// The adoptions of one renovation among its candidates (firm indices and ids, collected by
// decide_digital_renovation), their draws side by side, then applied in firm order.
void adopt(FirmModel::State& s, int year, const Process& r, std::span<const std::uint32_t> firms,
           std::span<const std::uint32_t> ids) {
  FirmPopulation& f = s.firms;
  auto& u = s.draw_uniforms;
  u.resize(ids.size());
  keyed_uniforms(s.seed, s.replication, r.draw, static_cast<std::uint32_t>(year), ids, u);
  for (std::size_t j = 0; j < ids.size(); ++j) {
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
  // The base year's 规上 firms, each drawing for each renovation (side by side).
  auto& firms = s.renovation_firms[0];
  auto& ids = s.renovation_ids[0];
  firms.clear();
  ids.clear();
  for (std::size_t i = 0; i < f.size(); ++i)
    if (f.flags[i] & kAboveScale) {
      firms.push_back(static_cast<std::uint32_t>(i));
      ids.push_back(f.id[i]);
    }
  auto& u = s.draw_uniforms;
  u.resize(ids.size());
  for (const auto& k : seeds) {
    if (k.share <= 0) continue;  // no firm could draw below it
    keyed_uniforms(s.seed, s.replication, k.draw, 0, ids, u);
    for (std::size_t j = 0; j < ids.size(); ++j)
      if (u[j] < k.share) f.flags[firms[j]] = static_cast<std::uint8_t>(f.flags[firms[j]] | k.flag);
  }
}

void decide_digital_renovation(FirmModel::State& s, int year) {
  const DigitalRules& g = s.p.digital;
  const RenovationRules& nc = s.p.numerical_control;
  const RenovationRules& gr = s.p.green;
  if (!g.enabled && !nc.enabled && !gr.enabled) return;
  // One pass over the firms: the 规上 firms and those of them already renovated, counted at the
  // start (so the three processes do not depend on their order), and each renovation's
  // candidates — producing 规上 firms without it — listed without branches.
  const FirmPopulation& f = s.firms;
  const std::size_t n = f.size();
  constexpr std::uint8_t kFlags[3] = {kDigital, kNumericalControl, kGreen};
  for (int k = 0; k < 3; ++k) {
    s.renovation_firms[k].resize(n);
    s.renovation_ids[k].resize(n);
  }
  std::uint32_t* firms[3] = {s.renovation_firms[0].data(), s.renovation_firms[1].data(),
                             s.renovation_firms[2].data()};
  std::uint32_t* ids[3] = {s.renovation_ids[0].data(), s.renovation_ids[1].data(),
                           s.renovation_ids[2].data()};
  std::size_t m[3] = {0, 0, 0};
  std::size_t counted_above = 0, counted[3] = {0, 0, 0};
  const std::uint8_t* flags = f.flags.data();
  const std::uint32_t* id = f.id.data();
  // The producing 规上 firms first (a few of all firms), then each renovation's among them.
  auto& producing_above = s.draw_ids;
  producing_above.resize(n);
  std::uint32_t* listed = producing_above.data();
  std::size_t count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t fl = flags[i];
    const bool above_now = (fl & (kActive | kAboveScale)) == (kActive | kAboveScale);
    counted_above += above_now;
    for (int k = 0; k < 3; ++k) counted[k] += above_now & ((fl & kFlags[k]) != 0);
    listed[count] = static_cast<std::uint32_t>(i);
    count += producing(fl) & ((fl & kAboveScale) != 0);
  }
  for (std::size_t j = 0; j < count; ++j) {
    const std::uint32_t i = listed[j];
    const std::uint8_t fl = flags[i];
    for (int k = 0; k < 3; ++k) {
      firms[k][m[k]] = i;
      ids[k][m[k]] = id[i];
      m[k] += (fl & kFlags[k]) == 0;
    }
  }
  const double above = static_cast<double>(counted_above);
  const double digital = static_cast<double>(counted[0]);
  const double numerical = static_cast<double>(counted[1]);
  const double green = static_cast<double>(counted[2]);
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
  for (int k = 0; k < 3; ++k)
    if (procs[k].enabled)
      adopt(s, year, procs[k], std::span<const std::uint32_t>(firms[k], m[k]),
            std::span<const std::uint32_t>(ids[k], m[k]));
}

}  // namespace icsim::abm
