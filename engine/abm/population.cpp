// Synthesis of the base-year firm population and its check (population.hpp).
#include "icsim/abm/population.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "icsim/common/error.hpp"
#include "icsim/common/random.hpp"
#include "icsim/io/csv.hpp"

namespace icsim::abm {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Box-Muller: two independent standard normals from one keyed pair of uniforms in (0, 1).
inline void two_normals(std::uint64_t seed, std::uint64_t rep, std::uint32_t id, const Draw& draw,
                        double& z1, double& z2) {
  const auto u = keyed_uniform_pair(seed, rep, draw, 0, id);
  const double r = std::sqrt(-2.0 * std::log(u.first));
  z1 = r * std::cos(2.0 * kPi * u.second);
  z2 = r * std::sin(2.0 * kPi * u.second);
}

// E[exp(s |z|)] = 2 exp(s^2/2) Phi(s) and E[exp(-s |z|)] = 2 exp(s^2/2) Phi(-s), z ~ N(0,1).
double mean_upper(double s) { return std::exp(0.5 * s * s) * std::erfc(-s / std::sqrt(2.0)); }
double mean_lower(double s) { return std::exp(0.5 * s * s) * std::erfc(s / std::sqrt(2.0)); }

// sigma with mean_upper(sigma) = r (r > 1), by bisection on [0, 8].
double solve_upper(double r) {
  if (!(r > 1)) return 0;
  double lo = 0, hi = 8;
  if (mean_upper(hi) <= r) return hi;
  for (int it = 0; it < 100; ++it) {
    const double mid = 0.5 * (lo + hi);
    (mean_upper(mid) < r ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// sigma with mean_lower(sigma) = r (0 < r < 1), by bisection on [0, 20].
double solve_lower(double r) {
  if (!(r < 1)) return 0;
  double lo = 0, hi = 20;
  if (mean_lower(hi) >= r) return hi;
  for (int it = 0; it < 100; ++it) {
    const double mid = 0.5 * (lo + hi);
    (mean_lower(mid) > r ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Integers summing to round(sum(w)) with each within 1 of w (largest remainder, ties to the
// lower index so the result is deterministic).
std::vector<std::size_t> largest_remainder(const std::vector<double>& w) {
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  const auto target = static_cast<std::size_t>(std::llround(std::max(0.0, total)));
  std::vector<std::size_t> n(w.size());
  std::size_t assigned = 0;
  std::vector<std::pair<double, std::size_t>> rem;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double v = std::max(0.0, w[i]);
    n[i] = static_cast<std::size_t>(std::floor(v));
    assigned += n[i];
    rem.push_back({v - std::floor(v), i});
  }
  std::stable_sort(rem.begin(), rem.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; assigned < target && k < rem.size(); ++k, ++assigned) {
    ++n[rem[k].second];
  }
  return n;
}

double row_sum(const io::Labelled& block, std::size_t s) {
  double v = 0;
  for (Eigen::Index r = 0; r < block.values.rows(); ++r) v += block.values(r, s);
  return v;
}

double row_value(const io::Labelled& block, const std::string& label, std::size_t s) {
  const int r = block.find(label);
  return r < 0 ? 0.0 : block.values(r, static_cast<Eigen::Index>(s));
}

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::vector<std::size_t> sector_indices(const io::IOTable& table, const SynthesisSpec& spec) {
  if (spec.industrial_sectors.empty()) {
    throw InputError("firm synthesis: no industrial sectors given; expected table sector codes");
  }
  std::vector<std::size_t> idx;
  for (const auto& code : spec.industrial_sectors) {
    const int s = table.sector_index(code);
    if (s < 0) {
      throw InputError("firm synthesis: industrial sector '" + code +
                       "' is not a sector of table '" + table.meta.name + "'");
    }
    idx.push_back(static_cast<std::size_t>(s));
  }
  return idx;
}

void check_aligned(const std::vector<double>& v, std::size_t n, const char* what) {
  if (!v.empty() && v.size() != n) {
    throw InputError(std::string("firm synthesis: ") + what + " has " + std::to_string(v.size()) +
                     " values; expected one per industrial sector (" + std::to_string(n) + ")");
  }
}

double rel_error(double value, double target) {
  if (target == 0) return value == 0 ? 0.0 : std::abs(value);
  return std::abs(value - target) / std::abs(target);
}

struct Cell {
  std::size_t sector_pos;  // position in spec.industrial_sectors
  std::size_t district;
  bool above;
  std::size_t begin, count;
  double target;  // output of the cell's firms
  double sigma;   // log-size dispersion of the draw
};

// The spec's figures and the districts' shares must fit the table before any firm is made.
void check_synthesis_inputs(const io::IOTable& table, const std::vector<District>& districts,
                            const SynthesisSpec& spec, std::size_t ns) {
  const std::size_t nd = districts.size();
  check_aligned(spec.above_scale_firms_by_sector, ns, "above_scale_firms_by_sector");
  check_aligned(spec.land_intensity, ns, "land_intensity");
  check_aligned(spec.energy_per_output, ns, "energy_per_output");
  const double T = spec.above_scale_threshold;
  const double phi = spec.above_scale_output_share;
  if (!(T > 0)) throw InputError("firm synthesis: above_scale_threshold must be > 0");
  if (!(phi >= 0 && phi <= 1)) {
    throw InputError("firm synthesis: above_scale_output_share must be in [0, 1], got " + fmt(phi));
  }
  if (!(spec.below_scale_mean_output > 0 && spec.below_scale_mean_output < T)) {
    throw InputError("firm synthesis: below_scale_mean_output must be in (0, threshold), got " +
                     fmt(spec.below_scale_mean_output));
  }
  if (!(spec.below_scale_land_factor >= 0 && std::isfinite(spec.below_scale_land_factor))) {
    throw InputError("firm synthesis: below_scale_land_factor must be >= 0, got " +
                     fmt(spec.below_scale_land_factor));
  }
  if (!(spec.below_scale_land_holder_share > 0 && spec.below_scale_land_holder_share <= 1)) {
    throw InputError("firm synthesis: below_scale_land_holder_share must be in (0, 1], got " +
                     fmt(spec.below_scale_land_holder_share));
  }
  if (!(spec.below_scale_land_elasticity >= 0 && spec.below_scale_land_elasticity <= 2)) {
    throw InputError("firm synthesis: below_scale_land_elasticity must be in [0, 2], got " +
                     fmt(spec.below_scale_land_elasticity));
  }
  if (!(spec.utilisation > 0 && spec.utilisation <= 1)) {
    throw InputError("firm synthesis: utilisation must be in (0, 1], got " + fmt(spec.utilisation));
  }
  if (nd == 0) throw InputError("firm synthesis: no districts");
  if (nd > 65535 || table.size() > 65535) {
    throw InputError("firm synthesis: more than 65535 districts or sectors");
  }
  for (const auto& d : districts) {
    if (d.sector_share.size() != table.size()) {
      throw InputError("firm synthesis: district '" + d.code +
                       "' has shares for a different table (" +
                       std::to_string(d.sector_share.size()) + " sectors, table has " +
                       std::to_string(table.size()) + ")");
    }
  }
}

// Output and 规上 firm count per (sector, district) cell, indexed p * nd + d.
struct CellFigures {
  std::vector<double> output;
  std::vector<std::size_t> above_scale;
};

// 1. 规上 counts per (sector, district) cell, by largest remainder.
CellFigures cell_figures(const io::IOTable& table, const std::vector<District>& districts,
                         const SynthesisSpec& spec, const std::vector<std::size_t>& sectors) {
  const std::size_t ns = sectors.size(), nd = districts.size();
  const Eigen::VectorXd x = table.total_output();
  double x_ind = 0;
  for (auto s : sectors) x_ind += x(static_cast<Eigen::Index>(s));

  std::vector<double> cell_output(ns * nd), k_weight(ns * nd);
  for (std::size_t p = 0; p < ns; ++p) {
    const double xs = x(static_cast<Eigen::Index>(sectors[p]));
    for (std::size_t d = 0; d < nd; ++d) {
      cell_output[p * nd + d] = xs * districts[d].sector_share[sectors[p]];
      k_weight[p * nd + d] =
          spec.above_scale_firms_by_sector.empty()
              ? (x_ind > 0 ? spec.above_scale_firms * cell_output[p * nd + d] / x_ind : 0)
              : spec.above_scale_firms_by_sector[p] * districts[d].sector_share[sectors[p]];
    }
  }
  std::vector<std::size_t> k_count;
  if (spec.above_scale_firms_by_sector.empty()) {
    k_count = largest_remainder(k_weight);
  } else {
    k_count.resize(ns * nd);
    for (std::size_t p = 0; p < ns; ++p) {
      std::vector<double> w(k_weight.begin() + static_cast<long>(p * nd),
                            k_weight.begin() + static_cast<long>((p + 1) * nd));
      const auto n = largest_remainder(w);
      std::copy(n.begin(), n.end(), k_count.begin() + static_cast<long>(p * nd));
    }
  }
  return {std::move(cell_output), std::move(k_count)};
}

struct CellPlan {
  std::vector<Cell> cells;
  std::size_t firms = 0;
};

// Cells in order sector, district, above/below; each a contiguous range of firms.
CellPlan plan_cells(const io::IOTable& table, const std::vector<District>& districts,
                    const SynthesisSpec& spec, const std::vector<std::size_t>& sectors) {
  const std::size_t ns = sectors.size(), nd = districts.size();
  const double T = spec.above_scale_threshold;
  const double phi = spec.above_scale_output_share;
  const CellFigures figures = cell_figures(table, districts, spec, sectors);
  const std::vector<double>& cell_output = figures.output;
  const std::vector<std::size_t>& k_count = figures.above_scale;

  std::vector<Cell> cells;
  std::size_t total = 0;
  for (std::size_t p = 0; p < ns; ++p) {
    for (std::size_t d = 0; d < nd; ++d) {
      const double xc = cell_output[p * nd + d];
      if (!(xc > 0)) continue;
      // Every 规上 firm must be able to sit above the threshold (mean >= 1.05 T).
      std::size_t k = k_count[p * nd + d];
      const double cap = std::floor(phi * xc / (1.05 * T));
      if (static_cast<double>(k) > cap) k = static_cast<std::size_t>(std::max(0.0, cap));
      const double above = k > 0 ? phi * xc : 0.0;
      const double below = xc - above;
      if (k > 0) {
        cells.push_back(
            {p, d, true, total, k, above, solve_upper(above / (static_cast<double>(k) * T))});
        total += k;
      }
      if (below > 0) {
        const auto m = static_cast<std::size_t>(
            std::max(1.0, std::ceil(below / spec.below_scale_mean_output)));
        cells.push_back(
            {p, d, false, total, m, below, solve_lower(below / (static_cast<double>(m) * T))});
        total += m;
      }
    }
  }
  if (total > 0xffffffffull) throw InputError("firm synthesis: more than 2^32 firms");
  return {std::move(cells), total};
}

// 2. Identity and raw draws, firm by firm (keyed: thread-invariant).
void draw_firms(const std::vector<Cell>& cells, const std::vector<std::size_t>& sectors,
                const SynthesisSpec& spec, std::uint64_t seed, std::uint64_t replication,
                FirmPopulation& pop, std::vector<double>& noise_va,
                std::vector<double>& weight_land) {
  const double T = spec.above_scale_threshold;
  const long ncells = static_cast<long>(cells.size());
  const double sp = spec.productivity_sigma, sv = spec.va_rate_sigma, sl = spec.land_sigma;
  const double spr = spec.plot_ratio_sigma;
#pragma omp parallel for schedule(dynamic, 4)
  for (long c = 0; c < ncells; ++c) {
    const Cell& cell = cells[static_cast<std::size_t>(c)];
    const std::size_t s = sectors[cell.sector_pos];
    const double lam = spec.land_intensity.empty() ? 1.0 : spec.land_intensity[cell.sector_pos];
    const float energy = spec.energy_per_output.empty()
                             ? 0.0f
                             : static_cast<float>(spec.energy_per_output[cell.sector_pos]);
    for (std::size_t i = cell.begin; i < cell.begin + cell.count; ++i) {
      const auto id = static_cast<std::uint32_t>(i);
      double z_size, z_prod, z_va, z_land, z_plot, z_spare;
      two_normals(seed, replication, id, draws::size_and_productivity, z_size, z_prod);
      two_normals(seed, replication, id, draws::value_added_and_land, z_va, z_land);
      two_normals(seed, replication, id, draws::plot_ratio, z_plot, z_spare);
      pop.id[i] = id;
      pop.sector[i] = static_cast<std::uint16_t>(s);
      pop.district[i] = static_cast<std::uint16_t>(cell.district);
      pop.mujun_class[i] = MujunClass::unrated;
      pop.years_in_d[i] = 0;
      pop.output[i] = cell.above ? T * std::exp(cell.sigma * std::abs(z_size))
                                 : T * std::exp(-cell.sigma * std::abs(z_size));
      const double prod = std::exp(sp * z_prod - 0.5 * sp * sp);
      pop.productivity[i] = static_cast<float>(prod);
      noise_va[i] = std::exp(sv * z_va - 0.5 * sv * sv);
      weight_land[i] = lam * std::exp(sl * z_land - 0.5 * sl * sl);
      if (!cell.above) {
        // Below scale: holders only (spare normal below the holder quantile), weighted by
        // factor / share so the expected land is factor x proportional; the output term is
        // applied in assign_land_and_capital.
        const double h = spec.below_scale_land_holder_share;
        const bool holder = h >= 1.0 || 0.5 * std::erfc(-z_spare / std::sqrt(2.0)) < h;
        weight_land[i] = holder ? weight_land[i] * spec.below_scale_land_factor / h : 0.0;
      }
      const double pr = spec.plot_ratio_median * std::exp(spr * z_plot);
      pop.plot_ratio[i] =
          static_cast<float>(std::clamp(pr, spec.plot_ratio_min, spec.plot_ratio_max));
      pop.energy_per_output[i] = energy;
    }
  }
}

// 3. Exact cell totals, keeping every firm on its side of the threshold.
void match_cell_totals(const std::vector<Cell>& cells, double T, FirmPopulation& pop) {
  const long ncells = static_cast<long>(cells.size());
  const double below_cap = std::nextafter(T, 0.0);
#pragma omp parallel for schedule(dynamic, 4)
  for (long c = 0; c < ncells; ++c) {
    const Cell& cell = cells[static_cast<std::size_t>(c)];
    const std::size_t b = cell.begin, e = cell.begin + cell.count;
    double sum = 0;
    for (std::size_t i = b; i < e; ++i) sum += pop.output[i];
    const double n = static_cast<double>(cell.count);
    if (cell.above) {
      const double excess = sum - n * T;
      const double f = excess > 0 ? (cell.target - n * T) / excess : 0.0;
      for (std::size_t i = b; i < e; ++i) {
        pop.output[i] = excess > 0 ? T + f * (pop.output[i] - T) : cell.target / n;
      }
    } else if (cell.target <= sum) {
      const double f = cell.target / sum;
      for (std::size_t i = b; i < e; ++i) pop.output[i] = std::min(f * pop.output[i], below_cap);
    } else {
      const double f = (n * T - cell.target) / (n * T - sum);
      for (std::size_t i = b; i < e; ++i) {
        pop.output[i] = std::min(T - f * (T - pop.output[i]), below_cap);
      }
    }
  }
}

// 4. Rates per sector, rescaled to the table; sectors are contiguous ranges of cells.
void assign_sector_rates(const io::IOTable& table, const std::vector<std::size_t>& sectors,
                         const std::vector<Cell>& cells, std::size_t total,
                         const std::vector<double>& noise_va, FirmPopulation& pop) {
  const std::size_t ns = sectors.size();
  std::vector<std::size_t> sector_begin(ns + 1, total);
  for (auto it = cells.rbegin(); it != cells.rend(); ++it) sector_begin[it->sector_pos] = it->begin;
  for (std::size_t p = ns; p-- > 0;)
    sector_begin[p] = std::min(sector_begin[p], sector_begin[p + 1]);
  const int emp_row = table.satellites.find("employment");
#pragma omp parallel for schedule(dynamic, 1)
  for (long pl = 0; pl < static_cast<long>(ns); ++pl) {
    const auto p = static_cast<std::size_t>(pl);
    const std::size_t s = sectors[p];
    const std::size_t b = sector_begin[p], e = sector_begin[p + 1];
    if (b == e) continue;
    const double va = row_sum(table.value_added, s);
    const double tax = row_value(table.value_added, table.meta.taxes, s);
    const double emp = emp_row < 0 ? 0.0 : table.satellites.values(emp_row, static_cast<long>(s));
    double s_va = 0, s_lab = 0;
    for (std::size_t i = b; i < e; ++i) {
      s_va += noise_va[i] * pop.output[i];
      s_lab += pop.output[i] / pop.productivity[i];
    }
    const double k_va = s_va > 0 ? va / s_va : 0.0;
    const double k_tax = s_va > 0 ? tax / s_va : 0.0;
    const double k_lab = s_lab > 0 ? emp / s_lab : 0.0;
    for (std::size_t i = b; i < e; ++i) {
      pop.value_added_rate[i] = static_cast<float>(k_va * noise_va[i]);
      pop.tax_rate[i] = static_cast<float>(k_tax * noise_va[i]);
      pop.labour_per_output[i] = static_cast<float>(k_lab / pop.productivity[i]);
    }
  }
}

// 5. Land per district: weights summed per cell (fixed order), then per district; capacity,
// capital and flags from the final output.
void assign_land_and_capital(const std::vector<District>& districts, const SynthesisSpec& spec,
                             const std::vector<Cell>& cells, std::size_t total,
                             std::vector<double>& weight_land, FirmPopulation& pop) {
  const std::size_t nd = districts.size();
  const double T = spec.above_scale_threshold;
  const long ncells = static_cast<long>(cells.size());
  std::vector<double> cell_weight(cells.size());
#pragma omp parallel for schedule(dynamic, 4)
  for (long c = 0; c < ncells; ++c) {
    const Cell& cell = cells[static_cast<std::size_t>(c)];
    double w = 0;
    // Below scale: m (y / m)^e with m the cell's mean output, so the cell's expected weight
    // stays its output for any elasticity e.
    const double e = spec.below_scale_land_elasticity;
    const double m = cell.target / static_cast<double>(cell.count);
    for (std::size_t i = cell.begin; i < cell.begin + cell.count; ++i) {
      weight_land[i] *= cell.above || e == 1.0 ? pop.output[i] : m * std::pow(pop.output[i] / m, e);
      w += weight_land[i];
    }
    cell_weight[static_cast<std::size_t>(c)] = w;
  }
  std::vector<double> district_weight(nd, 0.0);
  for (std::size_t c = 0; c < cells.size(); ++c)
    district_weight[cells[c].district] += cell_weight[c];
  const double u = spec.utilisation;
#pragma omp parallel for schedule(static)
  for (long il = 0; il < static_cast<long>(total); ++il) {
    const auto i = static_cast<std::size_t>(il);
    const std::size_t d = pop.district[i];
    pop.land[i] = district_weight[d] > 0
                      ? districts[d].industrial_land * (weight_land[i] / district_weight[d])
                      : 0.0;
    pop.capacity[i] = pop.output[i] / u;
    pop.capital[i] = pop.capacity[i] * spec.capital_per_capacity;
    pop.flags[i] = static_cast<std::uint8_t>(kActive | (pop.output[i] >= T ? kAboveScale : 0));
  }
}

}  // namespace

std::vector<std::string> china42_industrial_sectors() {
  std::vector<std::string> v;
  for (int s = 2; s <= 26; ++s) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", s);
    v.emplace_back(buf);
  }
  return v;
}

void apply_firm_calibration(const std::string& csv_path, SynthesisSpec& spec) {
  const io::CsvFile csv = io::read_csv(csv_path);
  const int fig = csv.column("figure"), val = csv.column("value");
  if (fig < 0 || val < 0) {
    throw InputError(located(csv_path, 1, "expected columns 'figure' and 'value'"));
  }
  struct Known {
    const char* name;
    double* target;
  } known[] = {{"above_scale_firms", &spec.above_scale_firms},
               {"above_scale_output_share", &spec.above_scale_output_share},
               {"below_scale_mean_output", &spec.below_scale_mean_output},
               {"above_scale_threshold", &spec.above_scale_threshold},
               {"capital_per_capacity", &spec.capital_per_capacity},
               {"utilisation", &spec.utilisation},
               {"land_sigma", &spec.land_sigma},
               {"productivity_sigma", &spec.productivity_sigma},
               {"va_rate_sigma", &spec.va_rate_sigma},
               {"plot_ratio_median", &spec.plot_ratio_median},
               {"plot_ratio_sigma", &spec.plot_ratio_sigma},
               {"below_scale_land_factor", &spec.below_scale_land_factor},
               {"below_scale_land_holder_share", &spec.below_scale_land_holder_share},
               {"below_scale_land_elasticity", &spec.below_scale_land_elasticity}};
  for (const auto& row : csv.rows) {
    for (const auto& k : known) {
      if (row.fields[static_cast<std::size_t>(fig)] == k.name) {
        *k.target = csv.number(row, static_cast<std::size_t>(val));
      }
    }
  }
}

FirmPopulation synthesise(const io::IOTable& table, const std::vector<District>& districts,
                          const SynthesisSpec& spec, std::uint64_t seed,
                          std::uint64_t replication) {
  const std::vector<std::size_t> sectors = sector_indices(table, spec);
  check_synthesis_inputs(table, districts, spec, sectors.size());
  const CellPlan plan = plan_cells(table, districts, spec, sectors);
  const std::size_t total = plan.firms;

  FirmPopulation pop;
  pop.resize(total);
  std::vector<double> noise_va(total), weight_land(total);
  draw_firms(plan.cells, sectors, spec, seed, replication, pop, noise_va, weight_land);
  match_cell_totals(plan.cells, spec.above_scale_threshold, pop);
  assign_sector_rates(table, sectors, plan.cells, total, noise_va, pop);
  assign_land_and_capital(districts, spec, plan.cells, total, weight_land, pop);
  return pop;
}

PopulationCheck check_base_year(const FirmPopulation& firms, const io::IOTable& table,
                                const std::vector<District>& districts, const SynthesisSpec& spec) {
  const std::vector<std::size_t> sectors = sector_indices(table, spec);
  const std::size_t n = table.size(), nd = districts.size();
  std::vector<double> out(n, 0), va(n, 0), tax(n, 0), emp(n, 0), land(nd, 0);
  PopulationCheck c;
  double above_output = 0;
  for (std::size_t i = 0; i < firms.size(); ++i) {
    if (!(firms.flags[i] & kActive)) continue;
    const std::size_t s = firms.sector[i];
    const double y = firms.output[i];
    out[s] += y;
    va[s] += static_cast<double>(firms.value_added_rate[i]) * y;
    tax[s] += static_cast<double>(firms.tax_rate[i]) * y;
    emp[s] += static_cast<double>(firms.labour_per_output[i]) * y;
    if (firms.district[i] < nd) land[firms.district[i]] += firms.land[i];
    ++c.firms;
    if (firms.flags[i] & kAboveScale) {
      ++c.above_scale_firms;
      above_output += y;
    }
  }
  const Eigen::VectorXd x = table.total_output();
  const int emp_row = table.satellites.find("employment");
  c.output_error.assign(n, 0);
  c.value_added_error.assign(n, 0);
  c.tax_error.assign(n, 0);
  c.employment_error.assign(n, 0);
  for (auto s : sectors) {
    const auto j = static_cast<Eigen::Index>(s);
    c.industrial_output += x(j);
    c.output_error[s] = rel_error(out[s], x(j));
    c.value_added_error[s] = rel_error(va[s], row_sum(table.value_added, s));
    c.tax_error[s] = rel_error(tax[s], row_value(table.value_added, table.meta.taxes, s));
    c.employment_error[s] =
        emp_row < 0 ? 0.0 : rel_error(emp[s], table.satellites.values(emp_row, j));
    c.max_output_error = std::max(c.max_output_error, c.output_error[s]);
    c.max_value_added_error = std::max(c.max_value_added_error, c.value_added_error[s]);
    c.max_tax_error = std::max(c.max_tax_error, c.tax_error[s]);
    c.max_employment_error = std::max(c.max_employment_error, c.employment_error[s]);
  }
  c.land_error.assign(nd, 0);
  for (std::size_t d = 0; d < nd; ++d) {
    c.industrial_land += districts[d].industrial_land;
    c.land_error[d] = rel_error(land[d], districts[d].industrial_land);
    c.max_land_error = std::max(c.max_land_error, c.land_error[d]);
  }
  c.above_scale_firms_target = spec.above_scale_firms_by_sector.empty()
                                   ? spec.above_scale_firms
                                   : std::accumulate(spec.above_scale_firms_by_sector.begin(),
                                                     spec.above_scale_firms_by_sector.end(), 0.0);
  c.above_scale_output_share = c.industrial_output > 0 ? above_output / c.industrial_output : 0;
  c.above_scale_output_share_target = spec.above_scale_output_share;
  return c;
}

}  // namespace icsim::abm
