// Location-quotient regionalisation (docs/model.md §1).
//
// Sources for the formulas:
//  - Miller, R.E. & Blair, P.D. (2009) "Input-Output Analysis: Foundations and Extensions",
//    2nd ed., Cambridge UP, §8.3 (SLQ, CILQ, FLQ): r_ij = a^N_ij * min(1, LQ_ij).
//  - Flegg, A.T., Webber, C.D. & Elliott, M.V. (1995) "On the appropriate use of location
//    quotients in generating regional input-output tables", Regional Studies 29(6): the FLQ
//    with lambda* = [log2(1 + x^R/x^N)]^delta.
//  - Flegg, A.T. & Webber, C.D. (1997) Regional Studies 31(8), and (2000) "Regional size,
//    regional specialization and the FLQ formula", Regional Studies 34(6): the FLQ uses
//    SLQ_i * lambda* on the diagonal (CILQ_ii would be 1), and the augmented FLQ
//    AFLQ_ij = log2(1 + SLQ_j) * FLQ_ij for SLQ_j > 1, prompted by McCann, P. & Dewhurst,
//    J.H.Ll. (1998) "Regional size, industrial location and input-output expenditure
//    coefficients", Regional Studies 32(5) (regional specialisation can raise local purchases).
// Choices written down here and in regionalise.hpp:
//  - CILQ also carries SLQ_i on its diagonal (the header's convention, and what makes FLQ with
//    delta = 0 coincide with CILQ).
//  - Zero regional or parent size => SLQ = 0; CILQ_ij = 0 when SLQ_i = 0 or SLQ_j = 0. No NaN.
//  - The leak a^N_ij - a^R_ij goes to an import row "inflows" (bought from the rest of the
//    parent economy or abroad), so each column keeps the parent's input structure.
//  - Final demand is the row residual; see regionalise.hpp for the zero-mix / negative cases.
#include "icsim/io/regionalise.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>

#include "icsim/common/error.hpp"
#include "icsim/io/csv.hpp"

namespace icsim::io {
namespace {

std::string fmt(double v) {
  std::ostringstream out;
  out << std::setprecision(10) << v;
  return out.str();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return std::string();
  std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string satellite_list(const IOTable& t) {
  std::string out = "output";
  for (const auto& l : t.satellites.labels) out += ", " + l;
  return out;
}

// Parent sizes for the measure, or InputError (prefixed by `where`) if the measure is unknown.
Eigen::VectorXd parent_sizes(const IOTable& parent, const std::string& measure,
                             const std::string& where) {
  if (measure == "output") return parent.total_output();
  int s = parent.satellites.find(measure);
  if (s < 0)
    throw InputError(where + "unknown size measure '" + measure +
                     "': expected one of: " + satellite_list(parent));
  return parent.satellites.values.row(s).transpose();
}

// Per-unit coefficients of a row block, n columns even when the block is empty.
Eigen::MatrixXd block_coefficients(const IOTable& parent, const Labelled& block) {
  const auto n = static_cast<Eigen::Index>(parent.size());
  if (block.values.rows() == 0) return Eigen::MatrixXd(0, n);
  return parent.coefficients(block);
}

// The final-demand column that takes residuals without a parent mix: outflows, else exports.
int residual_column(const Labelled& fd) {
  for (const char* key : {"outflow", "export"})
    for (std::size_t k = 0; k < fd.labels.size(); ++k)
      if (lower(fd.labels[k]).find(key) != std::string::npos) return static_cast<int>(k);
  return -1;
}

}  // namespace

LqMethod parse_lq_method(const std::string& text) {
  const std::string t = lower(trim(text));
  if (t == "slq") return LqMethod::slq;
  if (t == "cilq") return LqMethod::cilq;
  if (t == "flq") return LqMethod::flq;
  if (t == "aflq") return LqMethod::aflq;
  throw InputError("unknown location-quotient method '" + text +
                   "': expected slq, cilq, flq or aflq");
}

std::string to_string(LqMethod method) {
  switch (method) {
    case LqMethod::slq:
      return "SLQ";
    case LqMethod::cilq:
      return "CILQ";
    case LqMethod::flq:
      return "FLQ";
    case LqMethod::aflq:
      return "AFLQ";
  }
  return "?";
}

RegionalSizes load_regional_sizes(const std::string& path, const IOTable& parent) {
  CsvFile csv = read_csv(path);
  if (csv.header.size() != 2 || csv.header[0] != "code")
    throw InputError(located(
        path, 1,
        "expected the header code,<measure> with <measure> one of: " + satellite_list(parent)));
  RegionalSizes sizes;
  sizes.measure = csv.header[1];
  if (sizes.measure != "output" && parent.satellites.find(sizes.measure) < 0)
    throw InputError(located(path, 1,
                             "unknown size measure '" + sizes.measure +
                                 "': expected one of: " + satellite_list(parent)));

  const std::size_t n = parent.size();
  sizes.regional = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
  std::vector<long> seen_on(n, 0);
  for (const auto& row : csv.rows) {
    const std::string code = trim(row.fields[0]);
    const int i = parent.sector_index(code);
    if (i < 0)
      throw InputError(
          located(path, row.line, "unknown sector code '" + code + "' (not in the parent table)"));
    if (seen_on[i] != 0)
      throw InputError(located(path, row.line,
                               "sector '" + code + "' appears twice (first on line " +
                                   std::to_string(seen_on[i]) + ")"));
    seen_on[i] = row.line;
    const double v = csv.number(row, 1);
    if (v < 0)
      throw InputError(located(path, row.line,
                               "sector '" + code + "': " + sizes.measure + " is " + fmt(v) +
                                   ", expected a non-negative number"));
    sizes.regional(i) = v;
  }
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < n; ++i)
    if (seen_on[i] == 0) missing.push_back(parent.codes[i]);
  if (!missing.empty()) {
    std::string list;
    for (std::size_t k = 0; k < missing.size() && k < 10; ++k) list += (k ? ", " : "") + missing[k];
    if (missing.size() > 10) list += " and " + std::to_string(missing.size() - 10) + " more";
    throw InputError(located(path, 0,
                             std::to_string(missing.size()) +
                                 " sector(s) of the parent table have no row: " + list +
                                 " (give 0 for a sector absent from the region)"));
  }
  return sizes;
}

Eigen::MatrixXd location_quotients(const Eigen::VectorXd& regional, const Eigen::VectorXd& parent,
                                   LqMethod method, double delta) {
  const Eigen::Index n = regional.size();
  if (parent.size() != n)
    throw InputError("location quotients: " + std::to_string(n) + " regional sizes but " +
                     std::to_string(parent.size()) + " parent sizes");
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(regional(i)) || regional(i) < 0)
      throw InputError("location quotients: regional size of sector " + std::to_string(i + 1) +
                       " is " + fmt(regional(i)) + ", expected a finite non-negative number");
    if (!std::isfinite(parent(i)) || parent(i) < 0)
      throw InputError("location quotients: parent size of sector " + std::to_string(i + 1) +
                       " is " + fmt(parent(i)) + ", expected a finite non-negative number");
  }
  const bool flegg = method == LqMethod::flq || method == LqMethod::aflq;
  if (flegg && !(delta >= 0.0 && delta <= 1.0))
    throw InputError("location quotients: delta is " + fmt(delta) +
                     ", expected a number in [0, 1] (Flegg & Webber suggest about 0.3)");

  const double total_r = regional.sum();
  const double total_p = parent.sum();
  Eigen::VectorXd slq = Eigen::VectorXd::Zero(n);
  if (total_r > 0 && total_p > 0)
    for (Eigen::Index i = 0; i < n; ++i)
      if (regional(i) > 0 && parent(i) > 0)
        slq(i) = (regional(i) / total_r) / (parent(i) / total_p);

  Eigen::MatrixXd lq(n, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i) {
      if (method == LqMethod::slq || i == j)
        lq(i, j) = slq(i);  // SLQ everywhere, or the diagonal of CILQ/FLQ/AFLQ
      else
        lq(i, j) = slq(j) > 0 ? slq(i) / slq(j) : 0.0;  // CILQ (Miller & Blair 2009, §8.3)
    }
  if (flegg) {
    // lambda* = [log2(1 + x^R/x^N)]^delta (Flegg et al. 1995); std::pow(0, 0) = 1 for an empty
    // region, whose LQs are all zero anyway.
    const double ratio = total_r > 0 && total_p > 0 ? total_r / total_p : 0.0;
    lq *= std::pow(std::log2(1.0 + ratio), delta);
  }
  if (method == LqMethod::aflq)
    for (Eigen::Index j = 0; j < n; ++j)
      if (slq(j) > 1.0) lq.col(j) *= std::log2(1.0 + slq(j));  // Flegg & Webber 2000
  return lq;
}

IOTable regionalise(const IOTable& parent, const RegionalSizes& sizes,
                    const RegionalisationOptions& options, std::vector<std::string>* notes) {
  const std::string where = "regionalise: ";
  const std::size_t n = parent.size();
  const auto N = static_cast<Eigen::Index>(n);
  if (parent.multi_region())
    throw InputError(where +
                     "the parent table is multi-regional; regionalise a single-region "
                     "(national or provincial) table");
  if (sizes.regional.size() != N)
    throw InputError(where + std::to_string(sizes.regional.size()) + " regional sizes for a " +
                     std::to_string(n) + "-sector parent table");

  const Eigen::VectorXd x = parent.total_output();
  const Eigen::VectorXd psize = parent_sizes(parent, sizes.measure, where);
  for (std::size_t i = 0; i < n; ++i) {
    const double r = sizes.regional(static_cast<Eigen::Index>(i));
    const double p = psize(static_cast<Eigen::Index>(i));
    const std::string sector = "sector '" + parent.codes[i] + "': ";
    if (!std::isfinite(r) || r < 0)
      throw InputError(where + sector + "regional " + sizes.measure + " is " + fmt(r) +
                       ", expected a finite non-negative number");
    if (!std::isfinite(p) || p < 0)
      throw InputError(where + sector + "the parent's " + sizes.measure + " is " + fmt(p) +
                       ", expected a finite non-negative number");
    if (r > p * (1.0 + 1e-9))
      throw InputError(where + sector + "regional " + sizes.measure + " " + fmt(r) +
                       " exceeds the parent table's " + fmt(p) +
                       " (a region is part of its parent)");
  }
  if (!(sizes.regional.sum() > 0))
    throw InputError(where + "every regional " + sizes.measure + " is zero");

  // Regional output: the sizes themselves, or sizes times the parent's output per unit of the
  // satellite (e.g. output per worker) when the sizes are a satellite.
  Eigen::VectorXd xr(N);
  if (sizes.measure == "output")
    xr = sizes.regional;
  else
    for (Eigen::Index i = 0; i < N; ++i)
      xr(i) = psize(i) > 0 ? sizes.regional(i) * x(i) / psize(i) : 0.0;

  const Eigen::MatrixXd lq =
      location_quotients(sizes.regional, psize, options.method, options.delta);
  const Eigen::MatrixXd A = parent.technical_coefficients();
  const Eigen::MatrixXd Ar = A.cwiseProduct(lq.cwiseMin(1.0));

  IOTable out;
  out.meta = parent.meta;
  out.meta.region = options.region_name;
  {
    std::ostringstream src;
    src << "regionalised from "
        << (parent.meta.name.empty() ? "the parent table" : parent.meta.name);
    if (!parent.meta.region.empty()) src << " (" << parent.meta.region << ")";
    src << " with " << to_string(options.method);
    if (options.method == LqMethod::flq || options.method == LqMethod::aflq)
      src << " (delta = " << options.delta << ")";
    src << ", regional sizes measured by " << sizes.measure;
    if (!parent.meta.source.empty()) src << "; parent source: " << parent.meta.source;
    out.meta.source = src.str();
  }
  out.codes = parent.codes;
  out.names = parent.names;
  out.names_zh = parent.names_zh;
  out.sector_region = parent.sector_region;
  out.gfcf_bridge = parent.gfcf_bridge;

  out.Z = Ar * xr.asDiagonal();

  out.value_added = parent.value_added;
  out.value_added.values = block_coefficients(parent, parent.value_added) * xr.asDiagonal();

  out.satellites = parent.satellites;
  out.satellites.values = block_coefficients(parent, parent.satellites) * xr.asDiagonal();
  if (int s = parent.satellites.find(sizes.measure); s >= 0)
    out.satellites.values.row(s) = sizes.regional.transpose();  // exact, not via x^R

  // Imports: the parent's coefficients, plus the leaked mass sum_i (a^N_ij - a^R_ij) in
  // "inflows" so that every column keeps the parent's input total per unit of output.
  out.imports = parent.imports;
  out.imports.values = block_coefficients(parent, parent.imports) * xr.asDiagonal();
  const Eigen::RowVectorXd leak = (A - Ar).colwise().sum().cwiseProduct(xr.transpose());
  if (int r = out.imports.find(kLeakedInflowsLabel); r >= 0) {
    out.imports.values.row(r) += leak;
  } else {
    out.imports.labels.push_back(kLeakedInflowsLabel);
    if (!out.imports.units.empty()) out.imports.units.push_back(parent.meta.money_unit);
    out.imports.values.conservativeResize(out.imports.values.rows() + 1, N);
    out.imports.values.row(out.imports.values.rows() - 1) = leak;
  }

  // Final demand: the row residual, split by the parent's row mix.
  out.final_demand = parent.final_demand;
  const Eigen::Index k_parent = static_cast<Eigen::Index>(parent.final_demand.size());
  Eigen::MatrixXd Fp = parent.final_demand.values;
  if (Fp.rows() != N || Fp.cols() != k_parent) Fp = Eigen::MatrixXd::Zero(N, k_parent);
  int rc = residual_column(parent.final_demand);
  if (rc < 0) {
    out.final_demand.labels.push_back(kNetOutflowsLabel);
    if (!out.final_demand.units.empty()) out.final_demand.units.push_back(parent.meta.money_unit);
    rc = static_cast<int>(k_parent);
  }
  const Eigen::Index K = static_cast<Eigen::Index>(out.final_demand.labels.size());
  const std::string rc_label = out.final_demand.labels[rc];
  out.final_demand.values = Eigen::MatrixXd::Zero(N, K);
  const Eigen::VectorXd local_sales = out.Z.rowwise().sum();
  for (Eigen::Index i = 0; i < N; ++i) {
    const double f = xr(i) - local_sales(i);
    const double mix_total = k_parent > 0 ? Fp.row(i).sum() : 0.0;
    const bool material = std::abs(f) > 1e-9 * std::max(xr(i), local_sales(i)) && f != 0.0;
    const std::string sector = "sector '" + parent.codes[static_cast<std::size_t>(i)] + "': ";
    if (f < 0) {
      out.final_demand.values(i, rc) = f;
      if (material && notes)
        notes->push_back(sector + "local intermediate demand " + fmt(local_sales(i)) +
                         " exceeds regional output " + fmt(xr(i)) + "; the shortfall " + fmt(f) +
                         " is booked as negative '" + rc_label + "' (a net inflow)");
    } else if (mix_total > 0) {
      out.final_demand.values.row(i).head(k_parent) = Fp.row(i) * (f / mix_total);
    } else {
      out.final_demand.values(i, rc) = f;
      if (material && notes)
        notes->push_back(sector +
                         "the parent table has no final demand mix for this row; the "
                         "regional residual " +
                         fmt(f) + " is booked as '" + rc_label + "'");
    }
  }
  return out;
}

}  // namespace icsim::io
