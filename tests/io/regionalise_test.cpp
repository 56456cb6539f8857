// Location quotients and regionalisation, checked against hand computations.
#include "icsim/io/regionalise.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "icsim/common/error.hpp"
#include "support/checks.hpp"

namespace icsim::io {
namespace {

using icsim::test::expect_contains;
using icsim::test::input_error_of;
using icsim::test::mat;

constexpr double kTol = 1e-12;

// lambda* = [log2(1 + 50/400)]^0.3 = 0.16992500144231237^0.3, computed independently (Python).
constexpr double kLambda = 0.5875937729443254;
// log2(1 + SLQ_1) = log2(3.4) for the AFLQ column of the specialised sector.
constexpr double kLog2_3_4 = 1.765534746362977;

Eigen::VectorXd vec(std::initializer_list<double> v) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double e : v) out(i++) = e;
  return out;
}

void expect_matrix_near(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want, double tol,
                        const std::string& what) {
  ASSERT_EQ(got.rows(), want.rows()) << what;
  ASSERT_EQ(got.cols(), want.cols()) << what;
  for (Eigen::Index i = 0; i < got.rows(); ++i)
    for (Eigen::Index j = 0; j < got.cols(); ++j)
      EXPECT_NEAR(got(i, j), want(i, j), tol) << what << "(" << i << ", " << j << ")";
}

void expect_all_finite(const IOTable& t) {
  EXPECT_TRUE(t.Z.allFinite());
  EXPECT_TRUE(t.final_demand.values.allFinite());
  EXPECT_TRUE(t.value_added.values.allFinite());
  EXPECT_TRUE(t.imports.values.allFinite());
  EXPECT_TRUE(t.satellites.values.allFinite());
}

void expect_balanced(const IOTable& t) {
  const Eigen::VectorXd out = t.total_output();
  const Eigen::VectorXd in = t.total_input();
  for (Eigen::Index j = 0; j < out.size(); ++j)
    EXPECT_NEAR(out(j), in(j), 1e-12 * std::max(1.0, out(j))) << "sector " << j;
}

// Parent ("nation"), x = (100, 200, 100), total 400.
//   A = [0.1 0.15 0.2; 0.2 0.1 0.1; 0.1 0.05 0.3]
//   F rows (household, gfcf, exports): (20,10,10), (90,30,30), (25,5,20)
//   imports (10, 40, 10); value added columns 50, 100, 30; employment (1000, 4000, 500).
IOTable three_sector_parent() {
  IOTable t;
  t.meta.name = "Test nation";
  t.meta.region = "nation";
  t.meta.year = 2017;
  t.meta.money_unit = "CNY 100 million";
  t.meta.source = "hand-made";
  t.codes = {"agri", "manu", "serv"};
  t.names = {"Agriculture", "Manufacturing", "Services"};
  t.names_zh = {"农业", "制造业", "服务业"};
  t.sector_region = {"", "", ""};
  t.Z = mat({{10, 30, 20}, {20, 20, 10}, {10, 10, 30}});
  t.final_demand.labels = {"household", "gfcf", "exports"};
  t.final_demand.values = mat({{20, 10, 10}, {90, 30, 30}, {25, 5, 20}});
  t.value_added.labels = {"compensation", "net_production_taxes", "operating_surplus"};
  t.value_added.values = mat({{30, 60, 20}, {5, 10, 2}, {15, 30, 8}});
  t.imports.labels = {"imports"};
  t.imports.values = mat({{10, 40, 10}});
  t.satellites.labels = {"employment", "energy"};
  t.satellites.units = {"persons", "tce"};
  t.satellites.values = mat({{1000, 4000, 500}, {50, 20, 10}});
  t.gfcf_bridge = mat({{0, 0, 0}, {0.6, 0.7, 0.5}, {0.4, 0.3, 0.5}});
  return t;
}

// Two sectors, x = (100, 100): "ore" sells mostly to "metal" and has no final demand.
//   A = [0.2 0.8; 0.1 0.1], F rows (0,0,0) and (50,10,20), value added (70, 10), no imports.
IOTable two_sector_parent(bool with_exports = true) {
  IOTable t;
  t.meta.name = "Ore and metal";
  t.codes = {"ore", "metal"};
  t.names = t.codes;
  t.names_zh = {"", ""};
  t.sector_region = {"", ""};
  t.Z = mat({{20, 80}, {10, 10}});
  if (with_exports) {
    t.final_demand.labels = {"household", "gfcf", "exports"};
    t.final_demand.values = mat({{0, 0, 0}, {50, 10, 20}});
  } else {
    t.final_demand.labels = {"household", "gfcf"};
    t.final_demand.values = mat({{0, 0}, {60, 20}});
  }
  t.value_added.labels = {"compensation"};
  t.value_added.values = mat({{70, 10}});
  t.imports.values = Eigen::MatrixXd(0, 2);
  t.satellites.values = Eigen::MatrixXd(0, 2);
  return t;
}

RegionalSizes output_sizes(std::initializer_list<double> v) {
  RegionalSizes s;
  s.measure = "output";
  s.regional = vec(v);
  return s;
}

RegionalisationOptions opts(LqMethod m, double delta = 0.3, std::string name = "Ningbo") {
  RegionalisationOptions o;
  o.method = m;
  o.delta = delta;
  o.region_name = std::move(name);
  return o;
}

// ---------------------------------------------------------------------------------------------
// Location quotients. Region (30, 10, 10), total 50; parent (100, 200, 100), total 400.
//   SLQ = (30/50)/(100/400), (10/50)/(200/400), (10/50)/(100/400) = (2.4, 0.4, 0.8)
const Eigen::VectorXd kRegional = vec({30, 10, 10});
const Eigen::VectorXd kParent = vec({100, 200, 100});

TEST(LQTest, SlqHandComputed) {
  Eigen::MatrixXd lq = location_quotients(kRegional, kParent, LqMethod::slq, 0.3);
  // SLQ_ij = SLQ_i in every column.
  expect_matrix_near(lq, mat({{2.4, 2.4, 2.4}, {0.4, 0.4, 0.4}, {0.8, 0.8, 0.8}}), kTol, "SLQ");
}

TEST(LQTest, CilqHandComputed) {
  Eigen::MatrixXd lq = location_quotients(kRegional, kParent, LqMethod::cilq, 0.3);
  // CILQ_ij = SLQ_i / SLQ_j off the diagonal, SLQ_i on it:
  //   [2.4      2.4/0.4  2.4/0.8]   [2.4  6    3  ]
  //   [0.4/2.4  0.4      0.4/0.8] = [1/6  0.4  0.5]
  //   [0.8/2.4  0.8/0.4  0.8    ]   [1/3  2    0.8]
  expect_matrix_near(lq, mat({{2.4, 6, 3}, {1.0 / 6, 0.4, 0.5}, {1.0 / 3, 2, 0.8}}), kTol, "CILQ");
}

TEST(LQTest, FlqHandComputed) {
  Eigen::MatrixXd lq = location_quotients(kRegional, kParent, LqMethod::flq, 0.3);
  // lambda* = [log2(1 + 50/400)]^0.3 = 0.5875937729443254; FLQ = CILQ * lambda* (SLQ_i * lambda*
  // on the diagonal): row 2 = (lambda/6, 0.4 lambda, 0.5 lambda) = (0.09793, 0.23504, 0.29380).
  const double l = kLambda;
  expect_matrix_near(
      lq, mat({{2.4 * l, 6 * l, 3 * l}, {l / 6, 0.4 * l, 0.5 * l}, {l / 3, 2 * l, 0.8 * l}}), kTol,
      "FLQ");
  EXPECT_NEAR(lq(1, 0), 0.0979322954907209, kTol);
  EXPECT_NEAR(lq(2, 1), 1.1751875458886507, kTol);  // above 1: capped when applied
}

TEST(LQTest, AflqHandComputed) {
  Eigen::MatrixXd lq = location_quotients(kRegional, kParent, LqMethod::aflq, 0.3);
  // Only sector 1 is specialised (SLQ_1 = 2.4 > 1): column 1 of the FLQ times log2(3.4).
  //   AFLQ_21 = lambda/6 * 1.765534746362977 = 0.17290287047995404
  //   AFLQ_31 = lambda/3 * 1.765534746362977 = 0.34580574095990807
  const double l = kLambda;
  expect_matrix_near(lq,
                     mat({{2.4 * l * kLog2_3_4, 6 * l, 3 * l},
                          {l / 6 * kLog2_3_4, 0.4 * l, 0.5 * l},
                          {l / 3 * kLog2_3_4, 2 * l, 0.8 * l}}),
                     kTol, "AFLQ");
  EXPECT_NEAR(lq(1, 0), 0.17290287047995404, kTol);
  EXPECT_NEAR(lq(2, 0), 0.34580574095990807, kTol);
}

TEST(LQTest, FlqWithDeltaZeroEqualsCilq) {
  // lambda* = x^0 = 1 whatever the region's size.
  const Eigen::VectorXd regional = vec({3, 17, 0.5, 9});
  const Eigen::VectorXd parent = vec({40, 100, 80, 20});
  Eigen::MatrixXd flq = location_quotients(regional, parent, LqMethod::flq, 0.0);
  Eigen::MatrixXd cilq = location_quotients(regional, parent, LqMethod::cilq, 0.0);
  expect_matrix_near(flq, cilq, 0.0, "FLQ(delta=0) vs CILQ");
  expect_matrix_near(flq.cwiseMin(1.0), cilq.cwiseMin(1.0), 0.0, "capped");
}

TEST(LQTest, RegionEqualToParentGivesOnes) {
  for (LqMethod m : {LqMethod::slq, LqMethod::cilq, LqMethod::flq, LqMethod::aflq}) {
    // SLQ = 1 everywhere, lambda* = log2(2)^delta = 1, and no SLQ exceeds 1 for AFLQ.
    Eigen::MatrixXd lq = location_quotients(kParent, kParent, m, 0.3);
    expect_matrix_near(lq, Eigen::MatrixXd::Ones(3, 3), kTol, to_string(m));
  }
}

TEST(LQTest, ZeroSizesGiveZeroLqWithoutNaN) {
  // Region (10, 0, 5), parent (100, 200, 0): SLQ_1 = (10/15)/(100/300) = 2, SLQ_2 = 0 (absent
  // from the region), SLQ_3 = 0 (absent from the parent).
  const Eigen::VectorXd regional = vec({10, 0, 5});
  const Eigen::VectorXd parent = vec({100, 200, 0});
  for (LqMethod m : {LqMethod::slq, LqMethod::cilq, LqMethod::flq, LqMethod::aflq}) {
    Eigen::MatrixXd lq = location_quotients(regional, parent, m, 0.3);
    EXPECT_TRUE(lq.allFinite()) << to_string(m);
    EXPECT_EQ(lq.row(1).norm(), 0.0) << to_string(m);
    EXPECT_EQ(lq.row(2).norm(), 0.0) << to_string(m);
    // SLQ_1 = 2 in every column for SLQ; CILQ_12 = 2 / 0 -> 0 and CILQ_13 = 2 / 0 -> 0 otherwise.
    EXPECT_EQ(lq(0, 1), m == LqMethod::slq ? 2.0 : 0.0) << to_string(m);
    EXPECT_EQ(lq(0, 2), m == LqMethod::slq ? 2.0 : 0.0) << to_string(m);
  }
  EXPECT_NEAR(location_quotients(regional, parent, LqMethod::cilq, 0)(0, 0), 2.0, kTol);
  // An empty region: all zero.
  Eigen::MatrixXd none = location_quotients(vec({0, 0, 0}), parent, LqMethod::aflq, 0.3);
  EXPECT_TRUE(none.allFinite());
  EXPECT_EQ(none.norm(), 0.0);
}

TEST(LQTest, RejectsBadInput) {
  expect_contains(input_error_of([] {
                    location_quotients(vec({1, -1}), vec({1, 1}), LqMethod::slq, 0.3);
                  }),
                  "regional size of sector 2");
  expect_contains(input_error_of([] {
                    location_quotients(vec({1, NAN}), vec({1, 1}), LqMethod::slq, 0.3);
                  }),
                  "finite");
  expect_contains(input_error_of([] {
                    location_quotients(vec({1, 1}), vec({1, 1, 1}), LqMethod::slq, 0.3);
                  }),
                  "2 regional sizes but 3 parent sizes");
  expect_contains(input_error_of([] {
                    location_quotients(vec({1, 1}), vec({2, 2}), LqMethod::flq, 1.5);
                  }),
                  "delta");
  expect_contains(input_error_of([] {
                    location_quotients(vec({1, 1}), vec({2, 2}), LqMethod::aflq, -0.1);
                  }),
                  "delta");
  // delta is irrelevant to SLQ and CILQ.
  EXPECT_NO_THROW(location_quotients(vec({1, 1}), vec({2, 2}), LqMethod::cilq, -5));
}

TEST(LQTest, ParsesMethodNames) {
  EXPECT_EQ(parse_lq_method("slq"), LqMethod::slq);
  EXPECT_EQ(parse_lq_method("cilq"), LqMethod::cilq);
  EXPECT_EQ(parse_lq_method("FLQ"), LqMethod::flq);
  EXPECT_EQ(parse_lq_method(" aflq "), LqMethod::aflq);
  expect_contains(input_error_of([] { parse_lq_method("rlq"); }), "'rlq'");
  EXPECT_EQ(to_string(LqMethod::aflq), "AFLQ");
}

// ---------------------------------------------------------------------------------------------
// Regionalisation.

TEST(RegionalisationTest, SlqTableHandComputed) {
  const IOTable parent = three_sector_parent();
  std::vector<std::string> notes;
  IOTable r = regionalise(parent, output_sizes({30, 10, 10}), opts(LqMethod::slq), &notes);
  EXPECT_TRUE(notes.empty());

  // a^R_ij = a_ij * min(1, SLQ_i), SLQ = (2.4, 0.4, 0.8): row 1 kept, rows 2, 3 scaled.
  //   A^R = [0.1 0.15 0.2; 0.08 0.04 0.04; 0.08 0.04 0.24]
  //   Z^R = A^R diag(30, 10, 10) = [3 1.5 2; 2.4 0.4 0.4; 2.4 0.4 2.4]
  expect_matrix_near(r.technical_coefficients(),
                     mat({{0.1, 0.15, 0.2}, {0.08, 0.04, 0.04}, {0.08, 0.04, 0.24}}), kTol, "A^R");
  expect_matrix_near(r.Z, mat({{3, 1.5, 2}, {2.4, 0.4, 0.4}, {2.4, 0.4, 2.4}}), kTol, "Z^R");

  // f^R = x^R - Z^R 1 = (30 - 6.5, 10 - 3.2, 10 - 5.2) = (23.5, 6.8, 4.8), split by the parent's
  // row mixes (0.5, 0.25, 0.25), (0.6, 0.2, 0.2), (0.5, 0.1, 0.4).
  ASSERT_EQ(r.final_demand.labels, parent.final_demand.labels);
  expect_matrix_near(r.final_demand.values,
                     mat({{11.75, 5.875, 5.875}, {4.08, 1.36, 1.36}, {2.4, 0.48, 1.92}}), kTol,
                     "F^R");

  // Imports: parent coefficients (0.1, 0.2, 0.1) x^R = (3, 2, 1); inflows = leaked mass
  // (0.4 - 0.26, 0.3 - 0.23, 0.6 - 0.48) x^R = (0.14*30, 0.07*10, 0.12*10) = (4.2, 0.7, 1.2).
  ASSERT_EQ(r.imports.labels, (std::vector<std::string>{"imports", "inflows"}));
  expect_matrix_near(r.imports.values, mat({{3, 2, 1}, {4.2, 0.7, 1.2}}), kTol, "imports");

  // Value added at parent coefficients: column 1 (0.3, 0.05, 0.15) * 30 = (9, 1.5, 4.5), ...
  expect_matrix_near(r.value_added.values, mat({{9, 3, 2}, {1.5, 0.5, 0.2}, {4.5, 1.5, 0.8}}), kTol,
                     "value added");
  // Employment (10, 20, 5) persons per unit * x^R = (300, 200, 50); energy (0.5, 0.1, 0.1) * x^R.
  expect_matrix_near(r.satellites.values, mat({{300, 200, 50}, {15, 1, 1}}), kTol, "satellites");
  EXPECT_EQ(r.satellites.units, parent.satellites.units);

  expect_matrix_near(r.total_output(), vec({30, 10, 10}), kTol, "x^R");
  expect_balanced(r);

  EXPECT_EQ(r.codes, parent.codes);
  EXPECT_EQ(r.names_zh, parent.names_zh);
  EXPECT_EQ(r.meta.region, "Ningbo");
  EXPECT_EQ(r.meta.name, parent.meta.name);
  EXPECT_EQ(r.meta.money_unit, parent.meta.money_unit);
  EXPECT_EQ(r.meta.year, 2017);
  expect_contains(r.meta.source, "regionalised from Test nation");
  expect_contains(r.meta.source, "SLQ");
  expect_contains(r.meta.source, "hand-made");
  ASSERT_TRUE(r.gfcf_bridge.has_value());
  expect_matrix_near(*r.gfcf_bridge, *parent.gfcf_bridge, 0.0, "bridge");
}

TEST(RegionalisationTest, FlqTableMatchesFormulaAndBalances) {
  const IOTable parent = three_sector_parent();
  IOTable r = regionalise(parent, output_sizes({30, 10, 10}), opts(LqMethod::flq, 0.3));
  // a^R = a * min(1, FLQ) with FLQ from FlqHandComputed (row 1 and FLQ_32 capped at 1).
  const double l = kLambda;
  expect_matrix_near(r.technical_coefficients(),
                     mat({{0.1, 0.15, 0.2},
                          {0.2 * l / 6, 0.1 * 0.4 * l, 0.1 * 0.5 * l},
                          {0.1 * l / 3, 0.05, 0.3 * 0.8 * l}}),
                     kTol, "A^R (FLQ)");
  expect_balanced(r);
  expect_all_finite(r);
  EXPECT_GE(r.Z.minCoeff(), 0.0);
  EXPECT_GE(r.final_demand.values.minCoeff(), 0.0);
  expect_contains(r.meta.source, "FLQ (delta = 0.3)");
}

TEST(RegionalisationTest, AflqTableMatchesFormula) {
  const IOTable parent = three_sector_parent();
  IOTable r = regionalise(parent, output_sizes({30, 10, 10}), opts(LqMethod::aflq, 0.3));
  const double l = kLambda;
  // Column 1 of FLQ raised by log2(3.4): a^R_21 = 0.2 * 0.17290287047995404, a^R_31 = 0.1 *
  // 0.34580574095990807.
  expect_matrix_near(r.technical_coefficients(),
                     mat({{0.1, 0.15, 0.2},
                          {0.2 * 0.17290287047995404, 0.1 * 0.4 * l, 0.1 * 0.5 * l},
                          {0.1 * 0.34580574095990807, 0.05, 0.3 * 0.8 * l}}),
                     kTol, "A^R (AFLQ)");
  expect_balanced(r);
}

TEST(RegionalisationTest, FlqWithDeltaZeroEqualsCappedCilqTable) {
  const IOTable parent = three_sector_parent();
  IOTable f = regionalise(parent, output_sizes({12, 40, 30}), opts(LqMethod::flq, 0.0));
  IOTable c = regionalise(parent, output_sizes({12, 40, 30}), opts(LqMethod::cilq));
  expect_matrix_near(f.Z, c.Z, 0.0, "Z");
  expect_matrix_near(f.final_demand.values, c.final_demand.values, 0.0, "F");
  expect_matrix_near(f.imports.values, c.imports.values, 0.0, "imports");
  expect_balanced(f);
}

TEST(RegionalisationTest, RegionEqualToParentReproducesParent) {
  const IOTable parent = three_sector_parent();
  const Eigen::MatrixXd A = parent.technical_coefficients();
  for (LqMethod m : {LqMethod::slq, LqMethod::cilq, LqMethod::flq, LqMethod::aflq}) {
    SCOPED_TRACE(to_string(m));
    std::vector<std::string> notes;
    IOTable r = regionalise(parent, output_sizes({100, 200, 100}), opts(m), &notes);
    EXPECT_TRUE(notes.empty());
    expect_matrix_near(r.technical_coefficients(), A, kTol, "A");
    expect_matrix_near(r.Z, parent.Z, 1e-12 * 100, "Z");
    expect_matrix_near(r.final_demand.values, parent.final_demand.values, 1e-12 * 100, "F");
    expect_matrix_near(r.value_added.values, parent.value_added.values, 1e-12 * 100, "VA");
    expect_matrix_near(r.imports.values.topRows(1), parent.imports.values, 1e-12 * 100, "m");
    expect_matrix_near(r.imports.values.bottomRows(1), Eigen::MatrixXd::Zero(1, 3), 0.0, "no leak");
    expect_balanced(r);
  }
}

TEST(RegionalisationTest, EmploymentSizesScaleThroughOutputPerWorker) {
  const IOTable parent = three_sector_parent();
  RegionalSizes sizes;
  sizes.measure = "employment";
  sizes.regional = vec({300, 200, 50});
  IOTable r = regionalise(parent, sizes, opts(LqMethod::slq));
  // x^R_i = e^R_i * x_i / e_i = (300*100/1000, 200*200/4000, 50*100/500) = (30, 10, 10).
  expect_matrix_near(r.total_output(), vec({30, 10, 10}), kTol, "x^R");
  // The LQs use employment: SLQ = (300/550)/(1000/5500), ... = (3, 0.5, 1), so only row 2 of A is
  // scaled (by 0.5).
  expect_matrix_near(r.technical_coefficients(),
                     mat({{0.1, 0.15, 0.2}, {0.1, 0.05, 0.05}, {0.1, 0.05, 0.3}}), kTol, "A^R");
  // The employment row is the regional employment itself.
  expect_matrix_near(r.satellites.values.row(0), vec({300, 200, 50}).transpose(), 0.0, "jobs");
  expect_contains(r.meta.source, "employment");
  expect_balanced(r);
}

TEST(RegionalisationTest, NegativeResidualIsBookedAsNetInflow) {
  // Region (10, 90): SLQ = (0.1/0.5, 0.9/0.5) = (0.2, 1.8). A^R = [0.04 0.16; 0.1 0.1],
  // Z^R = [0.4 14.4; 1 9]. Row 1: local demand 14.8 > x^R_1 = 10, f^R_1 = -4.8 -> exports.
  // Row 2: f^R_2 = 90 - 10 = 80, split (50, 10, 20) like the parent's row.
  const IOTable parent = two_sector_parent();
  std::vector<std::string> notes;
  IOTable r = regionalise(parent, output_sizes({10, 90}), opts(LqMethod::slq), &notes);
  expect_matrix_near(r.Z, mat({{0.4, 14.4}, {1, 9}}), kTol, "Z^R");
  expect_matrix_near(r.final_demand.values, mat({{0, 0, -4.8}, {50, 10, 20}}), kTol, "F^R");
  // Leak: (0.3 - 0.14) * 10 = 1.6 and (0.9 - 0.26) * 90 = 57.6; value added (7, 9).
  ASSERT_EQ(r.imports.labels, (std::vector<std::string>{"inflows"}));
  expect_matrix_near(r.imports.values, mat({{1.6, 57.6}}), kTol, "inflows");
  expect_matrix_near(r.value_added.values, mat({{7, 9}}), kTol, "VA");
  expect_balanced(r);
  ASSERT_EQ(notes.size(), 1u);
  expect_contains(notes[0], "sector 'ore'");
  expect_contains(notes[0], "-4.8");
  expect_contains(notes[0], "'exports'");
  // Without the notes vector the result is the same.
  IOTable again = regionalise(parent, output_sizes({10, 90}), opts(LqMethod::slq));
  expect_matrix_near(again.final_demand.values, r.final_demand.values, 0.0, "F^R");
}

TEST(RegionalisationTest, RowWithoutParentFinalDemandGoesToExports) {
  // Region (50, 10): SLQ = ((5/6)/0.5, (1/6)/0.5) = (5/3, 1/3). A^R = [0.2 0.8; 0.1/3 0.1/3],
  // Z^R = [10 8; 5/3 1/3]. Row 1: f^R_1 = 50 - 18 = 32 with no parent mix -> exports 32.
  // Row 2: f^R_2 = 10 - 2 = 8 -> (5, 1, 2).
  const IOTable parent = two_sector_parent();
  std::vector<std::string> notes;
  IOTable r = regionalise(parent, output_sizes({50, 10}), opts(LqMethod::slq), &notes);
  expect_matrix_near(r.Z, mat({{10, 8}, {5.0 / 3, 1.0 / 3}}), kTol, "Z^R");
  expect_matrix_near(r.final_demand.values, mat({{0, 0, 32}, {5, 1, 2}}), kTol, "F^R");
  expect_balanced(r);
  ASSERT_EQ(notes.size(), 1u);
  expect_contains(notes[0], "sector 'ore'");
  expect_contains(notes[0], "no final demand mix");
}

TEST(RegionalisationTest, AddsNetOutflowsColumnWhenParentHasNoExports) {
  // As NegativeResidualIsBookedAsNetInflow, parent final demand (household, gfcf) only: row 2
  // (60, 20) * 80/80, row 1's -4.8 into the new net_outflows column.
  const IOTable parent = two_sector_parent(false);
  IOTable r = regionalise(parent, output_sizes({10, 90}), opts(LqMethod::slq));
  ASSERT_EQ(r.final_demand.labels,
            (std::vector<std::string>{"household", "gfcf", kNetOutflowsLabel}));
  expect_matrix_near(r.final_demand.values, mat({{0, 0, -4.8}, {60, 20, 0}}), kTol, "F^R");
  expect_balanced(r);
}

TEST(RegionalisationTest, PrefersOutflowsOverExports) {
  IOTable parent = two_sector_parent();
  parent.final_demand.labels = {"household", "exports", "outflows"};
  IOTable r = regionalise(parent, output_sizes({10, 90}), opts(LqMethod::slq));
  EXPECT_NEAR(r.final_demand.values(0, 2), -4.8, kTol);
  EXPECT_EQ(r.final_demand.values(0, 1), 0.0);
}

TEST(RegionalisationTest, ExistingInflowsRowReceivesTheLeak) {
  IOTable parent = two_sector_parent();
  parent.imports.labels = {"inflows"};
  parent.imports.values = mat({{0, 0}});
  parent.value_added.values = mat({{70, 10}});
  IOTable r = regionalise(parent, output_sizes({10, 90}), opts(LqMethod::slq));
  ASSERT_EQ(r.imports.labels, (std::vector<std::string>{"inflows"}));
  expect_matrix_near(r.imports.values, mat({{1.6, 57.6}}), kTol, "inflows");
}

TEST(RegionalisationTest, AbsentSectorHasZeroRowAndColumn) {
  const IOTable parent = three_sector_parent();
  for (LqMethod m : {LqMethod::slq, LqMethod::cilq, LqMethod::flq, LqMethod::aflq}) {
    IOTable r = regionalise(parent, output_sizes({30, 0, 10}), opts(m));
    expect_all_finite(r);
    EXPECT_EQ(r.Z.row(1).norm(), 0.0) << to_string(m);
    EXPECT_EQ(r.Z.col(1).norm(), 0.0) << to_string(m);
    EXPECT_EQ(r.final_demand.values.row(1).norm(), 0.0) << to_string(m);
    EXPECT_EQ(r.total_output()(1), 0.0) << to_string(m);
    expect_balanced(r);
  }
}

TEST(RegionalisationTest, RejectsBadSizes) {
  const IOTable parent = three_sector_parent();
  expect_contains(input_error_of([&] {
                    regionalise(parent, output_sizes({30, 250, 10}), opts(LqMethod::flq));
                  }),
                  "sector 'manu': regional output 250 exceeds the parent table's 200");
  expect_contains(input_error_of([&] {
                    regionalise(parent, output_sizes({30, -1, 10}), opts(LqMethod::flq));
                  }),
                  "sector 'manu'");
  expect_contains(input_error_of([&] {
                    regionalise(parent, output_sizes({30, 10}), opts(LqMethod::flq));
                  }),
                  "2 regional sizes for a 3-sector parent table");
  expect_contains(input_error_of([&] {
                    regionalise(parent, output_sizes({0, 0, 0}), opts(LqMethod::flq));
                  }),
                  "every regional output is zero");
  expect_contains(input_error_of([&] {
                    RegionalSizes s = output_sizes({1, 1, 1});
                    s.measure = "land";
                    regionalise(parent, s, opts(LqMethod::flq));
                  }),
                  "unknown size measure 'land': expected one of: output, employment, energy");
  expect_contains(input_error_of([&] {
                    regionalise(parent, output_sizes({1, 1, 1}), opts(LqMethod::flq, 2.0));
                  }),
                  "delta");
  expect_contains(input_error_of([&] {
                    IOTable mr = parent;
                    mr.sector_region = {"a", "a", "b"};
                    regionalise(mr, output_sizes({1, 1, 1}), opts(LqMethod::flq));
                  }),
                  "multi-regional");
}

// ---------------------------------------------------------------------------------------------
// The regional-sizes CSV.

class RegionalSizesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("icsim_regional_sizes_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& text) {
    const std::string path = (dir_ / "sizes.csv").string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
  IOTable parent_ = three_sector_parent();
};

TEST_F(RegionalSizesTest, LoadsOutputAndSatelliteMeasures) {
  RegionalSizes s =
      load_regional_sizes(write("code,output\nserv,10\nagri,30\nmanu,12.5\n"), parent_);
  EXPECT_EQ(s.measure, "output");
  expect_matrix_near(s.regional, vec({30, 12.5, 10}), 0.0, "sizes");
  RegionalSizes e =
      load_regional_sizes(write("code,employment\nagri,300\nmanu,200\nserv,0\n"), parent_);
  EXPECT_EQ(e.measure, "employment");
  expect_matrix_near(e.regional, vec({300, 200, 0}), 0.0, "sizes");
}

TEST_F(RegionalSizesTest, LoadsTheBundledExample) {
  RegionalSizes s = load_regional_sizes(
      std::string(ICSIM_TEST_DATA) + "/regionalise/three_sector_employment.csv", parent_);
  EXPECT_EQ(s.measure, "employment");
  expect_matrix_near(s.regional, vec({300, 200, 50}), 0.0, "sizes");
  IOTable r = regionalise(parent_, s, opts(LqMethod::flq));
  expect_balanced(r);
}

TEST_F(RegionalSizesTest, ReportsErrorsWithFileAndLine) {
  std::string path = write("code,output\nagri,30\nmining,5\nmanu,1\nserv,1\n");
  expect_contains(input_error_of([&] { load_regional_sizes(path, parent_); }),
                  path + ":3: unknown sector code 'mining'");

  path = write("code,output\nagri,30\nmanu,1\nagri,4\nserv,1\n");
  expect_contains(input_error_of([&] { load_regional_sizes(path, parent_); }),
                  path + ":4: sector 'agri' appears twice (first on line 2)");

  path = write("code,output\nagri,30\nserv,1\n");
  {
    std::string msg = input_error_of([&] { load_regional_sizes(path, parent_); });
    expect_contains(msg, path + ": 1 sector(s) of the parent table have no row: manu");
  }

  path = write("code,output\nagri,30\nmanu,-2\nserv,1\n");
  expect_contains(input_error_of([&] { load_regional_sizes(path, parent_); }),
                  path + ":3: sector 'manu': output is -2, expected a non-negative number");

  path = write("code,output\nagri,30\nmanu,lots\nserv,1\n");
  {
    std::string msg = input_error_of([&] { load_regional_sizes(path, parent_); });
    expect_contains(msg, path + ":3:");
    expect_contains(msg, "lots");
  }

  path = write("code,land\nagri,30\nmanu,1\nserv,1\n");
  expect_contains(input_error_of([&] { load_regional_sizes(path, parent_); }),
                  path + ":1: unknown size measure 'land'");

  path = write("sector,output\nagri,30\nmanu,1\nserv,1\n");
  expect_contains(input_error_of([&] { load_regional_sizes(path, parent_); }),
                  path + ":1: expected the header code,<measure>");
}

}  // namespace
}  // namespace icsim::io
