#include "icsim/abm/mujun.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "icsim/common/error.hpp"
#include "icsim/common/random.hpp"

namespace icsim::abm {

namespace {

bool finite_nonneg(double v) { return std::isfinite(v) && v >= 0; }

// Per-group aggregates of the evaluated firms: the benchmarks the score is measured against.
struct GroupSums {
  double land = 0, tax = 0, output = 0, energy = 0, value_added = 0, labour = 0;
};

// Reciprocals of the benchmarks (0 when the group has none), so that the per-firm pass needs
// three divisions instead of seven; energy per value added is kept as is (it is inverted).
struct Benchmarks {
  double inv_tax_per_mu = 0, inv_sales_per_mu = 0, energy_per_va = 0, inv_labour_productivity = 0;
};

// value × reciprocal benchmark, in [0, cap]; a group without a benchmark (all zero) scores
// everyone 1 on that indicator.
double ratio(double value, double inv_benchmark, double cap) {
  if (!(inv_benchmark > 0)) return 1.0;
  return std::clamp(value * inv_benchmark, 0.0, cap);
}

// An entry of the ranking: higher score first, equal scores by lower id.
struct Ranked {
  double score;
  std::uint32_t id;
  std::uint32_t index;
};
// As a function object, so that the selections inline it (a function pointer is an indirect call
// per comparison).
struct Better {
  bool operator()(const Ranked& a, const Ranked& b) const {
    return a.score > b.score || (a.score == b.score && a.id < b.id);
  }
};

// Scratch of evaluate, reused across calls on one thread.
struct EvaluationBuffers {
  std::vector<GroupSums> sums;
  std::vector<std::size_t> start;
  std::vector<std::uint32_t> evaluated;  // the evaluated firms, ascending
  std::vector<Benchmarks> bench;
  std::vector<Ranked> ranked;
  std::vector<std::size_t> next;
};

// Number of firms, of n, ranked within the top `share` (k-th is inside iff k <= share × n).
std::size_t within_share(double share, std::size_t n) {
  const double k = std::floor(share * static_cast<double>(n) + 1e-9);
  return std::min(n, static_cast<std::size_t>(std::max(0.0, k)));
}

}  // namespace

std::vector<RuleProblem> problems(const MujunRules& r) {
  std::vector<RuleProblem> out;
  // `fields`: "a/b/c" for a rule over several fields.
  auto require = [&](bool ok, const std::string& fields, const std::string& expected) {
    if (ok) return;
    RuleProblem p{{}, expected};
    for (std::size_t b = 0; b <= fields.size();) {
      const auto slash = std::min(fields.find('/', b), fields.size());
      p.fields.push_back(fields.substr(b, slash - b));
      b = slash + 1;
    }
    out.push_back(std::move(p));
  };
  const auto& w = r.weights;
  require(finite_nonneg(w.tax_per_mu), "weights.tax_per_mu", "a number >= 0");
  require(finite_nonneg(w.sales_per_mu), "weights.sales_per_mu", "a number >= 0");
  require(finite_nonneg(w.energy_per_value_added), "weights.energy_per_value_added",
          "a number >= 0");
  require(finite_nonneg(w.labour_productivity), "weights.labour_productivity", "a number >= 0");
  require(w.tax_per_mu + w.sales_per_mu + w.energy_per_value_added + w.labour_productivity > 0,
          "weights", "at least one weight above 0");
  require(std::isfinite(r.indicator_cap) && r.indicator_cap > 0, "indicator_cap", "a number > 0");
  require(finite_nonneg(r.a_share) && r.a_share <= r.b_share && r.b_share <= r.c_share &&
              r.c_share <= 1,
          "a_share/b_share/c_share", "0 <= a_share <= b_share <= c_share <= 1");
  require(std::isfinite(r.a_min_score) && std::isfinite(r.b_min_score) &&
              std::isfinite(r.c_min_score) && r.a_min_score >= r.b_min_score &&
              r.b_min_score >= r.c_min_score,
          "a_min_score/b_min_score/c_min_score", "a_min_score >= b_min_score >= c_min_score");
  require(finite_nonneg(r.min_land_below_scale), "min_land_below_scale", "mu >= 0");
  for (double s : r.d_surcharge) require(finite_nonneg(s), "d_surcharge", "元/kWh values >= 0");
  require(finite_nonneg(r.c_surcharge), "c_surcharge", "元/kWh >= 0");
  require(finite_nonneg(r.electricity_share) && r.electricity_share <= 1, "electricity_share",
          "a share in [0, 1]");
  require(std::isfinite(r.kwh_per_tce) && r.kwh_per_tce > 0, "kwh_per_tce", "a number > 0");
  require(finite_nonneg(r.rectification_line), "rectification_line", "亿元 per mu >= 0");
  require(finite_nonneg(r.rectification_rate) && r.rectification_rate <= 1, "rectification_rate",
          "a share in [0, 1]");
  require(finite_nonneg(r.campaign_rectification_rate) && r.campaign_rectification_rate <= 1,
          "campaign_rectification_rate", "a share in [0, 1]");
  require(r.campaign_year >= 0, "campaign_year", "a year >= 0 (0: no campaign)");
  require(finite_nonneg(r.upgrade_probability) && r.upgrade_probability <= 1, "upgrade_probability",
          "a probability in [0, 1]");
  require(std::isfinite(r.upgrade_productivity_uplift) && r.upgrade_productivity_uplift > -1,
          "upgrade_productivity_uplift", "a number > -1");
  require(std::isfinite(r.upgrade_tax_uplift) && r.upgrade_tax_uplift > -1, "upgrade_tax_uplift",
          "a number > -1");
  require(finite_nonneg(r.upgrade_land_return_share) && r.upgrade_land_return_share <= 1,
          "upgrade_land_return_share", "a share in [0, 1]");
  return out;
}

void validate(const MujunRules& r) {
  const std::vector<RuleProblem> found = problems(r);
  if (!found.empty()) throw InputError(found.front().text("mujun"));
}

MujunSummary evaluate(FirmPopulation& f, const MujunRules& rules, std::vector<double>* score_out) {
  validate(rules);
  const std::size_t n = f.size();
  if (n > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("mujun::evaluate: more than 2^32 firms");
  const bool by_district = rules.scope != MujunScope::region;
  // district_scale: group 2 d for the district's 规上 firms, 2 d + 1 for its others.
  const std::size_t by_scale = rules.scope == MujunScope::district_scale ? 1 : 0;

  // Pass 1: who is evaluated, group sums, group sizes.
  std::size_t groups = 1;
  if (by_district)
    for (std::size_t i = 0; i < n; ++i)
      groups = std::max<std::size_t>(groups, (f.district[i] + 1u) << by_scale);
  // The buffers are kept per thread and reused from year to year (allocating a megabyte of
  // ranking every year cost page faults and clearing).
  thread_local EvaluationBuffers buffers;
  auto& sums = buffers.sums;
  auto& start = buffers.start;
  auto& evaluated = buffers.evaluated;
  auto& bench = buffers.bench;
  auto& ranked = buffers.ranked;
  auto& next = buffers.next;
  sums.assign(groups, GroupSums{});
  start.assign(groups + 1, 0);
  evaluated.resize(n);  // every entry up to the count is written below
  MujunSummary summary;
  // The arrays through local pointers: the byte stores below (evaluated, the class) may alias
  // anything, and would otherwise make every firm reload the vectors' data and the thread's
  // buffers.
  const std::uint8_t* flags = f.flags.data();
  const std::uint16_t* district = f.district.data();
  const double* output = f.output.data();
  const double* land_of = f.land.data();
  const float* va_rate_of = f.value_added_rate.data();
  const float* tax_rate_of = f.tax_rate.data();
  const float* energy_rate_of = f.energy_per_output.data();
  const float* labour_rate_of = f.labour_per_output.data();
  const std::uint32_t* id = f.id.data();
  MujunClass* klass = f.mujun_class.data();
  std::uint8_t* years_in_d = f.years_in_d.data();
  GroupSums* group_sums = sums.data();
  std::size_t* group_start = start.data();
  const double min_land = rules.min_land_below_scale;
  // Who is evaluated, without branches (the test is unpredictable from firm to firm): the
  // evaluated firms listed in firm order, the others unrated.
  std::uint32_t* listed = evaluated.data();
  std::size_t count = 0;
  auto group_of = [&](std::size_t i) -> std::size_t {
    if (!by_district) return 0;
    return (static_cast<std::size_t>(district[i]) << by_scale) |
           (by_scale & static_cast<std::size_t>((flags[i] & kAboveScale) == 0));
  };
  for (std::size_t i = 0; i < n; ++i) {
    // is_evaluated (mujun.hpp), on the local pointers.
    const std::uint8_t fl = flags[i];
    const double land = land_of[i];
    const bool e = ((fl & kActive) != 0) & ((fl & kUnderConstruction) == 0) & (land > 0) &
                   (((fl & kAboveScale) != 0) | (land >= min_land));
    listed[count] = static_cast<std::uint32_t>(i);
    count += e;
    klass[i] = e ? klass[i] : MujunClass::unrated;
    years_in_d[i] = static_cast<std::uint8_t>(e ? years_in_d[i] : 0);
  }
  for (std::size_t j = 0; j < count; ++j) {
    const std::size_t i = listed[j];
    const std::size_t g = group_of(i);
    const double x = output[i];
    const double va = static_cast<double>(va_rate_of[i]) * x;
    GroupSums& s = group_sums[g];
    s.land += land_of[i];
    s.tax += static_cast<double>(tax_rate_of[i]) * x;
    s.output += x;
    s.energy += static_cast<double>(energy_rate_of[i]) * x;
    s.value_added += va;
    s.labour += static_cast<double>(labour_rate_of[i]) * x;
    ++group_start[g + 1];
  }
  for (std::size_t g = 0; g < groups; ++g) {
    start[g + 1] += start[g];
    summary.land += sums[g].land;
    summary.tax += sums[g].tax;
    summary.value_added += sums[g].value_added;
  }
  summary.evaluated = start[groups];

  bench.assign(groups, Benchmarks{});
  for (std::size_t g = 0; g < groups; ++g) {
    const GroupSums& s = sums[g];
    Benchmarks& b = bench[g];
    if (s.tax > 0 && s.land > 0) b.inv_tax_per_mu = s.land / s.tax;
    if (s.output > 0 && s.land > 0) b.inv_sales_per_mu = s.land / s.output;
    if (s.value_added > 0) b.energy_per_va = s.energy / s.value_added;
    if (s.labour > 0 && s.value_added > 0) b.inv_labour_productivity = s.labour / s.value_added;
  }

  const MujunWeights& w = rules.weights;
  const double total_weight =
      w.tax_per_mu + w.sales_per_mu + w.energy_per_value_added + w.labour_productivity;
  const double cap = rules.indicator_cap;

  // Pass 2: scores, placed group by group (counting sort by group, ascending index within it).
  ranked.resize(summary.evaluated);  // every entry is written below
  next.assign(start.begin(), start.end() - 1);
  if (score_out) score_out->assign(n, 0.0);
  const Benchmarks* benchmarks = bench.data();
  Ranked* ranking = ranked.data();
  std::size_t* next_slot = next.data();
  for (std::size_t j = 0; j < count; ++j) {
    const std::size_t i = listed[j];
    const std::size_t g = group_of(i);
    const Benchmarks& b = benchmarks[g];
    const double x = output[i], land = land_of[i];
    const double va_rate = va_rate_of[i], labour_rate = labour_rate_of[i];
    const double energy_rate = energy_rate_of[i];
    const double sales_per_mu = x / land;
    double s = w.tax_per_mu * ratio(static_cast<double>(tax_rate_of[i]) * sales_per_mu,
                                    b.inv_tax_per_mu, cap) +
               w.sales_per_mu * ratio(sales_per_mu, b.inv_sales_per_mu, cap);
    // Energy per value added, lower is better: benchmark / own, the best when no energy is used.
    double energy_score = 1.0;
    if (b.energy_per_va > 0) {
      if (!(x > 0) || !(va_rate > 0))
        energy_score = 0.0;
      else if (!(energy_rate > 0))
        energy_score = cap;
      else
        energy_score = std::clamp(b.energy_per_va * va_rate / energy_rate, 0.0, cap);
    }
    s += w.energy_per_value_added * energy_score;
    double labour_score = 1.0;
    if (b.inv_labour_productivity > 0) {
      if (!(x > 0) || !(va_rate > 0))
        labour_score = 0.0;
      else if (!(labour_rate > 0))
        labour_score = cap;
      else
        labour_score = std::clamp(va_rate / labour_rate * b.inv_labour_productivity, 0.0, cap);
    }
    s += w.labour_productivity * labour_score;
    s *= 100.0 / total_weight;
    if (score_out) (*score_out)[i] = s;
    ranking[next_slot[g]++] = {s, id[i], static_cast<std::uint32_t>(i)};
  }

  const bool d_below_line = rules.d_below_line;
  const double line = rules.rectification_line;
  auto assign = [&](const Ranked& r, MujunClass c) {
    if (d_below_line && tax_per_mu(f, r.index) < line) c = MujunClass::D;
    f.mujun_class[r.index] = c;
    std::uint8_t& y = f.years_in_d[r.index];
    if (c == MujunClass::D)
      y = static_cast<std::uint8_t>(y < 255 ? y + 1 : 255);
    else
      y = 0;
    ++summary.count[static_cast<std::size_t>(c)];
  };

  if (rules.method == MujunMethod::thresholds) {
    for (const Ranked& r : ranked) {
      const MujunClass c = r.score >= rules.a_min_score   ? MujunClass::A
                           : r.score >= rules.b_min_score ? MujunClass::B
                           : r.score >= rules.c_min_score ? MujunClass::C
                                                          : MujunClass::D;
      assign(r, c);
    }
  } else {
    for (std::size_t g = 0; g < groups; ++g) {
      const auto first = ranked.begin() + static_cast<std::ptrdiff_t>(start[g]);
      const auto last = ranked.begin() + static_cast<std::ptrdiff_t>(start[g + 1]);
      const std::size_t m = start[g + 1] - start[g];
      if (m == 0) continue;
      const std::size_t cut[3] = {within_share(rules.a_share, m), within_share(rules.b_share, m),
                                  within_share(rules.c_share, m)};
      // Three selections put every class in its own contiguous range: O(m). The middle cut
      // first, then the outer two each within its side (`Better` is a strict total order, so
      // the classes are the same whatever the order of the selections).
      auto select = [](auto lo, auto mid, auto hi) {
        if (mid > lo && mid < hi) std::nth_element(lo, mid, hi, Better{});
      };
      const auto m0 = first + static_cast<std::ptrdiff_t>(cut[0]);
      const auto m1 = first + static_cast<std::ptrdiff_t>(cut[1]);
      const auto m2 = first + static_cast<std::ptrdiff_t>(cut[2]);
      select(first, m1, last);
      select(first, m0, m1);
      select(m1, m2, last);
      for (std::size_t k = 0; k < m; ++k) {
        const MujunClass c = k < cut[0]   ? MujunClass::A
                             : k < cut[1] ? MujunClass::B
                             : k < cut[2] ? MujunClass::C
                                          : MujunClass::D;
        assign(first[static_cast<std::ptrdiff_t>(k)], c);
      }
    }
  }
  return summary;
}

double surcharge_rate(const MujunRules& rules, MujunClass c, std::uint8_t years_in_d) {
  if (c == MujunClass::C) return rules.c_surcharge;
  if (c != MujunClass::D || rules.d_surcharge.empty()) return 0.0;
  const std::size_t k = std::max<std::size_t>(years_in_d, 1u);
  return rules.d_surcharge[std::min(k, rules.d_surcharge.size()) - 1];
}

double surcharge(const FirmPopulation& f, std::size_t i, const MujunRules& rules) {
  const double rate = surcharge_rate(rules, f.mujun_class[i], f.years_in_d[i]);
  if (rate == 0.0) return 0.0;
  const double kwh = static_cast<double>(f.energy_per_output[i]) * f.output[i] *
                     rules.electricity_share * rules.kwh_per_tce;
  return rate * kwh * 1e-8;  // 元 → 亿元
}

void surcharges(const FirmPopulation& f, const MujunRules& rules, std::vector<double>& out) {
  const std::size_t n = f.size();
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = surcharge(f, i, rules);
}

RectificationResult rectify(FirmPopulation& f, const MujunRules& rules, std::uint64_t seed,
                            std::uint64_t replication, int year, std::size_t district_count) {
  validate(rules);
  if (year < 0 || year >= (1 << 20))
    throw std::out_of_range("mujun::rectify: year must be in [0, 2^20)");
  RectificationResult result;
  result.land_released.assign(district_count, 0.0);
  auto release = [&](std::size_t d, double mu) {
    if (d >= result.land_released.size()) result.land_released.resize(d + 1, 0.0);
    result.land_released[d] += mu;
  };
  const std::size_t n = f.size();
  const auto pu = static_cast<float>(1.0 + rules.upgrade_productivity_uplift);
  const auto tu = static_cast<float>(1.0 + rules.upgrade_tax_uplift);
  const double rate = rules.rate_in(year);
  for (std::size_t i = 0; i < n; ++i) {
    const MujunClass c = f.mujun_class[i];
    if (c == MujunClass::unrated || !(f.flags[i] & kActive)) continue;
    const bool below = tax_per_mu(f, i) < rules.rectification_line &&
                       (!rules.rectify_only_class_d || c == MujunClass::D);
    if (!below && !(rules.rectify_class_d && c == MujunClass::D)) continue;
    const double u = keyed_uniform(seed, replication, draws::rectification,
                                   static_cast<std::uint32_t>(year), f.id[i]);
    if (!(u < rate)) continue;
    if (u < rate * rules.upgrade_probability) {
      f.productivity[i] *= pu;
      f.capacity[i] *= static_cast<double>(pu);
      f.tax_rate[i] *= tu;
      const double returned = f.land[i] * rules.upgrade_land_return_share;
      if (returned > 0) {
        f.land[i] -= returned;
        release(f.district[i], returned);
      }
      result.upgraded.push_back(static_cast<std::uint32_t>(i));
    } else {
      f.flags[i] = static_cast<std::uint8_t>(f.flags[i] & ~kActive);
      f.output[i] = 0.0;
      f.capacity[i] = 0.0;
      release(f.district[i], f.land[i]);
      f.land[i] = 0.0;
      result.exited.push_back(static_cast<std::uint32_t>(i));
    }
  }
  return result;
}

}  // namespace icsim::abm
