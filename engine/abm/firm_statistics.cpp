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
  // The counts are whole numbers, exact in any order: counted in integers per district (slots
  // below) and added once, the same as adding 1 firm by firm. The 亩均 class picks its slot
  // without a branch (slot 3 + class; unrated counts nowhere). Land in use per sector stays a
  // sum in firm order. (The 规上 land is the accounts' figure, set below.)
  enum : std::size_t {
    kFirms,
    kAbove,
    kDigital,
    kNc,
    kGreenSlot,
    kClass0,
    kBelowLine = kClass0 + 5,
    kSlots
  };
  auto& counts = s.statistics_counts;
  counts.assign(D * kSlots, 0);
  auto& per_sector = s.statistics_sector_counts;
  per_sector.assign(s.n_sectors, 0);
  const std::uint8_t* flags = f.flags.data();
  const std::uint16_t* district = f.district.data();
  const std::uint16_t* sector = f.sector.data();
  const MujunClass* klass = f.mujun_class.data();
  const double* land = f.land.data();
  const double* output = f.output.data();
  const float* tax_rate = f.tax_rate.data();
  double* sector_land = s.sector_land.data();
  std::uint32_t* c = counts.data();
  std::uint32_t* cs = per_sector.data();
  const double min_land = s.mujun_rules.min_land_below_scale;
  const double line = s.mujun_rules.rectification_line;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::uint8_t fl = flags[i];
    if (!(fl & kActive)) continue;
    std::uint32_t* cd = c + district[i] * kSlots;
    const double mu = land[i];
    sector_land[sector[i]] += mu;
    ++cs[sector[i]];
    const unsigned above = (fl & kAboveScale) != 0;
    ++cd[kFirms];
    cd[kAbove] += above;
    cd[kDigital] += above & ((fl & kDigital) != 0);
    cd[kNc] += above & ((fl & kNumericalControl) != 0);
    cd[kGreenSlot] += above & ((fl & kGreen) != 0);
    const auto k = static_cast<std::size_t>(klass[i]);
    ++cd[kClass0 + k];
    // is_evaluated and tax_per_mu (mujun.hpp) on the local pointers.
    if (k != 0 && (fl & kActive) && !(fl & kUnderConstruction) && mu > 0 &&
        ((fl & kAboveScale) || mu >= min_land) &&
        static_cast<double>(tax_rate[i]) * output[i] / mu < line)
      ++cd[kBelowLine];
  }
  for (std::size_t k = 0; k < s.n_sectors; ++k) s.sector_firms[k] += cs[k];
  for (std::size_t d = 0; d < D; ++d) {
    const std::uint32_t* cd = c + d * kSlots;
    st.at(d, Stat::firms) += cd[kFirms];
    st.at(d, Stat::firms_above_scale) += cd[kAbove];
    st.at(d, Stat::firms_digital_above_scale) += cd[kDigital];
    st.at(d, Stat::firms_nc_above_scale) += cd[kNc];
    st.at(d, Stat::firms_green_above_scale) += cd[kGreenSlot];
    st.at(d, Stat::mujun_a) += cd[kClass0 + static_cast<std::size_t>(MujunClass::A)];
    st.at(d, Stat::mujun_b) += cd[kClass0 + static_cast<std::size_t>(MujunClass::B)];
    st.at(d, Stat::mujun_c) += cd[kClass0 + static_cast<std::size_t>(MujunClass::C)];
    st.at(d, Stat::mujun_d) += cd[kClass0 + static_cast<std::size_t>(MujunClass::D)];
    for (MujunClass k : {MujunClass::A, MujunClass::B, MujunClass::C, MujunClass::D})
      st.at(d, Stat::firms_evaluated) += cd[kClass0 + static_cast<std::size_t>(k)];
    st.at(d, Stat::firms_below_rectification_line) += cd[kBelowLine];
  }
  // The decrease of the D firms left on the list at the end of the year (graded D, neither
  // closed nor upgraded by this year's rectification) from last year (0 in the base year).
  if (s.previous_d.empty()) s.previous_d.assign(D, -1.0);
  for (std::size_t d = 0; d < D; ++d) {
    const double now = st.at(d, Stat::mujun_d) - s.upgraded_d[d];
    st.at(d, Stat::mujun_d_decrease) = s.previous_d[d] < 0 ? 0.0 : s.previous_d[d] - now;
    s.previous_d[d] = now;
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
    st.at(d, Stat::employment_above_scale) = aa.employment;
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
      st.at(d, Stat::land_quota_left) = s.land.quota_left(d);
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
