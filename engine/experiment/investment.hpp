#pragma once
// Investment projects (docs/model.md §3 step 2): programme projects dealt to their split entries,
// exogenous investments, and per replication their outlays, completed capacity and sales outside
// the region; with the firm model, the industrial part of a project that adds capacity goes to the
// firms instead (one helper, place_project, for programmes and exogenous investments alike).
// Internal to engine/experiment.
#include <cstdint>
#include <vector>

#include "icsim/abm/firm_model.hpp"
#include "model.hpp"

namespace icsim::experiment::detail {

// Each programme's projects: `projects` dealt to its split entries by largest remainder on
// projects * share, an entry's money divided equally among its projects (an entry that rounds to
// 0 projects gets one). InputError for a programme without projects or construction years.
std::vector<ProgrammeModel> build_programmes(const Model& M);
std::vector<ExogenousModel> build_exogenous(const Model& M);

// The input-output core's project pipeline of one replication, by year (n x years): real
// outlays, capacity completed and sales outside the region.
class ProjectPipeline {
 public:
  // `price`: the replication's price index by year (outlays are deflated by their year's).
  ProjectPipeline(const Model& M, const std::vector<double>& price);
  // Outlays of `money` (nominal) spread evenly over `construction` years from `start`; a project
  // that adds capacity adds real outlays * output_per_investment by `mix` in its completion year,
  // sold outside the region at min(1, k / ramp) in its k-th year (1 when ramp = 0).
  void schedule(const VectorXd& mix, double money, int start, int construction, int ramp,
                bool adds_capacity);

  MatrixXd outlays, added, sales;

 private:
  const Model* M_;
  const std::vector<double>* price_;
};

// One project to place: its nominal money, investing-sector mix and timing.
struct Placement {
  const VectorXd* mix = nullptr;
  double money = 0;
  int start = 0, construction_years = 1, ramp_up_years = 0;
  bool adds_capacity = true;
  bool creates_firm = true;  // with the firm model: a new firm, else an expansion
};

// Places a project: with the firm model (`firm_projects` non-null) the industrial part of a
// project that adds capacity becomes a firm project with id `id` (real money at the price of its
// start year), and the rest (e.g. software services in a digital-industry cluster) stays an
// input-output project; otherwise all of it goes to the pipeline. Returns whether the firms got
// a part.
bool place_project(const Model& M, const std::vector<double>& price, const Placement& project,
                   std::uint32_t id, ProjectPipeline& pipeline,
                   std::vector<abm::ProjectSpec>* firm_projects);

// What each programme's projects do by year as scheduled (programmes x years; the base year 0):
// nominal outlays (money / construction_years a year from its start), projects starting
// construction and projects whose construction ends (the year capacity is added). Failed
// projects count nowhere; the start is after the drawn delay. With the firm model a project that
// waits for land starts later in the firm model than scheduled here.
struct ProgrammeFlows {
  MatrixXd outlays, started, completed;
};

// Every programme project (its failure and delay drawn from stream programme/p: three uniforms
// per project, always) and every exogenous investment of replication `replication`, placed. With
// the firm model (`with_firms`) returns the firms' projects. `flows` (optional) receives the
// programmes' scheduled flows.
std::vector<abm::ProjectSpec> place_projects(const Model& M, std::uint64_t replication,
                                             const std::vector<double>& price, bool with_firms,
                                             ProjectPipeline& pipeline,
                                             ProgrammeFlows* flows = nullptr);

}  // namespace icsim::experiment::detail
