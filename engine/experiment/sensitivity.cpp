// Morris and Sobol designs and indices (include/icsim/experiment/sensitivity.hpp). The Sobol
// design and estimators are OpenTURNS's; Morris screening is not in OpenTURNS and is written here.
#include "icsim/experiment/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "icsim/common/random.hpp"
#include "openturns/ComposedDistribution.hxx"
#include "openturns/JansenSensitivityAlgorithm.hxx"
#include "openturns/MartinezSensitivityAlgorithm.hxx"
#include "openturns/MauntzKucherenkoSensitivityAlgorithm.hxx"
#include "openturns/RandomGenerator.hxx"
#include "openturns/SaltelliSensitivityAlgorithm.hxx"
#include "openturns/SobolIndicesAlgorithm.hxx"
#include "openturns/SobolIndicesExperiment.hxx"
#include "openturns/Uniform.hxx"

namespace icsim::experiment {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t at(std::size_t row, std::size_t column, std::size_t columns) {
  return row * columns + column;
}

}  // namespace

MorrisDesign morris_design(int parameters, int trajectories, int levels, std::uint64_t seed) {
  if (parameters < 1 || trajectories < 2 || levels < 2 || levels % 2 != 0)
    throw std::invalid_argument(
        "morris_design: expected parameters >= 1, trajectories >= 2 and an even number of "
        "levels >= 2");
  MorrisDesign d;
  d.parameters = parameters;
  d.trajectories = trajectories;
  d.levels = levels;
  d.delta = levels / (2.0 * (levels - 1));
  const auto D = static_cast<std::size_t>(parameters);
  const std::size_t rows = static_cast<std::size_t>(trajectories) * (D + 1);
  d.points.resize(rows * D);
  d.moved.resize(static_cast<std::size_t>(trajectories) * D);
  // Start levels 0 .. levels/2 - 1 leave room for a step of Delta = (levels/2) / (levels - 1).
  const int starts = levels / 2;
  std::vector<double> x(D), direction(D);
  std::vector<int> order(D);
  for (int t = 0; t < trajectories; ++t) {
    const auto step = static_cast<std::uint32_t>(t);
    for (std::size_t i = 0; i < D; ++i) {
      const auto entity = static_cast<std::uint32_t>(i);
      const UniformPair u = keyed_uniform_pair(seed, 0, draws::morris_start, step, entity);
      const int level = std::min(starts - 1, static_cast<int>(u.first * starts));
      direction[i] = u.second < 0.5 ? 1.0 : -1.0;
      x[i] = level / static_cast<double>(levels - 1) + (direction[i] < 0 ? d.delta : 0.0);
    }
    // Fisher-Yates with keyed uniforms: the order depends on (seed, trajectory) only.
    std::iota(order.begin(), order.end(), 0);
    for (int i = parameters - 1; i > 0; --i) {
      const double u =
          keyed_uniform(seed, 0, draws::morris_order, step, static_cast<std::uint32_t>(i));
      const int j = std::min(i, static_cast<int>(u * (i + 1)));
      std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
    }
    const std::size_t first = static_cast<std::size_t>(t) * (D + 1);
    std::copy(x.begin(), x.end(), d.points.begin() + static_cast<std::ptrdiff_t>(first * D));
    for (std::size_t k = 0; k < D; ++k) {
      const auto i = static_cast<std::size_t>(order[k]);
      x[i] += direction[i] * d.delta;
      // Grid values exactly (0.333.. + 0.666.. must read 1, not 0.9999..).
      x[i] = std::round(x[i] * (levels - 1)) / (levels - 1);
      std::copy(x.begin(), x.end(),
                d.points.begin() + static_cast<std::ptrdiff_t>((first + k + 1) * D));
      d.moved[at(static_cast<std::size_t>(t), k, D)] = order[k];
    }
  }
  return d;
}

MorrisIndices morris_indices(const MorrisDesign& design, const std::vector<double>& scaled,
                             const std::vector<scenario::ParameterRange>& ranges,
                             const std::vector<double>& values) {
  const auto D = static_cast<std::size_t>(design.parameters);
  const std::size_t rows = design.rows();
  if (values.size() != rows || scaled.size() != design.points.size() || ranges.size() != D)
    throw std::invalid_argument("morris_indices: the design, its values and ranges disagree");
  std::vector<std::vector<double>> effects(D);
  for (std::size_t t = 0; t < static_cast<std::size_t>(design.trajectories); ++t) {
    const std::size_t first = t * (D + 1);
    for (std::size_t k = 0; k < D; ++k) {
      const auto i = static_cast<std::size_t>(design.moved[at(t, k, D)]);
      const std::size_t a = first + k, b = first + k + 1;
      const double change =
          (scaled[at(b, i, D)] - scaled[at(a, i, D)]) / (ranges[i].high - ranges[i].low);
      if (change == 0 || !std::isfinite(values[a]) || !std::isfinite(values[b])) continue;
      effects[i].push_back((values[b] - values[a]) / change);
    }
  }
  MorrisIndices out;
  out.mu_star.assign(D, kNaN);
  out.mu.assign(D, kNaN);
  out.sigma.assign(D, kNaN);
  out.effects.assign(D, 0);
  for (std::size_t i = 0; i < D; ++i) {
    const auto& e = effects[i];
    const auto n = static_cast<double>(e.size());
    out.effects[i] = static_cast<int>(e.size());
    if (e.empty()) continue;
    double sum = 0, sum_abs = 0;
    for (const double v : e) sum += v, sum_abs += std::abs(v);
    out.mu[i] = sum / n;
    out.mu_star[i] = sum_abs / n;
    if (e.size() < 2) continue;
    double squares = 0;
    for (const double v : e) squares += (v - out.mu[i]) * (v - out.mu[i]);
    out.sigma[i] = std::sqrt(squares / (n - 1));
  }
  return out;
}

SobolEstimator sobol_estimator(const std::string& name) {
  for (const auto e : {SobolEstimator::saltelli, SobolEstimator::jansen,
                       SobolEstimator::mauntz_kucherenko, SobolEstimator::martinez})
    if (to_string(e) == name) return e;
  throw std::invalid_argument("unknown Sobol estimator '" + name + "'");
}

std::string to_string(SobolEstimator estimator) {
  switch (estimator) {
    case SobolEstimator::saltelli:
      return "saltelli";
    case SobolEstimator::jansen:
      return "jansen";
    case SobolEstimator::mauntz_kucherenko:
      return "mauntz_kucherenko";
    case SobolEstimator::martinez:
      return "martinez";
  }
  return "?";
}

std::vector<double> sobol_design(int parameters, int base_size, std::uint64_t seed) {
  if (parameters < 1 || base_size < 2)
    throw std::invalid_argument("sobol_design: expected parameters >= 1 and base_size >= 2");
  OT::Collection<OT::Distribution> marginals(static_cast<OT::UnsignedInteger>(parameters),
                                             OT::Uniform(0.0, 1.0));
  // OpenTURNS draws from one global generator: seeded here, the design depends on `seed` only.
  OT::RandomGenerator::SetSeed(static_cast<OT::UnsignedInteger>(seed));
  const OT::Sample sample = OT::SobolIndicesExperiment(OT::ComposedDistribution(marginals),
                                                       static_cast<OT::UnsignedInteger>(base_size))
                                .generate();
  const auto D = static_cast<std::size_t>(parameters);
  std::vector<double> out(sample.getSize() * D);
  for (std::size_t r = 0; r < sample.getSize(); ++r)
    for (std::size_t i = 0; i < D; ++i) out[at(r, i, D)] = sample(r, i);
  return out;
}

namespace {

// The estimator over the design and one output (copies: OpenTURNS keeps its own samples).
OT::SobolIndicesAlgorithm make_algorithm(SobolEstimator e, const OT::Sample& x, const OT::Sample& y,
                                         OT::UnsignedInteger n) {
  switch (e) {
    case SobolEstimator::saltelli:
      return OT::SaltelliSensitivityAlgorithm(x, y, n);
    case SobolEstimator::jansen:
      return OT::JansenSensitivityAlgorithm(x, y, n);
    case SobolEstimator::mauntz_kucherenko:
      return OT::MauntzKucherenkoSensitivityAlgorithm(x, y, n);
    case SobolEstimator::martinez:
      return OT::MartinezSensitivityAlgorithm(x, y, n);
  }
  throw std::invalid_argument("unknown Sobol estimator");
}

}  // namespace

SobolIndices sobol_indices(int parameters, int base_size, const std::vector<double>& design,
                           const std::vector<double>& values, const SobolSettings& settings) {
  const auto D = static_cast<std::size_t>(parameters);
  const auto N = static_cast<std::size_t>(base_size);
  const std::size_t rows = (D + 2) * N;
  if (parameters < 1 || base_size < 2 || design.size() != rows * D || values.size() != rows)
    throw std::invalid_argument("sobol_indices: the design and its values disagree");
  if (settings.bootstrap < 1 || !(settings.confidence_level > 0 && settings.confidence_level < 1))
    throw std::invalid_argument("sobol_indices: bootstrap >= 1 and a confidence level in (0, 1)");
  SobolIndices out;
  for (auto* v :
       {&out.first, &out.first_low, &out.first_high, &out.total, &out.total_low, &out.total_high})
    v->assign(D, kNaN);
  for (const double v : values)
    if (!std::isfinite(v)) throw std::invalid_argument("sobol_indices: a value is not finite");
  // A constant output (e.g. P = 0 at every point) has no variance to share out.
  if (std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); })) {
    out.constant = true;
    return out;
  }
  OT::Sample x(rows, D), y(rows, 1);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t i = 0; i < D; ++i) x(r, i) = design[at(r, i, D)];
    y(r, 0) = values[r];
  }
  // An output that varies at only a few design points can leave one of the estimator's blocks
  // (the A or B sample, say) without variance, and OpenTURNS refuses ("Null output sample
  // variance"): its indices stay NaN (`estimable` false), the other outputs are unaffected.
  OT::SobolIndicesAlgorithm algorithm;
  try {
    algorithm = make_algorithm(settings.estimator, x, y, N);
    algorithm.setBootstrapSize(static_cast<OT::UnsignedInteger>(settings.bootstrap));
    algorithm.setConfidenceLevel(settings.confidence_level);
    OT::RandomGenerator::SetSeed(static_cast<OT::UnsignedInteger>(settings.seed));
    const OT::Point first = algorithm.getFirstOrderIndices();
    const OT::Point total = algorithm.getTotalOrderIndices();
    for (std::size_t i = 0; i < D; ++i) {
      out.first[i] = first[i];
      out.total[i] = total[i];
    }
  } catch (const std::exception&) {
    out.estimable = false;
    return out;
  }
  // The intervals smooth the bootstrap indices; when some resamples have no variance (an
  // output that moves at very few points) their indices are NaN and OpenTURNS refuses: the
  // intervals are then left NaN.
  try {
    const OT::Interval first_interval = algorithm.getFirstOrderIndicesInterval();
    OT::RandomGenerator::SetSeed(static_cast<OT::UnsignedInteger>(settings.seed) + 1);
    const OT::Interval total_interval = algorithm.getTotalOrderIndicesInterval();
    for (std::size_t i = 0; i < D; ++i) {
      out.first_low[i] = first_interval.getLowerBound()[i];
      out.first_high[i] = first_interval.getUpperBound()[i];
      out.total_low[i] = total_interval.getLowerBound()[i];
      out.total_high[i] = total_interval.getUpperBound()[i];
    }
  } catch (const std::exception&) {
    for (auto* v : {&out.first_low, &out.first_high, &out.total_low, &out.total_high})
      v->assign(D, kNaN);
  }
  // With very small designs OpenTURNS can also return bounds of +-1e308: an index is a share of
  // variance, so an interval that is reversed or reaches beyond +-1000 is a numerical failure.
  auto sane = [](double& low, double& high) {
    if (!(low <= high && std::abs(low) <= 1e3 && std::abs(high) <= 1e3)) low = high = kNaN;
  };
  for (std::size_t i = 0; i < D; ++i) {
    sane(out.first_low[i], out.first_high[i]);
    sane(out.total_low[i], out.total_high[i]);
  }
  return out;
}

std::vector<double> scaled_design(const std::vector<double>& unit,
                                  const std::vector<scenario::ParameterRange>& ranges) {
  const std::size_t D = ranges.size();
  if (D == 0 || unit.size() % D != 0)
    throw std::invalid_argument("scaled_design: the design does not have one column per range");
  std::vector<double> out(unit.size());
  for (std::size_t k = 0; k < unit.size(); ++k) {
    const auto& r = ranges[k % D];
    const double v = r.low + unit[k] * (r.high - r.low);
    out[k] = r.integer ? std::round(v) : v;
  }
  return out;
}

}  // namespace icsim::experiment
