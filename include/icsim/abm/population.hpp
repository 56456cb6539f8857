#pragma once
// Synthesis of the base-year firm population (docs/model.md §3) from the input-output
// table, the districts and calibration facts, and the check that it reproduces the base year.
//
// Method (every step keyed by seed, replication, Purpose::firm_synthesis and the firm id, so
// the result is identical for any thread count):
//  1. Cells. Each industrial sector s is split over districts d by the district shares:
//     X_sd = X_s * share_sd. The above-scale (规上) firm count K is split over sectors by output
//     (K_s ~ X_s) and over districts by the shares (largest remainder), capped so that every
//     规上 firm can be at least at the threshold T. Each cell with 规上 firms holds the
//     calibrated share phi of its output in 规上 firms; the rest is below scale, in
//     M_sd = ceil(below output / below_scale_mean_output) firms.
//  2. Sizes. 规上 firms: y = T exp(sigma_a |z|) (a log-normal of median T truncated to its
//     upper half), sigma_a solved so that the expected mean equals the cell's mean 规上 size
//     (so the size distribution is calibrated to hit both the 规上 count and the 规上 output
//     share); then y <- T + c (y - T) with c making the cell total exact. Below-scale firms:
//     y = T exp(-sigma_b |z|), sigma_b solved for the expected mean below_scale_mean_output,
//     then scaled (down: y <- c y; up: y <- T - c (T - y)) so the cell total is exact while
//     every firm stays in (0, T). Sector output is thus exact (up to rounding) and the 规上
//     status of every firm is the one intended.
//  3. Productivity: log-normal, mean 1, sd of log = productivity_sigma. Value-added and tax
//     rates: the table's coefficients times a common log-normal noise (mean 1, sd
//     va_rate_sigma), rescaled per sector so that sum(rate * output) equals the table's value
//     added / net production taxes. Labour per output: the employment coefficient /
//     productivity, rescaled so sector employment is exact.
//  4. Land: output x relative land intensity of the sector x log-normal noise (land_sigma),
//     rescaled per district so that district land = District::industrial_land exactly.
//     Below-scale firms: a share below_scale_land_holder_share holds land (the others rent and
//     hold none; chosen by the spare normal of the plot-ratio draw), with weight
//     below_scale_land_factor / holder share x intensity x noise x m (y / m)^e (m: the cell's
//     mean below-scale output), e =
//     below_scale_land_elasticity; with all three at 1 they are weighted like 规上 firms.
//  5. capacity = output / utilisation; capital = capacity x capital_per_capacity; plot ratio
//     log-normal (plot_ratio_median, plot_ratio_sigma) clipped to [plot_ratio_min, max];
//     flags = kActive | kAboveScale (output >= T); mujun_class unrated.
// Float attributes (rates, productivity) are stored in single precision, so the value added,
// tax and employment totals match the table to about 1e-6 relative, not exactly.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "icsim/abm/firms.hpp"
#include "icsim/common/random.hpp"
#include "icsim/io/table.hpp"

namespace icsim::abm {

struct SynthesisSpec {
  // Table sector codes that get firms (e.g. "02".."26" for industry). Required.
  std::vector<std::string> industrial_sectors;
  // 规上 threshold: annual revenue (output) >= 0.2 亿 (20 million CNY, NBS since 2011).
  double above_scale_threshold = 0.2;
  // Calibration targets: number of 规上 firms and the 规上 share of industrial output.
  // Defaults: scenarios/data/ningbo/firms.csv (Ningbo 2021).
  double above_scale_firms = 8350;
  double above_scale_output_share = 0.839047;
  // Optional per-sector 规上 firm counts (aligned with industrial_sectors; empty = split
  // above_scale_firms by sector output).
  std::vector<double> above_scale_firms_by_sector;
  // Mean output of a below-scale firm (亿); sets the number of below-scale firms.
  double below_scale_mean_output = 0.08;
  // Relative land intensity (mu per unit of output, relative) per industrial sector, aligned
  // with industrial_sectors; empty = 1 for all.
  std::vector<double> land_intensity;
  // Dispersion (sd of log) of land per unit of output across firms.
  double land_sigma = 0.6;
  // Below-scale land (step 4): land per unit of output relative to 规上 firms, share of
  // below-scale firms holding land, and elasticity of a holder's land to its output. 1, 1, 1:
  // below-scale firms hold land like 规上 firms.
  double below_scale_land_factor = 1.0;
  double below_scale_land_holder_share = 1.0;
  double below_scale_land_elasticity = 1.0;
  // Productivity (competitiveness) dispersion: sd of log.
  double productivity_sigma = 0.6;
  // Firm-level dispersion of value-added and tax rates around the sector's (sd of log).
  double va_rate_sigma = 0.2;
  // Capacity utilisation of the base year (NBS national 2021: 77.5 %).
  double utilisation = 0.775;
  // Fixed capital per unit of annual output capacity.
  double capital_per_capacity = 0.30;
  // Plot ratio (容积率): log-normal with this median and sd of log, clipped.
  double plot_ratio_median = 1.0;
  double plot_ratio_sigma = 0.35;
  double plot_ratio_min = 0.3;
  double plot_ratio_max = 3.0;
  // Energy use, tonnes of coal equivalent per unit of output, per industrial sector (aligned
  // with industrial_sectors); empty = 0 (the bundled tables have no energy satellite).
  std::vector<double> energy_per_output;
};

// Reads the calibration figures of a firms.csv file (figure,year,value,unit,source,note; the
// figures above_scale_firms, above_scale_output_share, below_scale_mean_output,
// above_scale_threshold, capital_per_capacity, utilisation, land_sigma, productivity_sigma,
// va_rate_sigma, plot_ratio_median, plot_ratio_sigma and the three below_scale_land_* figures
// are recognised, others ignored) into
// `spec`. A scenario applies it first and its own [firms] keys over it (scenario/load.hpp).
void apply_firm_calibration(const std::string& csv_path, SynthesisSpec& spec);

// Industrial sectors "02".."26" of a 42-sector Chinese table (mining, manufacturing, utilities).
std::vector<std::string> china42_industrial_sectors();

FirmPopulation synthesise(const io::IOTable& table, const std::vector<District>& districts,
                          const SynthesisSpec& spec, std::uint64_t seed, std::uint64_t replication);

// How far the population is from the base year. Relative errors are |pop - target| / target
// (0 when both are 0; indexed by table sector or district; non-industrial sectors 0).
struct PopulationCheck {
  std::vector<double> output_error, value_added_error, tax_error, employment_error;
  std::vector<double> land_error;  // per district
  double max_output_error = 0, max_value_added_error = 0, max_tax_error = 0,
         max_employment_error = 0, max_land_error = 0;
  std::size_t firms = 0;
  std::size_t above_scale_firms = 0;
  double above_scale_firms_target = 0;
  double above_scale_output_share = 0;
  double above_scale_output_share_target = 0;
  double industrial_output = 0;
  double industrial_land = 0;
};

PopulationCheck check_base_year(const FirmPopulation& firms, const io::IOTable& table,
                                const std::vector<District>& districts, const SynthesisSpec& spec);

// The random draws of the synthesis (Purpose::firm_synthesis, keyed by (0, firm id)): three
// pairs of uniforms, each two standard normals by Box-Muller (the last pair's second is unused).
namespace draws {
inline constexpr Draw size_and_productivity{
    .purpose = Purpose::firm_synthesis, .slot = 0, .slots = 2, .name = "size_and_productivity"};
inline constexpr Draw value_added_and_land{
    .purpose = Purpose::firm_synthesis, .slot = 2, .slots = 2, .name = "value_added_and_land"};
inline constexpr Draw plot_ratio{
    .purpose = Purpose::firm_synthesis, .slot = 4, .slots = 2, .name = "plot_ratio"};
inline constexpr std::array kFirmSynthesisDraws{size_and_productivity, value_added_and_land,
                                                plot_ratio};
static_assert(draws_are_distinct(kFirmSynthesisDraws));
}  // namespace draws

}  // namespace icsim::abm
