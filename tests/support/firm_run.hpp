#pragma once
// A small run made up by hand (no simulation) for the tests of what reads a Projection: result
// files (tests/output/run_result_test.cpp, the sample writer for tests/python) and series
// (tests/experiment/projection_series_test.cpp). Three sectors, two clusters, two districts,
// years 2024 (base) and 2025, two replications; every value is given by a formula below so that
// readers can recompute it. No gtest here: the sample writer includes it too.
#include <cstddef>
#include <string>
#include <vector>

#include "icsim/abm/statistics.hpp"
#include "icsim/experiment/projection.hpp"
#include "icsim/experiment/targets.hpp"
#include "icsim/results/variables.hpp"
#include "icsim/scenario/load.hpp"

namespace icsim::test {

inline const std::vector<std::string> kSampleDistricts = {"haishu", "zhenhai"};
inline const std::vector<std::string> kSampleDistrictNames = {"海曙区", "镇海区"};

// Statistic k (not a ratio) of district d in replication r and year index t. The ratios'
// denominator (land_above_scale) is 0 in the base year for zhenhai, and for both districts in
// replication 1, so that "0 when the denominator is 0" is exercised.
inline double sample_statistic(std::size_t r, std::size_t t, std::size_t d, std::size_t k) {
  if (k == static_cast<std::size_t>(abm::Stat::land_above_scale) && t == 0 && (d == 1 || r == 1))
    return 0.0;
  return 1000.0 * static_cast<double>(r) + 100.0 * static_cast<double>(t) +
         10.0 * static_cast<double>(d) + static_cast<double>(k) + 1.0;
}

inline double sample_ratio(double numerator, double denominator) {
  return denominator > 0 ? numerator / denominator : 0.0;
}

// Statistic k of district d with the ratios worked out (numerator / denominator of the district).
inline double sample_district(std::size_t r, std::size_t t, std::size_t d, std::size_t k) {
  const auto& info = abm::statistics_info()[k];
  if (info.kind != abm::StatInfo::Kind::ratio) return sample_statistic(r, t, d, k);
  return sample_ratio(sample_statistic(r, t, d, static_cast<std::size_t>(info.numerator)),
                      sample_statistic(r, t, d, static_cast<std::size_t>(info.denominator)));
}

// Statistic k of the region: sums over districts, ratios of the sums.
inline double sample_region(std::size_t r, std::size_t t, std::size_t k) {
  const auto& info = abm::statistics_info()[k];
  auto sum = [&](std::size_t stat) {
    double total = 0;
    for (std::size_t d = 0; d < kSampleDistricts.size(); ++d)
      total += sample_statistic(r, t, d, stat);
    return total;
  };
  if (info.kind != abm::StatInfo::Kind::ratio) return sum(k);
  return sample_ratio(sum(static_cast<std::size_t>(info.numerator)),
                      sum(static_cast<std::size_t>(info.denominator)));
}

inline double sample_cluster_land(std::size_t r, std::size_t t, std::size_t c) {
  return 500.0 + 100.0 * static_cast<double>(r) + 10.0 * static_cast<double>(t) +
         static_cast<double>(c);
}
inline double sample_cluster_firms(std::size_t r, std::size_t t, std::size_t c) {
  return 20.0 + static_cast<double>(r) + 2.0 * static_cast<double>(t) +
         4.0 * static_cast<double>(c);
}

// A variable of the catalogue (results/variables.hpp) that sample_run does not set by name gets
// value i = 1 + i, so that a new variable is written and read like the others without an edit
// here.
inline void sample_fill_the_rest(results::Projection& p) {
  const std::size_t RY = static_cast<std::size_t>(p.replications) * p.years.size();
  for (const auto& v : results::variables()) {
    auto& data = p.*v.member;
    if (v.statistic >= 0 || (v.firm_model && !p.firm_model) || !data.empty()) continue;
    data.resize(RY * results::dimension_size(p, v));
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = 1.0 + static_cast<double>(i);
  }
}

struct SampleRun {
  scenario::LoadedScenario loaded;
  experiment::Projection projection;
  experiment::TargetReport targets;  // none evaluated
  std::vector<experiment::ActualComparison> actuals;
};

// With firm_model false the firm model's fields stay empty, as project() leaves them.
inline SampleRun sample_run(bool firm_model) {
  SampleRun run;
  auto& L = run.loaded;
  L.table.meta.name = "sample_2024_3";
  L.table.meta.money_unit = "CNY 100 million";
  L.table.meta.source = "made up for the tests";
  auto& s = L.scenario;
  s.name = "firm sample";
  s.file = "sample.toml";
  s.resolved_toml = "name = \"firm sample\"\n";
  s.seed = 7;
  s.base_year = 2024;
  s.horizon = 2025;
  s.replications = 2;
  s.region.name = "宁波";

  auto& p = run.projection;
  p.years = {2024, 2025};
  p.replications = 2;
  p.sectors = {"A", "M", "S"};
  p.sector_names = {"农业", "制造业", "服务业"};
  p.clusters = {"361/green_petrochemicals", "246/digital"};
  p.cluster_system = {"361", "246"};
  p.cluster_names = {"绿色石化", "数字经济"};
  const std::size_t R = 2, Y = 2, S = 3, C = 2, D = kSampleDistricts.size(), K = abm::kStatCount;
  for (std::size_t i = 0; i < R * Y * S; ++i) {
    const double v = 10.0 + static_cast<double>(i);
    p.sector_output.push_back(v);
    p.sector_value_added.push_back(0.4 * v);
    p.sector_employment.push_back(100 * v);
    p.sector_investment.push_back(0.1 * v);
    p.sector_capacity.push_back(2 * v);
    p.sector_imports.push_back(0.2 * v);
  }
  for (std::size_t i = 0; i < R * Y * C; ++i) {
    const double v = 5.0 + static_cast<double>(i);
    p.cluster_output.push_back(v);
    p.cluster_value_added.push_back(0.4 * v);
    p.cluster_investment.push_back(0.1 * v);
    p.cluster_output_above_scale.push_back(0.8 * v);
  }
  for (std::size_t i = 0; i < R * Y; ++i) {
    const double v = 50.0 + static_cast<double>(i);
    p.gdp.push_back(v);
    p.industrial_output.push_back(2 * v);
    p.industrial_value_added.push_back(0.5 * v);
    p.industrial_output_above_scale.push_back(1.6 * v);
    p.industrial_value_added_above_scale.push_back(0.4 * v);
    p.industrial_investment.push_back(0.2 * v);
    p.price_index.push_back(1.0);
  }
  if (!firm_model) {
    sample_fill_the_rest(p);
    return run;
  }
  p.firm_model = true;
  p.districts = kSampleDistricts;
  p.district_names = kSampleDistrictNames;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t t = 0; t < Y; ++t) {
      for (std::size_t d = 0; d < D; ++d)
        for (std::size_t k = 0; k < K; ++k)
          p.district_statistics.push_back(sample_district(r, t, d, k));
      for (std::size_t k = 0; k < K; ++k) p.region_statistics.push_back(sample_region(r, t, k));
      for (std::size_t c = 0; c < C; ++c) {
        p.cluster_land_in_use.push_back(sample_cluster_land(r, t, c));
        p.cluster_firms.push_back(sample_cluster_firms(r, t, c));
      }
      for (std::size_t j = 0; j < p.sectors.size(); ++j) {
        p.sector_land_in_use.push_back(100.0 * static_cast<double>(j + 1) + static_cast<double>(t));
        p.sector_firms.push_back(static_cast<double>(10 * (j + 1) + r));
      }
    }
  sample_fill_the_rest(p);
  return run;
}

}  // namespace icsim::test
