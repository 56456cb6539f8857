// The firm model's statistics of a year (statistics.hpp): one pass over the firms for the
// stocks, the flows the actions counted, and the land market's stocks and flows.
#include <algorithm>

#include "firm_model_state.hpp"

namespace icsim::abm {

void record_statistics(FirmModel::State& s, int year, double price_index,
                       std::span<const double> other_investment) {
  const FirmPopulation& f = s.firms;
  const std::size_t D = s.n_districts;
  auto& st = s.stats;
  st.reset(D);
  const double P = price_index;
  std::fill(s.sector_land.begin(), s.sector_land.end(), 0.0);
  std::fill(s.sector_firms.begin(), s.sector_firms.end(), 0.0);
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::uint8_t fl = f.flags[i];
    if (!(fl & kActive)) continue;
    const std::size_t d = f.district[i];
    s.sector_land[f.sector[i]] += f.land[i];
    s.sector_firms[f.sector[i]] += 1;
    st.at(d, Stat::firms) += 1;
    if (fl & kAboveScale) {
      st.at(d, Stat::firms_above_scale) += 1;
      st.at(d, Stat::land_above_scale) += f.land[i];
      if (fl & kDigital) st.at(d, Stat::firms_digital_above_scale) += 1;
    }
    switch (f.mujun_class[i]) {
      case MujunClass::A:
        st.at(d, Stat::mujun_a) += 1;
        break;
      case MujunClass::B:
        st.at(d, Stat::mujun_b) += 1;
        break;
      case MujunClass::C:
        st.at(d, Stat::mujun_c) += 1;
        break;
      case MujunClass::D:
        st.at(d, Stat::mujun_d) += 1;
        break;
      default:
        break;
    }
    if (f.mujun_class[i] != MujunClass::unrated && is_evaluated(f, i, s.mujun_rules) &&
        tax_per_mu(f, i) < s.mujun_rules.rectification_line)
      st.at(d, Stat::firms_below_rectification_line) += 1;
  }
  const std::size_t t = s.year_slot(year);
  for (std::size_t d = 0; d < D; ++d) {
    const auto& a = s.accounts.district[d];
    const auto& aa = s.accounts.district_above_scale[d];
    st.at(d, Stat::output) = a.output * P;
    st.at(d, Stat::value_added) = a.value_added * P;
    st.at(d, Stat::output_above_scale) = aa.output * P;
    st.at(d, Stat::value_added_above_scale) = aa.value_added * P;
    st.at(d, Stat::tax_above_scale) = aa.tax * P;
    // 亩均 figures are of the 规上 firms as accounted this year (before exits).
    st.at(d, Stat::land_above_scale) = aa.land;
    st.at(d, Stat::firms_crossed_above_scale) =
        static_cast<double>(s.accounts.district[d].entered_above_scale);
    st.at(d, Stat::firms_entered) = s.entered[d];
    st.at(d, Stat::firms_exited) = s.exited[d];
    st.at(d, Stat::firms_upgraded) = s.upgraded[d];
    st.at(d, Stat::firms_rectified) = s.upgraded[d] + s.rect_exited[d];
    st.at(d, Stat::firms_rectified_above_scale) = s.rect_above[d];
    st.at(d, Stat::firms_rectified_below_scale) = s.rect_below[d];
    st.at(d, Stat::projects_started) = s.started[d];
    st.at(d, Stat::projects_completed) = s.completed[d];
    st.at(d, Stat::investment) = s.outlay_district[t][d] * P;
    st.at(d, Stat::renovation_investment) = s.renovation_district[t][d] * P;
    st.at(d, Stat::inward_investment) = s.inward_district[t][d] * P;
    st.at(d, Stat::land_in_use) = s.land.in_use(d);
    st.at(d, Stat::land_available) = s.land.available(d);
    st.at(d, Stat::land_approved_not_supplied) = s.land.approved_not_supplied(d);
    st.at(d, Stat::land_pending_redevelopment) = s.land.pending_redevelopment(d);
    if (year > s.base_year) {
      st.at(d, Stat::land_supplied) = s.land.last_flows(d).supplied;
      st.at(d, Stat::land_redeveloped) = s.land.last_flows(d).redeveloped;
    }
    st.at(d, Stat::land_granted) = s.granted[d];
    st.at(d, Stat::land_released) = s.released[d];
  }
  // Industrial investment outside the firm model's decisions, located like its sector's output.
  for (auto k : s.base->industrial) {
    if (k >= other_investment.size() || other_investment[k] == 0) continue;
    for (std::size_t d = 0; d < D; ++d)
      st.at(d, Stat::investment) += other_investment[k] * s.base->districts[d].sector_share[k] * P;
  }
  st.finish();
  s.cluster_sums.add_stocks(s.firms, s.memberships, &s.base->cells);
}

void FirmModel::locate_base_year_investment(std::span<const double> investment) {
  State& s = *s_;
  for (auto k : s.base->industrial) {
    if (k >= investment.size() || investment[k] == 0) continue;
    for (std::size_t d = 0; d < s.n_districts; ++d)
      s.stats.at(d, Stat::investment) += investment[k] * s.base->districts[d].sector_share[k];
  }
  s.stats.finish();
}

}  // namespace icsim::abm
