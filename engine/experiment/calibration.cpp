// Calibration by the method of simulated moments (include/icsim/experiment/calibration.hpp).
#include "icsim/experiment/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <map>
#include <nlopt.hpp>
#include <stdexcept>

#include "icsim/common/error.hpp"
#include "icsim/scenario/sweep.hpp"

namespace icsim::experiment {
namespace {

std::string moment_name(const MomentSpec& m) {
  return "moment '" + m.figure.id + "' (" + m.figure.metric + ", " + std::to_string(m.figure.year) +
         ")";
}

void throw_if_any(const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  std::string message = problems.front();
  for (std::size_t i = 1; i < problems.size(); ++i) message += "\n" + problems[i];
  throw InputError(message);
}

// An NLopt run whose objective may throw: the exception is kept, the run stopped, and the
// exception rethrown after optimize() returns.
struct Objective {
  std::function<double(const std::vector<double>&)> f;
  nlopt::opt* opt = nullptr;
  std::exception_ptr error;
  static double call(const std::vector<double>& x, std::vector<double>& /*gradient*/, void* data) {
    auto* self = static_cast<Objective*>(data);
    try {
      return self->f(x);
    } catch (...) {
      self->error = std::current_exception();
      self->opt->force_stop();
      return HUGE_VAL;
    }
  }
};

void run_nlopt(nlopt::opt& opt, int evaluations, std::vector<double> x,
               const std::function<double(const std::vector<double>&)>& f) {
  const auto d = static_cast<unsigned>(x.size());
  opt.set_lower_bounds(std::vector<double>(d, 0.0));
  opt.set_upper_bounds(std::vector<double>(d, 1.0));
  opt.set_maxeval(evaluations);
  Objective objective{f, &opt, nullptr};
  opt.set_min_objective(&Objective::call, &objective);
  double value = 0;
  try {
    opt.optimize(x, value);
  } catch (const nlopt::forced_stop&) {
  } catch (const nlopt::roundoff_limited&) {
    // the stage stops where rounding makes progress impossible: its best point stands
  }
  if (objective.error) std::rethrow_exception(objective.error);
}

}  // namespace

std::vector<MomentSpec> resolve_moments(const scenario::CalibrationPlan& plan,
                                        const DateRule& rule) {
  std::vector<ObservedFigure> observed;
  if (!plan.observed_file.empty()) observed = read_observed(plan.observed_file);
  std::vector<MomentSpec> out;
  std::vector<std::string> problems;
  for (std::size_t k = 0; k < plan.moments.size(); ++k) {
    const scenario::CalibrationMoment& m = plan.moments[k];
    MomentSpec s;
    s.weight = m.weight;
    s.tolerance = m.tolerance;
    s.where = m.where;
    if (!m.observed_id.empty()) {
      const auto row = std::find_if(observed.begin(), observed.end(),
                                    [&](const ObservedFigure& f) { return f.id == m.observed_id; });
      if (plan.observed_file.empty()) {
        problems.push_back(m.where + ": observed = \"" + m.observed_id +
                           "\": expected an observed file in [calibration] (observed = "
                           "\"PATH.csv\") whose rows the moments name");
        continue;
      }
      if (row == observed.end()) {
        problems.push_back(m.where + ": observed = \"" + m.observed_id +
                           "\": expected the id of a row of " + plan.observed_file +
                           " (no row has it)");
        continue;
      }
      s.figure = *row;
      s.source = row->where;
    } else {
      s.figure.id = "moment_" + std::to_string(k + 1);
      s.figure.metric = m.metric;
      s.figure.scope = m.scope;
      s.figure.unit = m.unit;
      s.figure.year = m.year;
      s.figure.value = m.value;
      s.figure.where = m.where;
      s.source = m.source.empty() ? m.where : m.source;
    }
    if (s.figure.year > rule.last_year)
      problems.push_back(m.where + ": " + moment_name(s) + " is dated " +
                         std::to_string(s.figure.year) + ", after " +
                         std::to_string(rule.last_year) + ", the base year of " + rule.scenario +
                         ": expected a figure dated " + std::to_string(rule.last_year) +
                         " or earlier (later figures are for scoring, never for calibration; "
                         "docs/calibrate.md)");
    if (s.figure.value == 0 || !std::isfinite(s.figure.value))
      problems.push_back(m.where + ": " + moment_name(s) +
                         ": expected a non-zero observed value (deviations are relative to it)");
    out.push_back(std::move(s));
  }
  throw_if_any(problems);
  return out;
}

std::vector<MomentFit> fit_moments(const results::Projection& p, const std::string& money_unit,
                                   const std::string& region, int base_year,
                                   const std::vector<MomentSpec>& moments) {
  std::vector<ObservedFigure> figures;
  for (const auto& m : moments) figures.push_back(m.figure);
  const std::vector<FigureScore> scores = score_figures(p, money_unit, region, base_year, figures);
  std::vector<MomentFit> out;
  std::vector<std::string> problems;
  for (std::size_t k = 0; k < moments.size(); ++k) {
    const FigureScore& s = scores[k];
    const MomentSpec& m = moments[k];
    if (!s.comparable) {
      problems.push_back(m.where + ": " + moment_name(m) + " in '" + m.figure.unit +
                         "': the run cannot produce it: " + s.reason +
                         " (expected a series of the run as docs/score.md names them, in its "
                         "unit, in a year the run projects)");
      continue;
    }
    MomentFit f;
    f.median = s.median;
    f.p05 = s.p05;
    f.p95 = s.p95;
    f.deviation = (s.median - m.figure.value) / m.figure.value;
    f.within = m.tolerance > 0 && std::abs(f.deviation) <= m.tolerance;
    out.push_back(f);
  }
  throw_if_any(problems);
  return out;
}

double moment_loss(const std::vector<MomentSpec>& moments, const std::vector<MomentFit>& fits) {
  if (moments.size() != fits.size())
    throw std::invalid_argument("moment_loss: one fit per moment expected");
  double loss = 0;
  for (std::size_t k = 0; k < moments.size(); ++k)
    loss += moments[k].weight * fits[k].deviation * fits[k].deviation;
  return loss;
}

OptimiserResult minimise(int dimensions, const OptimiserSettings& settings, const BatchLoss& loss) {
  if (dimensions < 1) throw std::invalid_argument("minimise: at least one dimension expected");
  if (settings.global_evaluations < 1 || settings.local_evaluations < 0)
    throw std::invalid_argument("minimise: a global budget >= 1 and a local budget >= 0 expected");
  const auto d = static_cast<std::size_t>(dimensions);
  OptimiserResult out;
  auto evaluate = [&](const std::vector<std::vector<double>>& xs, int stage) {
    const std::vector<double> losses = loss(xs, stage);
    if (losses.size() != xs.size())
      throw std::logic_error("minimise: the loss gave " + std::to_string(losses.size()) +
                             " values for " + std::to_string(xs.size()) + " points");
    for (std::size_t i = 0; i < xs.size(); ++i) {
      out.points.push_back({xs[i], losses[i], stage});
      const double best = out.points[out.best].loss;
      if (out.points.size() == 1 || losses[i] < best ||
          (std::isnan(best) && !std::isnan(losses[i])))
        out.best = out.points.size() - 1;
    }
    return losses;
  };
  auto one = [&](int stage) {
    return [&evaluate, stage](const std::vector<double>& x) { return evaluate({x}, stage)[0]; };
  };

  const int n = settings.global_evaluations;
  if (settings.global_method == "latin_hypercube") {
    const std::vector<double> u = scenario::latin_hypercube(n, dimensions, settings.seed);
    std::vector<std::vector<double>> batch;
    for (int i = 0; i < n; ++i)
      batch.emplace_back(u.begin() + static_cast<std::ptrdiff_t>(i * d),
                         u.begin() + static_cast<std::ptrdiff_t>((i + 1) * d));
    evaluate(batch, 0);
  } else if (settings.global_method == "crs2" || settings.global_method == "isres") {
    nlopt::srand(settings.seed);
    nlopt::opt opt(settings.global_method == "crs2" ? nlopt::GN_CRS2_LM : nlopt::GN_ISRES,
                   static_cast<unsigned>(d));
    run_nlopt(opt, n, std::vector<double>(d, 0.5), one(0));
  } else {
    throw std::invalid_argument("minimise: unknown global method '" + settings.global_method + "'");
  }

  if (settings.local_evaluations > 0) {
    nlopt::algorithm algorithm;
    if (settings.local_method == "bobyqa")
      algorithm = d >= 2 ? nlopt::LN_BOBYQA : nlopt::LN_NELDERMEAD;  // BOBYQA needs 2+ dimensions
    else if (settings.local_method == "neldermead")
      algorithm = nlopt::LN_NELDERMEAD;
    else
      throw std::invalid_argument("minimise: unknown local method '" + settings.local_method + "'");
    nlopt::srand(settings.seed);
    nlopt::opt opt(algorithm, static_cast<unsigned>(d));
    opt.set_xtol_abs(1e-6);
    // Steps of a tenth of each range at first, kept inside the cube around the start.
    const std::vector<double> start = out.points[out.best].unit;
    std::vector<double> step(d);
    for (std::size_t j = 0; j < d; ++j)
      step[j] = std::max(1e-3, std::min(0.1, std::max(start[j], 1 - start[j]) / 2));
    opt.set_initial_step(step);
    run_nlopt(opt, settings.local_evaluations, start, one(1));
  }
  return out;
}

std::vector<double> parameter_values(const std::vector<scenario::ParameterRange>& ranges,
                                     const std::vector<double>& unit) {
  std::vector<double> values;
  for (std::size_t j = 0; j < ranges.size(); ++j) {
    const auto& r = ranges[j];
    const double u = std::clamp(j < unit.size() ? unit[j] : 0.5, 0.0, 1.0);
    const double v = std::clamp(r.low + u * (r.high - r.low), r.low, r.high);
    const std::string text = scenario::parameter_value_text(r, v);
    values.push_back(std::strtod(text.c_str(), nullptr));
  }
  return values;
}

CalibrationResult calibrate(const std::vector<scenario::ParameterRange>& ranges,
                            const std::vector<MomentSpec>& moments,
                            const OptimiserSettings& settings, const MomentEvaluator& evaluate,
                            const CalibrationObserver& observer) {
  CalibrationResult out;
  std::map<std::vector<double>, std::size_t> seen;
  const BatchLoss loss = [&](const std::vector<std::vector<double>>& xs, int stage) {
    std::vector<double> losses;
    for (const auto& u : xs) {
      std::vector<double> values = parameter_values(ranges, u);
      if (const auto it = seen.find(values); it != seen.end()) {
        losses.push_back(out.points[it->second].loss);
        continue;
      }
      const std::vector<MomentFit> fits = evaluate(values);
      const double l = moment_loss(moments, fits);
      const std::size_t index = out.points.size();
      seen.emplace(values, index);
      out.points.push_back({std::move(values), l, stage});
      if (index == 0 || l < out.points[out.best].loss) {
        out.best = index;
        out.fits = fits;
      }
      if (observer) observer(out.points.back(), index);
      losses.push_back(l);
    }
    return losses;
  };
  minimise(static_cast<int>(ranges.size()), settings, loss);
  return out;
}

}  // namespace icsim::experiment
