#pragma once
// The firm decisions (docs/model.md §3 step 6), one entry each: its rules, every lever with its
// default and source (each a scenario key, [firms.<decision>] in docs/scenario-reference.md),
// and its named random draws. Each decision is one file, engine/abm/decision_<name>.cpp, and
// engine/abm/firm_year.cpp runs them in the year's order.
//
// Adding a decision: (1) here, its rules struct, its member of FirmDecisionRules and its draws
// (kFirmDecisionDraws; the compiler rejects a slot already taken); (2) its action,
// engine/abm/decision_<name>.cpp, defining `void decide_<name>(FirmModel::State&, int year)`;
// (3) one declaration and one call in engine/abm/firm_year.cpp. Its scenario keys are one entry
// in the scenario's key list; a statistic it reports is one entry in statistics.hpp.
#include <array>

#include "icsim/common/random.hpp"

namespace icsim::abm {

// Capacity expansion by existing firms (docs/model.md §3 step 6; decision_expansion.cpp).
struct ExpansionRules {
  bool enabled = true;
  // A firm expands when its utilisation (output / capacity) is at least this and its profit is
  // positive. Assumption 0.85: above the base-year 77.5 % (NBS 2021) by the margin at which
  // surveys report firms planning capacity (no Ningbo source).
  double utilisation_trigger = 0.85;
  // ... to the capacity at which this year's output would run at this utilisation (the base
  // year's, 0.775, NBS 2021), growing at most max_growth a year.
  double target_utilisation = 0.775;
  double max_growth = 0.25;
  // Investment is lumpy: each year a firm over the trigger invests with this probability and
  // then closes its whole gap to the desired capacity (capped by max_growth); on average a
  // share adjustment_speed of the gap closes a year, as in partial adjustment, but in the spikes
  // plant-level data show (Cooper and Haltiwanger 2006, Rev. Econ. Stud. 73(3)). 0.3: the order
  // of capital-stock adjustment speeds estimated for manufacturing firms; it spreads the
  // expansions of a demand upswing over several years.
  double adjustment_speed = 0.3;
  // Years from the decision until the new capacity produces; outlays spread evenly over them.
  int construction_years = 1;
  // Land: a firm's new capacity needs land in proportion to its current land per capacity,
  // unless raising its plot ratio (零土地技改) up to the district's plot-ratio cap
  // (LandRules::plot_ratio_cap) houses it. Zero-land renovation costs this much more per unit
  // of capacity than building on new land (assumption 0.1: multi-storey plant refit).
  bool zero_land_first = true;
  double zero_land_cost_premium = 0.10;
};

// Digital renovation (数字化改造) of above-scale firms: Bass diffusion.
struct DigitalRules {
  bool enabled = true;
  // Share of 规上 firms already renovated in the base year. Estimate 0.5 (Zhenhai aims at 90 %
  // by 2024, seed 003; no base figure is published).
  double initial_share_above_scale = 0.5;
  // Yearly adoption probability of a not-yet-renovated 规上 firm: (innovation + imitation × share
  // of 规上 firms renovated) × (1 + subsidy_effect × subsidy_rate). Bass (1969) coefficients, the
  // averages of Sultan, Farley and Lehmann (1990): p = 0.03, q = 0.38.
  double innovation = 0.03;
  double imitation = 0.38;
  // Share of the renovation cost the government pays (数字化改造补助) and how strongly adoption
  // responds to it (the probability scales by 1 + subsidy_effect × subsidy_rate). Defaults 0 and
  // 1 (assumption).
  double subsidy_rate = 0.0;
  double subsidy_effect = 1.0;
  // Outlay per unit of the firm's capacity (estimate 0.02: 2 % of annual capacity) and the
  // productivity and capacity uplifts once renovated (estimate +5 % each; MIIT case studies
  // report 10-30 % efficiency gains at pilot plants, smaller across the board).
  double cost_per_capacity = 0.02;
  double productivity_uplift = 0.05;
  double capacity_uplift = 0.05;
};

// A renovation that spreads among 规上 firms like DigitalRules (Bass diffusion, subsidy, outlay)
// with its effects on the firm: NC / intelligent equipment (数控化、智能化改造) and green
// renovation (绿色化改造). Run in the digital-renovation pass (decision_digital_renovation.cpp).
// Once renovated, a firm's productivity, value-added rate (value added / output) and energy per
// unit of output are multiplied by (1 + the uplift), once.
struct RenovationRules {
  bool enabled = true;
  double initial_share_above_scale = 0.0;
  double innovation = 0.03;  // Bass p and q: as DigitalRules (Sultan, Farley and Lehmann 1990)
  double imitation = 0.38;
  double subsidy_rate = 0.0;  // share of the cost the government pays (assumption 0)
  double subsidy_effect = 1.0;
  double cost_per_capacity = 0.0;  // outlay per unit of the firm's capacity, paid next year
  double productivity_uplift = 0.0;
  double value_added_rate_uplift = 0.0;
  double energy_uplift = 0.0;  // > -1; negative: energy saved per unit of output
};

// NC / intelligent equipment. ESTIMATES (no Ningbo firm-level figure was found):
// initial_share_above_scale 0.6, the 装备数控化率 of 2015 stated as the base of the MIC2025 pilot
// target (60 -> 69, seed 004), read as the share of 规上 firms with NC equipment; outlay 3 % of a
// year's capacity (machine tools replaced); productivity +3 % and value-added rate +2 % (fewer
// rejects and less material per unit; MIIT intelligent-manufacturing pilots report larger gains
// at the pilot plants, smaller across the board, as for digital renovation).
inline RenovationRules nc_defaults() {
  RenovationRules r;
  r.initial_share_above_scale = 0.6;
  r.cost_per_capacity = 0.03;
  r.productivity_uplift = 0.03;
  r.value_added_rate_uplift = 0.02;
  return r;
}

// Green renovation. ESTIMATES: initial_share_above_scale 0.2 (no base figure is published;
// Zhenhai aims at 50 % of 规上 firms by 2024, seed 003); outlay 1 % of a year's capacity; energy
// per unit of output -10 % (the order of the savings of energy-saving technical renovation
// projects; no Ningbo evaluation found); value-added rate +1 % (energy and material saved);
// productivity unchanged.
inline RenovationRules green_defaults() {
  RenovationRules r;
  r.initial_share_above_scale = 0.2;
  r.cost_per_capacity = 0.01;
  r.value_added_rate_uplift = 0.01;
  r.energy_uplift = -0.10;
  return r;
}

// Exit of loss-making firms (market exit, apart from 亩均 rectification).
struct ExitRules {
  // A producing firm whose profit this year (value added − labour cost − depreciation − its
  // 亩均 surcharge) is negative exits with this probability; its land goes to redevelopment.
  // Assumption 0.1 a year (no Ningbo exit statistics were found).
  double loss_exit_probability = 0.10;
};

// Drift of firm efficiency: every year each active firm's productivity (its weight in the
// output allocation, so its output, tax per mu and 亩均 class) is multiplied by exp(sd × z),
// rescaled to mean one, z of mean 0 and variance 1 (the centred sum of four uniforms, close to
// normal; keyed by year and firm): a random walk in logs whose mean in levels stays put. Firms that drift below the rectification line make the yearly
// inflow of 亩均 D-class firms and rectifications (without it the base year's low tail is
// rectified once and not renewed). ESTIMATE 0.3: the order of the yearly dispersion of small
// firms' log sales growth; no Ningbo figure was found (docs/firm-model.md §5).
struct DriftRules {
  double productivity_sd = 0.3;
};

// The rules of every firm decision (FirmModelParameters holds them: parameters.expansion, ...).
struct FirmDecisionRules {
  ExpansionRules expansion;
  DigitalRules digital;
  RenovationRules numerical_control = nc_defaults();
  RenovationRules green = green_defaults();
  ExitRules exit;
  DriftRules drift;
};

// The random draws of the firm decisions: Purpose::firm_decision, keyed by (year, firm id); a
// decision that needs a draw adds a name here (the next free slot) and uses it by name.
namespace draws {
// Digital renovation: adoption in a year; at step 0, the base year's renovated firms.
inline constexpr Draw digital_adoption{
    .purpose = Purpose::firm_decision, .slot = 2, .name = "digital_adoption"};
inline constexpr Draw loss_exit{.purpose = Purpose::firm_decision, .slot = 4, .name = "loss_exit"};
inline constexpr Draw expansion{.purpose = Purpose::firm_decision, .slot = 6, .name = "expansion"};
// NC and green renovation: adoption in a year; at step 0, the base year's renovated firms.
inline constexpr Draw nc_adoption{
    .purpose = Purpose::firm_decision, .slot = 8, .name = "nc_adoption"};
inline constexpr Draw green_adoption{
    .purpose = Purpose::firm_decision, .slot = 10, .name = "green_adoption"};
// Productivity drift: the four words of one Philox block (slots 12 and 13) a year and firm.
inline constexpr Draw drift{
    .purpose = Purpose::firm_decision, .slot = 12, .slots = 2, .name = "productivity_drift"};
inline constexpr std::array kFirmDecisionDraws{digital_adoption, loss_exit, expansion, nc_adoption,
                                               green_adoption, drift};
static_assert(draws_are_distinct(kFirmDecisionDraws));
}  // namespace draws

}  // namespace icsim::abm
