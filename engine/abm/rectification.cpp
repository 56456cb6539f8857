// 亩均 rectification (整治提升) of a year (docs/model.md §3 step 8): mujun.hpp's rectify upgrades
// or closes the evaluated firms below the rectification line; this action counts them per district
// (rectified above or below the 规上 line, upgraded, exited) and releases the land they return.
#include "firm_model_state.hpp"

namespace icsim::abm {

void rectify_firms(FirmModel::State& s, int year) {
  FirmPopulation& f = s.firms;
  const std::size_t D = s.n_districts;
  const RectificationResult rr = rectify(f, s.mujun_rules, s.seed, s.replication, year, D);
  for (auto i : rr.upgraded) {
    s.upgraded[f.district[i]] += 1;
    if (f.mujun_class[i] == MujunClass::D) s.upgraded_d[f.district[i]] += 1;
    ((f.flags[i] & kAboveScale) ? s.rect_above : s.rect_below)[f.district[i]] += 1;
  }
  for (auto i : rr.exited) {
    s.exited[f.district[i]] += 1;
    s.rect_exited[f.district[i]] += 1;
    ((f.flags[i] & kAboveScale) ? s.rect_above : s.rect_below)[f.district[i]] += 1;
    f.flags[i] = static_cast<std::uint8_t>(f.flags[i] & ~kAboveScale);
    s.pending[i] = 0;
  }
  for (std::size_t d = 0; d < rr.land_released.size() && d < D; ++d)
    s.released[d] = rr.land_released[d];
  s.land.release(rr.land_released, year);
}

}  // namespace icsim::abm
