// Firm decision: exit of loss-making firms (market exit, apart from 亩均 rectification; ExitRules
// in decisions.hpp). A producing firm with negative profit exits with loss_exit_probability a
// year; its land goes to redevelopment. Counts the year's exits and released land per district.
#include "firm_model_state.hpp"

namespace icsim::abm {

void decide_loss_exit(FirmModel::State& s, int year) {
  const double p_exit = s.p.exit.loss_exit_probability;
  if (!(p_exit > 0)) return;
  FirmPopulation& f = s.firms;
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!producing(f.flags[i]) || !(s.profit[i] < 0)) continue;
    if (keyed_uniform(s.seed, s.replication, draws::loss_exit, static_cast<std::uint32_t>(year),
                      f.id[i]) >= p_exit)
      continue;
    const std::size_t d = f.district[i];
    f.flags[i] = static_cast<std::uint8_t>(f.flags[i] & ~(kActive | kAboveScale));
    f.output[i] = 0;
    f.capacity[i] = 0;
    s.pending[i] = 0;
    s.exited[d] += 1;
    if (f.land[i] > 0) {
      s.released[d] += f.land[i];
      s.land.release(d, f.land[i], year);
      f.land[i] = 0;
    }
  }
}

}  // namespace icsim::abm
