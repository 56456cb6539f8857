#pragma once
// The model of a projection: everything a replication reads, built once from the scenario and
// shared read-only by the threads (engine/experiment/projection.cpp states the model). Internal
// to engine/experiment.
#include <Eigen/Core>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "icsim/abm/firm_model.hpp"
#include "icsim/io/leontief.hpp"
#include "icsim/scenario/load.hpp"

namespace icsim::experiment::detail {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Project {
  VectorXd mix;  // investing-sector mix (sums to 1)
  double money;  // nominal
};

struct ProgrammeModel {
  const scenario::Programme* spec;
  std::vector<Project> projects;
};

struct ExogenousModel {
  const scenario::ExogenousInvestment* spec;
  VectorXd mix;
};

struct ComponentModel {
  Index column;
  const scenario::Growth* growth;  // nullptr: moved by labour income (Type II closure)
};

struct GroupModel {
  const scenario::Growth* growth;
  VectorXd member;  // 1 for products in the group
};

// Everything a replication reads; built once, shared read-only by the threads.
struct Model {
  const scenario::Scenario& sc;
  const io::IOTable& table;
  const std::vector<io::Concordance>& systems;
  Index n = 0;
  int years = 0;  // including the base year
  VectorXd x0, v, e, m;
  // Satellites per unit of output (0 where the table has none): energy (tce), water (m3) and
  // R&D spending (money), from the rows `energy`, `water`, `rd_expenditure` of satellites.csv.
  VectorXd energy, water, rd;
  // 万元 (CNY 10 thousand) per money unit of the table, for the intensities per 万元 of value
  // added: 1e4 for "CNY 100 million" (亿元), 1 for "CNY 10 thousand", 1e-4 for "CNY"; NaN
  // (intensities NaN, with a note) for any other unit.
  double wan_per_money_unit = kNaN;
  MatrixXd A, C;
  io::LeontiefSystem leontief;
  std::vector<ComponentModel> components;
  MatrixXd f_listed;  // n x components
  VectorXd f_fixed;   // unlisted non-GFCF columns
  VectorXd g_other0;
  VectorXd share;       // s
  VectorXd industrial;  // 1 on I
  std::vector<GroupModel> groups;
  bool capacity = false;
  VectorXd constrained;  // 1 on S
  VectorXd K0;
  std::vector<ProgrammeModel> programmes;
  std::vector<ExogenousModel> exogenous;
  MatrixXd W;            // clusters x n, every system stacked
  VectorXd above_scale;  // above-scale output share per sector
  // Households (Type II closure): the component of household consumption (-1 if exogenous),
  // labour income per unit of output and its base-year total.
  int household_component = -1;
  VectorXd labour;
  double labour0 = 0;
  // The firm model: its shared base (null when off) and the sectors it constrains.
  std::shared_ptr<const abm::FirmModelBase> firm_base;
  VectorXd firm_sectors;
  std::vector<std::string> notes;

  explicit Model(const scenario::LoadedScenario& loaded);
  Index sector(const std::string& code, const std::string& where) const;
  VectorXd target_mix(const std::string& target, const std::string& where) const;
  VectorXd target_members(const std::string& target, const std::string& where) const;
  std::pair<std::size_t, Index> cluster(const std::string& ref, const std::string& where) const;

 private:
  void set_up_final_demand();
  void set_up_clusters();
  void set_up_sector_groups();
  void set_up_capacity();
  void set_up_firm_model(const scenario::LoadedScenario& loaded);
};

}  // namespace icsim::experiment::detail
