// Test-only program: writes a sample result file through icsim::output so that the Python tests
// (tests/python/test_result_file.py) can check it with xarray + h5netcdf, h5py and h5dump.
//
//   icsim_write_sample_result PATH [sample|edge|run|run-without-firms]
//
// "sample" (default) follows the layout of docs/results.md with values given by simple formulas
// that the Python side recomputes; "edge" writes the corner cases (an empty dimension, a scalar
// variable, a group with attributes only); "run" writes the result file of a run with the firm
// model through output::write_run, from the Projection made up in tests/support/firm_run.hpp
// (two districts, years 2024-2025, two replications), and "run-without-firms" the same run
// without the firm model (tests/python/test_results_module.py). Exit status 0 on success, 2 with
// a message otherwise.
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "icsim/output/result_file.hpp"
#include "icsim/output/run_result.hpp"
#include "support/firm_run.hpp"

namespace {

using icsim::output::Group;
using icsim::output::ResultFile;

constexpr int kPoints = 2;
constexpr int kReplications = 100;
constexpr int kFirstYear = 2025;
constexpr int kYears = 26;  // 2025..2050
constexpr int kSectors = 30;
constexpr int kTargets = 3;

// 2 * 100 * 26 * 30 = 156,000 elements: above the 64 Ki threshold, so chunked and compressed.
double output_value(int p, int r, int y, int s) { return p * 1e6 + r * 1e3 + y * 10.0 + s * 0.25; }

std::vector<std::int64_t> range(std::int64_t first, int n) {
  std::vector<std::int64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(first + i);
  return out;
}

void write_sample(ResultFile& file) {
  file.set_attribute("icsim_version", std::string("0.1.0"));
  file.set_attribute("git_commit", std::string("0123456789ab"));
  file.set_attribute("scenario_name", std::string("宁波石化基地 2030 基准"));
  file.set_attribute("created_utc", std::string("2024-06-01T08:00:00Z"));
  file.set_attribute("seed", std::int64_t{20240601});
  file.set_attribute("replications", std::int64_t{kReplications});
  file.set_attribute("threads", std::int64_t{2});
  file.set_attribute("processes", std::int64_t{1});
  file.set_attribute("units_money", std::string("CNY 100 million"));
  file.set_attribute("units_land", std::string("mu"));
  file.write_text("scenario",
                  "name = \"宁波石化基地 2030 基准\"\n[run]\nreplications = 100\nseed = 20240601\n",
                  "Resolved scenario (TOML)");

  std::vector<std::string> sector_codes;
  std::vector<std::string> sector_names = {"煤炭开采和洗选业", "石油和天然气开采业",
                                           "石油、煤炭及其他燃料加工业", "化学原料和化学制品制造业",
                                           "电力、热力生产和供应业"};
  for (int s = 0; s < kSectors; ++s) {
    sector_codes.push_back("S" + std::string(s < 10 ? "0" : "") + std::to_string(s));
    if (s >= static_cast<int>(sector_names.size())) {
      sector_names.push_back("第" + std::to_string(s) + "部门");
    }
  }

  // /io: per-sector multipliers.
  Group io = file.group("io");
  io.add_dimension("sector", sector_codes, "Sector code");
  io.write_strings("sector_name", "sector", sector_names, {"", "Sector name", {}});
  std::vector<double> multiplier(kSectors);
  std::vector<double> linkage(kSectors);
  for (int s = 0; s < kSectors; ++s) {
    multiplier[static_cast<std::size_t>(s)] = 1.0 + 0.1 * s;
    linkage[static_cast<std::size_t>(s)] = 0.5 + 0.05 * s;
  }
  io.write("output_multiplier", {"sector"}, multiplier,
           {"1", "Output multiplier (Type I)", {{"type", std::string("I")}}});
  io.write("backward_linkage", {"sector"}, linkage, {"1", "Backward linkage (normalised)", {}});

  // /sectors: (point, replication, year, sector).
  Group sectors = file.group("sectors");
  sectors.add_dimension("point", range(0, kPoints), "Sweep point");
  sectors.add_dimension("replication", range(0, kReplications), "Replication");
  sectors.add_dimension("year", range(kFirstYear, kYears), "Year", "year");
  sectors.add_dimension("sector", sector_codes, "Sector code");
  sectors.write_strings("sector_name", "sector", sector_names, {"", "Sector name", {}});
  std::vector<double> output;
  output.reserve(std::size_t{kPoints} * kReplications * kYears * kSectors);
  for (int p = 0; p < kPoints; ++p) {
    for (int r = 0; r < kReplications; ++r) {
      for (int y = 0; y < kYears; ++y) {
        for (int s = 0; s < kSectors; ++s) output.push_back(output_value(p, r, y, s));
      }
    }
  }
  sectors.write("output", {"point", "replication", "year", "sector"}, output,
                {"CNY 100 million", "Gross output", {}});
  std::vector<double> capacity(std::size_t{kYears} * kSectors);
  for (int y = 0; y < kYears; ++y) {
    for (int s = 0; s < kSectors; ++s) {
      capacity[static_cast<std::size_t>(y * kSectors + s)] = 100.0 * (s + 1) + y;
    }
  }
  sectors.write("capacity", {"year", "sector"}, capacity,
                {"CNY 100 million", "Production capacity", {}});

  // /clusters: SYSTEM/CODE coordinates with a `system` variable.
  Group clusters = file.group("clusters");
  clusters.add_dimension(
      "cluster",
      std::vector<std::string>{"361/green_petrochemicals", "361/new_materials", "246/digital"},
      "Cluster (SYSTEM/CODE)");
  clusters.write_strings("system", "cluster", {"361", "361", "246"}, {"", "Cluster system", {}});
  clusters.write_strings("cluster_name", "cluster", {"绿色石化", "新材料", "数字经济"},
                         {"", "Cluster name", {}});
  clusters.write("firms", {"cluster"}, std::vector<double>{120, 45, 300},
                 {"1", "Firms above scale", {}});

  // /targets: reached is int8 0/1 over (point, replication, target).
  Group targets = file.group("targets");
  targets.add_dimension("point", range(0, kPoints), "Sweep point");
  targets.add_dimension("replication", range(0, kReplications), "Replication");
  targets.add_dimension("target", std::vector<std::string>{"T1", "T2", "T3"}, "Target");
  targets.write_strings(
      "target_text", "target",
      {"2030 年石化产业增加值达到 1000 亿元", "亩均税收不低于 30 万元", "规上企业数量超过 500 家"},
      {"", "Target as written in the plan", {}});
  std::vector<std::int8_t> reached;
  std::vector<double> value;
  for (int p = 0; p < kPoints; ++p) {
    for (int r = 0; r < kReplications; ++r) {
      for (int t = 0; t < kTargets; ++t) {
        reached.push_back(static_cast<std::int8_t>((p + r + t) % 2));
        value.push_back(1000.0 * t + r + 0.5 * p);
      }
    }
  }
  targets.write("reached", {"point", "replication", "target"}, reached,
                {"1", "Target reached (0/1)", {}});
  targets.write("value", {"point", "replication", "target"}, value,
                {"CNY 100 million", "Value of the target metric", {}});
  targets.set_attribute("T1_text", std::string("2030 年石化产业增加值达到 1000 亿元"));
  targets.set_attribute("T1_threshold", 1000.0);
  targets.set_attribute("T1_year", std::int64_t{2030});
}

void write_edge(ResultFile& file) {
  file.set_attribute("icsim_version", std::string("0.1.0"));
  Group targets = file.group("targets");
  targets.add_dimension("point", range(0, 1), "Sweep point");
  targets.add_dimension("replication", range(0, 2), "Replication");
  targets.add_dimension("target", std::vector<std::string>{}, "Target");
  targets.write_strings("target_text", "target", {}, {"", "Target text", {}});
  targets.write("reached", {"point", "replication", "target"}, std::vector<std::int8_t>{},
                {"1", "Target reached (0/1)", {}});
  targets.write("probability", {"point", "target"}, std::vector<double>{},
                {"1", "Probability of reaching the target", {}});
  Group region = file.group("region");
  region.write("land_available", {}, std::vector<double>{1234.5}, {"mu", "Land available", {}});
  Group empty = file.group("notes");
  empty.set_attribute("comment", std::string("只有属性的组"));
}

void write_sample_run(ResultFile& file, bool firm_model) {
  const auto run = icsim::test::sample_run(firm_model);
  icsim::output::write_run(file, {&run.loaded, &run.projection, &run.targets, &run.actuals, 1});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: " << argv[0] << " PATH [sample|edge|run|run-without-firms]\n";
    return 2;
  }
  const std::string mode = argc == 3 ? argv[2] : "sample";
  try {
    ResultFile file(argv[1]);
    if (mode == "sample") {
      write_sample(file);
    } else if (mode == "edge") {
      write_edge(file);
    } else if (mode == "run" || mode == "run-without-firms") {
      write_sample_run(file, mode == "run");
    } else {
      std::cerr << "unknown mode " << mode << "\n";
      return 2;
    }
    file.commit();
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  return 0;
}
