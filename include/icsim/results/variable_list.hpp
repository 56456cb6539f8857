#pragma once
// THE list of the projection's result variables over sectors, clusters and the region: one line
// each. A line declares the Projection member that holds the variable (results/projection.hpp)
// and its entry in the catalogue (results/variables.hpp), from which allocation, the metric
// lookup and its errors, the scenario's metric check, the result file (writing and reading back),
// shard merging and the docs test (docs/results.md lists every variable) all work. The firm
// model's statistics per district and for the region come from abm/statistics.hpp's list.
//
// Adding a variable: one line here, plus the line in engine/experiment/recording.cpp that
// computes it for a year.
//
// X(group, name, member, units, firm_model, long_name)
//   group       sectors (replication, year, sector), clusters (replication, year, cluster),
//               district_clusters (replication, year, district, cluster), programmes
//               (replication, year, programme) or region (replication, year); arrays are
//               row-major, replication slowest
//   name        variable name in the result file and in metrics "group/name"
//   member      the Projection member holding it
//   units       `units` attribute; ICSIM_MONEY = the table's money unit (current prices)
//   firm_model  firm: filled only with the firm model (empty without it); io: always
//   long_name   `long_name` attribute
// clang-format off
#define ICSIM_RESULT_VARIABLES(X) \
  X(sectors, output, sector_output, ICSIM_MONEY, io, "gross output") \
  X(sectors, value_added, sector_value_added, ICSIM_MONEY, io, "value added") \
  X(sectors, employment, sector_employment, "persons", io, "employment") \
  X(sectors, investment, sector_investment, ICSIM_MONEY, io, \
    "fixed-asset investment by investing sector (industrial trend + programmes)") \
  X(sectors, capacity, sector_capacity, ICSIM_MONEY, io, \
    "output capacity (NaN where the sector is not capacity-constrained)") \
  X(sectors, imports, sector_imports, ICSIM_MONEY, io, \
    "imports and inflows: intermediate imports of the sector plus demand for its product above " \
    "its capacity") \
  X(sectors, energy_use, sector_energy_use, "tce", io, \
    "energy use, tonnes of standard coal equivalent (satellite energy x trend x output)") \
  X(sectors, water_use, sector_water_use, "m3", io, \
    "water use, cubic metres (satellite water x trend x output)") \
  X(sectors, rd_expenditure, sector_rd_expenditure, ICSIM_MONEY, io, \
    "R&D spending (satellite rd_expenditure x trend x output)") \
  X(sectors, land_in_use, sector_land_in_use, "mu", firm, \
    "industrial land in use by the sector's active firms") \
  X(sectors, firms, sector_firms, "firms", firm, "active firms of the sector") \
  X(clusters, output, cluster_output, ICSIM_MONEY, io, "gross output (concordance-weighted)") \
  X(clusters, value_added, cluster_value_added, ICSIM_MONEY, io, "value added") \
  X(clusters, investment, cluster_investment, ICSIM_MONEY, io, "fixed-asset investment") \
  X(clusters, output_above_scale, cluster_output_above_scale, ICSIM_MONEY, io, \
    "gross output of above-scale (规上) firms") \
  X(clusters, land_in_use, cluster_land_in_use, "mu", firm, \
    "industrial land in use by the cluster's firms (firms carry their cluster memberships)") \
  X(clusters, firms, cluster_firms, "firms", firm, \
    "active firms of the cluster (firms carry their cluster memberships)") \
  X(district_clusters, output, district_cluster_output, ICSIM_MONEY, firm, \
    "gross output of the cluster's firms in the district") \
  X(district_clusters, value_added, district_cluster_value_added, ICSIM_MONEY, firm, \
    "value added of the cluster's firms in the district") \
  X(district_clusters, output_above_scale, district_cluster_output_above_scale, ICSIM_MONEY, \
    firm, "gross output of the cluster's above-scale (规上) firms in the district") \
  X(district_clusters, firms, district_cluster_firms, "firms", firm, \
    "active firms of the cluster in the district") \
  X(district_clusters, land_in_use, district_cluster_land_in_use, "mu", firm, \
    "industrial land in use by the cluster's firms in the district") \
  X(programmes, investment, programme_investment, ICSIM_MONEY, io, \
    "outlays of the programme's projects in the year (current prices), as scheduled: " \
    "investment / construction_years a year from each project's start, failed projects none") \
  X(programmes, projects_started, programme_projects_started, "projects", io, \
    "projects of the programme that start construction in the year (after their drawn delay)") \
  X(programmes, projects_completed, programme_projects_completed, "projects", io, \
    "projects of the programme whose construction ends in the year (start + construction_years)") \
  X(region, gdp, gdp, ICSIM_MONEY, io, "gross domestic product (sum of value added)") \
  X(region, industrial_output, industrial_output, ICSIM_MONEY, io, \
    "gross output of industry (all firms)") \
  X(region, industrial_value_added, industrial_value_added, ICSIM_MONEY, io, \
    "value added of industry (all firms, 全部工业增加值)") \
  X(region, industrial_output_above_scale, industrial_output_above_scale, ICSIM_MONEY, io, \
    "gross output of above-scale industry (规上工业总产值)") \
  X(region, industrial_value_added_above_scale, industrial_value_added_above_scale, ICSIM_MONEY, \
    io, "value added of above-scale industry (规上工业增加值)") \
  X(region, industrial_investment, industrial_investment, ICSIM_MONEY, io, \
    "industrial fixed-asset investment (工业投资)") \
  X(region, price_index, price_index, "1", io, "price index (base year = 1)") \
  X(region, energy_use, energy_use, "tce", io, \
    "energy use of all sectors (tonnes of standard coal)") \
  X(region, industrial_energy_use, industrial_energy_use, "tce", io, \
    "energy use of industry (综合能源消费量 of the industrial sectors)") \
  X(region, industrial_energy_intensity, industrial_energy_intensity, \
    "tce per 10 thousand CNY (base-year prices)", io, \
    "industrial energy use per 万元 of industrial value added at base-year prices " \
    "(单位工业增加值能耗)") \
  X(region, industrial_water_use, industrial_water_use, "m3", io, \
    "water use of industry (工业用水量)") \
  X(region, industrial_water_intensity, industrial_water_intensity, \
    "m3 per 10 thousand CNY (base-year prices)", io, \
    "industrial water use per 万元 of industrial value added at base-year prices " \
    "(万元工业增加值用水量)") \
  X(region, rd_expenditure, rd_expenditure, ICSIM_MONEY, io, "R&D spending of all sectors") \
  X(region, industrial_rd_expenditure, industrial_rd_expenditure, ICSIM_MONEY, io, \
    "R&D spending of industry") \
  X(region, output_top_firms, output_top_firms, ICSIM_MONEY, firm, \
    "output of the firms.top_firms largest active firms by output (大优强)")
// clang-format on
