// Investment projects (engine/experiment/investment.hpp).
#include "investment.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "icsim/common/error.hpp"
#include "icsim/common/random.hpp"

namespace icsim::experiment::detail {

std::vector<ProgrammeModel> build_programmes(const Model& M) {
  std::vector<ProgrammeModel> out;
  for (std::size_t p = 0; p < M.sc.programmes.size(); ++p) {
    const auto& spec = M.sc.programmes[p];
    const std::string where = "programme[" + std::to_string(p) + "] (" + spec.name + ")";
    if (spec.projects < 1) throw InputError(where + ": projects must be at least 1");
    if (spec.construction_years < 1)
      throw InputError(where + ": construction_years must be at least 1");
    ProgrammeModel prog{&spec, {}};
    // Largest remainder: floor(projects * share), then one more to the largest remainders.
    const std::size_t entries = spec.split.size();
    std::vector<int> count(entries);
    std::vector<std::pair<double, std::size_t>> remainder;
    int dealt = 0;
    for (std::size_t k = 0; k < entries; ++k) {
      const double quota = spec.projects * spec.split[k].second;
      count[k] = static_cast<int>(std::floor(quota));
      dealt += count[k];
      remainder.push_back({quota - count[k], k});
    }
    std::stable_sort(remainder.begin(), remainder.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; k < remainder.size() && dealt < spec.projects; ++k, ++dealt)
      ++count[remainder[k].second];
    for (std::size_t k = 0; k < entries; ++k) {
      const VectorXd mix = M.target_mix(spec.split[k].first, where);
      const int projects = std::max(count[k], 1);
      const double money = spec.investment * spec.split[k].second / projects;
      for (int j = 0; j < projects; ++j) prog.projects.push_back({mix, money});
    }
    out.push_back(std::move(prog));
  }
  return out;
}

std::vector<ExogenousModel> build_exogenous(const Model& M) {
  std::vector<ExogenousModel> out;
  for (std::size_t k = 0; k < M.sc.exogenous_investment.size(); ++k) {
    const auto& spec = M.sc.exogenous_investment[k];
    const std::string where = "exogenous_investment[" + std::to_string(k) + "] (" + spec.name + ")";
    if (spec.construction_years < 1)
      throw InputError(where + ": construction_years must be at least 1");
    out.push_back({&spec, M.target_mix(spec.target, where)});
  }
  return out;
}

ProjectPipeline::ProjectPipeline(const Model& M, const std::vector<double>& price)
    : outlays(MatrixXd::Zero(M.n, M.years)),
      added(MatrixXd::Zero(M.n, M.years)),
      sales(MatrixXd::Zero(M.n, M.years)),
      M_(&M),
      price_(&price) {}

void ProjectPipeline::schedule(const VectorXd& mix, double money, int start, int construction,
                               int ramp, bool adds_capacity) {
  const auto& sc = M_->sc;
  const int Y = M_->years;
  const std::vector<double>& price = *price_;
  double real = 0;
  for (int y = start; y < start + construction; ++y) {
    const int t = y - sc.base_year;
    if (t >= Y) break;
    const double outlay = money / construction / (t >= 1 ? price[t] : 1.0);
    real += outlay;
    if (t >= 1) outlays.col(t) += outlay * mix;
  }
  const int done = start + construction - sc.base_year;
  if (!adds_capacity || done < 1 || done >= Y) return;
  const VectorXd capacity = real * sc.investment.output_per_investment * mix;
  added.col(done) += capacity;
  for (int t = done; t < Y; ++t) {
    const double fraction = ramp <= 0 ? 1.0 : std::min(1.0, double(t - done + 1) / ramp);
    sales.col(t) += fraction * capacity;
  }
}

bool place_project(const Model& M, const std::vector<double>& price, const Placement& project,
                   std::uint32_t id, ProjectPipeline& pipeline,
                   std::vector<abm::ProjectSpec>* firm_projects) {
  const VectorXd& mix = *project.mix;
  const double industrial_part = firm_projects ? M.firm_sectors.dot(mix) : 0.0;
  if (!firm_projects || !project.adds_capacity || !(industrial_part > 0)) {
    pipeline.schedule(mix, project.money, project.start, project.construction_years,
                      project.ramp_up_years, project.adds_capacity);
    return false;
  }
  const Index n = M.n;
  abm::ProjectSpec fp;
  fp.id = id;
  const VectorXd firm_mix = mix.cwiseProduct(M.firm_sectors) / industrial_part;
  fp.sector_mix.assign(firm_mix.data(), firm_mix.data() + n);
  const int ts = std::clamp(project.start - M.sc.base_year, 0, M.years - 1);
  fp.investment = industrial_part * project.money / price[static_cast<std::size_t>(ts)];
  fp.start_year = project.start;
  fp.construction_years = project.construction_years;
  fp.ramp_up_years = project.ramp_up_years;
  fp.creates_firm = project.creates_firm;
  firm_projects->push_back(std::move(fp));
  if (industrial_part < 1 - 1e-12) {
    const VectorXd rest = mix.cwiseProduct(VectorXd::Ones(n) - M.firm_sectors);
    pipeline.schedule(rest / (1 - industrial_part), (1 - industrial_part) * project.money,
                      project.start, project.construction_years, project.ramp_up_years,
                      project.adds_capacity);
  }
  return true;
}

std::vector<abm::ProjectSpec> place_projects(const Model& M, std::uint64_t replication,
                                             const std::vector<double>& price, bool with_firms,
                                             ProjectPipeline& pipeline, ProgrammeFlows* flows) {
  const auto P = static_cast<Index>(M.programmes.size());
  if (flows) flows->outlays = flows->started = flows->completed = MatrixXd::Zero(P, M.years);
  // Adds v to row p of m at year y when y is a projected year after the base year.
  auto add = [&](MatrixXd& m, std::size_t p, int y, double v) {
    const int t = y - M.sc.base_year;
    if (t >= 1 && t < M.years) m(static_cast<Index>(p), t) += v;
  };
  std::vector<abm::ProjectSpec> firm_projects;
  std::vector<abm::ProjectSpec>* to_firms = with_firms ? &firm_projects : nullptr;
  std::uint32_t project_id = 0;
  for (std::size_t p = 0; p < M.programmes.size(); ++p) {
    const auto& prog = M.programmes[p];
    const auto& spec = *prog.spec;
    RandomStream draws(M.sc.seed, replication, Purpose::programme, static_cast<std::uint32_t>(p));
    const int max_delay = std::max(1, spec.max_delay_years);
    for (const auto& project : prog.projects) {
      const std::uint32_t id = project_id++;
      const double u_fail = draws.uniform(), u_delay = draws.uniform(), u_length = draws.uniform();
      if (u_fail < spec.failure_probability) continue;
      const int delay = u_delay < spec.delay_probability
                            ? 1 + std::min(max_delay - 1, static_cast<int>(u_length * max_delay))
                            : 0;
      if (flows) {
        const int start = spec.start_year + delay, years = spec.construction_years;
        for (int y = start; y < start + years; ++y)
          add(flows->outlays, p, y, project.money / years);
        add(flows->started, p, start, 1);
        add(flows->completed, p, start + years, 1);
      }
      place_project(M, price,
                    {&project.mix, project.money, spec.start_year + delay, spec.construction_years,
                     spec.ramp_up_years, spec.adds_capacity, spec.creates_firms},
                    id, pipeline, to_firms);
    }
  }
  // Exogenous investments: one project each, without delay or failure (ids only for those that
  // reach the firms).
  for (const auto& ex : M.exogenous) {
    const auto& spec = *ex.spec;
    if (place_project(
            M, price,
            {&ex.mix, spec.amount, spec.year, spec.construction_years, 0, spec.adds_capacity, true},
            project_id, pipeline, to_firms))
      ++project_id;
  }
  return firm_projects;
}

}  // namespace icsim::experiment::detail
