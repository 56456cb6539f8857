#pragma once
// Small tables built in code for tests: textbook examples whose answers are worked out by hand.
#include "icsim/io/table.hpp"

namespace icsim::test {

// Miller & Blair (2009), "Input-Output Analysis", 2nd ed., §2.3: two sectors,
// Z = [[150, 500], [200, 100]], f = [350, 1700], x = [1000, 2000], value added [650, 1400].
inline io::IOTable miller_blair_2x2() {
  io::IOTable t;
  t.meta.name = "Miller-Blair 2.3";
  t.meta.region = "textbook";
  t.meta.year = 2009;
  t.meta.money_unit = "$";
  t.codes = {"1", "2"};
  t.names = {"agriculture", "manufacturing"};
  t.names_zh = {"", ""};
  t.sector_region = {"", ""};
  t.Z.resize(2, 2);
  t.Z << 150, 500, 200, 100;
  t.final_demand.labels = {"household"};
  t.final_demand.values.resize(2, 1);
  t.final_demand.values << 350, 1700;
  t.value_added.labels = {"compensation"};
  t.value_added.values.resize(1, 2);
  t.value_added.values << 650, 1400;
  t.imports.values.resize(0, 2);
  t.satellites.values.resize(0, 2);
  return t;
}

// A three-sector table with imports, two value-added rows, an employment satellite and two
// final-demand columns; balanced by construction (value added = output - Z - imports).
inline io::IOTable three_sector() {
  io::IOTable t;
  t.meta.name = "three";
  t.meta.region = "test";
  t.meta.year = 2020;
  t.meta.money_unit = "CNY 100 million";
  t.codes = {"A", "M", "S"};
  t.names = {"agriculture", "manufacturing", "services"};
  t.names_zh = {"农业", "制造业", "服务业"};
  t.sector_region = {"", "", ""};
  t.Z.resize(3, 3);
  t.Z << 10, 40, 5,  //
      20, 120, 30,   //
      5, 60, 40;
  t.final_demand.labels = {"household", "gfcf"};
  t.final_demand.values.resize(3, 2);
  t.final_demand.values << 35, 10,  //
      80, 150,                      //
      170, 25;
  const Eigen::Vector3d x = t.Z.rowwise().sum() + t.final_demand.values.rowwise().sum();
  t.imports.labels = {"imports"};
  t.imports.values.resize(1, 3);
  t.imports.values << 5, 80, 20;
  t.value_added.labels = {"compensation", "net_production_taxes"};
  Eigen::RowVector3d va = x.transpose() - t.Z.colwise().sum() - t.imports.values;
  t.value_added.values.resize(2, 3);
  t.value_added.values.row(0) = 0.7 * va;
  t.value_added.values.row(1) = 0.3 * va;
  t.satellites.labels = {"employment"};
  t.satellites.units = {"persons"};
  t.satellites.values.resize(1, 3);
  t.satellites.values << 5000, 3000, 8000;
  return t;
}

}  // namespace icsim::test
