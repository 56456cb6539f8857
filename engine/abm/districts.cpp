// Reading the district file (districts.hpp).
#include "icsim/abm/districts.hpp"

#include <cmath>
#include <cstdio>
#include <set>

#include "icsim/common/error.hpp"
#include "icsim/io/csv.hpp"

namespace icsim::abm {

namespace {

const char* const kFixedColumns[] = {"code",
                                     "name",
                                     "industrial_land_mu",
                                     "land_available_mu",
                                     "land_approved_mu",
                                     "annual_land_supply_mu",
                                     "source"};
constexpr std::size_t kFixed = sizeof(kFixedColumns) / sizeof(kFixedColumns[0]);

std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::vector<District> build(const io::CsvFile& csv, const io::IOTable& table) {
  const std::string& file = csv.path;
  // Header: the fixed columns in order, then sector codes.
  if (csv.header.size() < kFixed) {
    throw InputError(located(file, 1,
                             "expected the header to start with code,name,industrial_land_mu,"
                             "land_available_mu,land_approved_mu,annual_land_supply_mu,source"));
  }
  for (std::size_t c = 0; c < kFixed; ++c) {
    if (csv.header[c] != kFixedColumns[c]) {
      throw InputError(located(file, 1,
                               "column " + std::to_string(c + 1) + " is '" + csv.header[c] +
                                   "'; expected '" + kFixedColumns[c] +
                                   "' (header: code,name,industrial_land_mu,land_available_mu,"
                                   "land_approved_mu,annual_land_supply_mu,source[,SECTOR...])"));
    }
  }
  std::vector<int> sector_of_column(csv.header.size(), -1);
  std::set<int> seen_sectors;
  for (std::size_t c = kFixed; c < csv.header.size(); ++c) {
    const int s = table.sector_index(csv.header[c]);
    if (s < 0) {
      throw InputError(located(file, 1,
                               "column '" + csv.header[c] + "' is not a sector code of table '" +
                                   table.meta.name + "'; expected a sector code (e.g. '" +
                                   (table.codes.empty() ? std::string() : table.codes.front()) +
                                   "') holding the district's output shares"));
    }
    if (!seen_sectors.insert(s).second) {
      throw InputError(located(file, 1, "sector column '" + csv.header[c] + "' appears twice"));
    }
    sector_of_column[c] = s;
  }
  if (csv.rows.empty()) {
    throw InputError(located(file, 0, "no districts; expected one row per district"));
  }

  const std::size_t n = table.size();
  std::vector<District> out;
  std::set<std::string> codes;
  for (const auto& row : csv.rows) {
    District d;
    d.code = row.fields[0];
    d.name = row.fields[1];
    if (d.code.empty()) {
      throw InputError(located(file, row.line, "empty district code; expected e.g. 'beilun'"));
    }
    if (!codes.insert(d.code).second) {
      throw InputError(located(
          file, row.line, "duplicate district code '" + d.code + "'; expected each district once"));
    }
    double* land_fields[] = {&d.industrial_land, &d.land_available, &d.land_approved,
                             &d.annual_land_supply};
    for (std::size_t k = 0; k < 4; ++k) {
      const double v = csv.number(row, 2 + k);
      if (v < 0) {
        throw InputError(located(file, row.line,
                                 std::string(kFixedColumns[2 + k]) + " of district '" + d.code +
                                     "' is " + fmt(v) + "; expected mu >= 0"));
      }
      *land_fields[k] = v;
    }
    d.source = row.fields[6];
    d.sector_share.assign(n, 0.0);
    for (std::size_t c = kFixed; c < csv.header.size(); ++c) {
      const double v = csv.number(row, c, /*empty_is_zero=*/true);
      if (v < 0) {
        throw InputError(located(file, row.line,
                                 "share of sector '" + csv.header[c] + "' in district '" + d.code +
                                     "' is " + fmt(v) + "; expected a share in [0, 1]"));
      }
      d.sector_share[static_cast<std::size_t>(sector_of_column[c])] = v;
    }
    out.push_back(std::move(d));
  }

  // Columns given: must sum to 1. Sectors without a column: the industrial-land shares.
  double total_land = 0;
  for (const auto& d : out) total_land += d.industrial_land;
  for (std::size_t c = kFixed; c < csv.header.size(); ++c) {
    const auto s = static_cast<std::size_t>(sector_of_column[c]);
    double sum = 0;
    for (const auto& d : out) sum += d.sector_share[s];
    if (std::abs(sum - 1.0) > kDistrictShareTolerance) {
      throw InputError(located(file, 1,
                               "the shares of sector '" + csv.header[c] + "' sum to " + fmt(sum) +
                                   " over the districts; expected 1 (within 1e-6)"));
    }
  }
  const bool all_given = seen_sectors.size() == n;
  if (!all_given && !(total_land > 0)) {
    throw InputError(located(file, 0,
                             "total industrial_land_mu is 0, so sectors without a share column "
                             "cannot be spread by land; expected positive land or a column for "
                             "every sector"));
  }
  for (std::size_t s = 0; s < n; ++s) {
    if (seen_sectors.count(static_cast<int>(s))) continue;
    for (auto& d : out) d.sector_share[s] = d.industrial_land / total_land;
  }
  return out;
}

}  // namespace

std::vector<District> load_districts(const std::string& csv_path, const io::IOTable& table) {
  return build(io::read_csv(csv_path), table);
}

std::vector<District> parse_districts(const std::string& csv_text,
                                      const std::string& name_for_errors,
                                      const io::IOTable& table) {
  return build(io::parse_csv(csv_text, name_for_errors), table);
}

}  // namespace icsim::abm
