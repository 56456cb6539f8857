// Hypothetical extraction on a three-sector economy solved by hand.
#include "icsim/io/extraction.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "icsim/common/error.hpp"
#include "support/checks.hpp"

namespace icsim::io {
namespace {

using icsim::test::mat;

constexpr double kTol = 1e-10;

void expect_vector_near(const Eigen::VectorXd& got, std::initializer_list<double> want,
                        const std::string& what) {
  ASSERT_EQ(got.size(), static_cast<Eigen::Index>(want.size())) << what;
  Eigen::Index i = 0;
  for (double w : want) {
    EXPECT_NEAR(got(i), w, kTol) << what << "(" << i << ")";
    ++i;
  }
}

// The textbook economy (Miller & Blair 2009, ch. 2 coefficients) at x = (100, 100, 100):
//   A = [0.2 0.3 0.2; 0.4 0.1 0.2; 0.1 0.3 0.2], Z = 100 A, f = x - Z 1 = (30, 30, 40),
//   value added = x - Z'1 = (30, 30, 40). 1'x = 300.
IOTable textbook() {
  IOTable t;
  t.meta.name = "textbook";
  t.codes = {"s1", "s2", "s3"};
  t.names = t.codes;
  t.names_zh = {"", "", ""};
  t.sector_region = {"", "", ""};
  t.Z = mat({{20, 30, 20}, {40, 10, 20}, {10, 30, 20}});
  t.final_demand.labels = {"household", "exports"};
  t.final_demand.values = mat({{20, 10}, {25, 5}, {10, 30}});
  t.value_added.labels = {"value_added"};
  t.value_added.values = mat({{30, 30, 40}});
  t.imports.values = Eigen::MatrixXd(0, 3);
  t.satellites.values = Eigen::MatrixXd(0, 3);
  return t;
}

TEST(ExtractionTest, CompleteExtractionOfOneSectorByHand) {
  // Drop sector 3: A_kk = [0.2 0.3; 0.4 0.1], f_k = (30, 30).
  // I - A_kk = [0.8 -0.3; -0.4 0.9], det = 0.72 - 0.12 = 0.6,
  // (I - A_kk)^-1 = [0.9 0.3; 0.4 0.8] / 0.6, x-bar = (36, 36) / 0.6 = (60, 60).
  ExtractionResult r = extract(textbook(), {2}, ExtractionKind::complete);
  EXPECT_EQ(r.extracted, (std::vector<std::string>{"s3"}));
  EXPECT_EQ(r.kind, ExtractionKind::complete);
  EXPECT_NEAR(r.output_before, 300, kTol);
  EXPECT_NEAR(r.output_after, 120, kTol);
  EXPECT_NEAR(r.loss(), 180, kTol);
  EXPECT_NEAR(r.loss_share(), 0.6, kTol);
  expect_vector_near(r.output_change, {-40, -40, -100}, "change");
}

TEST(ExtractionTest, BackwardExtractionByHand) {
  // Zero column 3 of A. Sectors 1, 2 no longer depend on sector 3's output: x-bar_1,2 = (60, 60)
  // as above; x-bar_3 = 0.1*60 + 0.3*60 + 40 = 64. 1'x-bar = 184, loss 116.
  ExtractionResult r = extract(textbook(), {2}, ExtractionKind::backward);
  EXPECT_NEAR(r.output_after, 184, kTol);
  EXPECT_NEAR(r.loss(), 116, kTol);
  expect_vector_near(r.output_change, {-40, -40, -36}, "change");
}

TEST(ExtractionTest, ForwardExtractionByHand) {
  // Zero row 3 of A: x-bar_3 = f_3 = 40; x-bar_1,2 = (I - A_kk)^-1 (f_k + A_k3 * 40)
  // = [0.9 0.3; 0.4 0.8] / 0.6 * (38, 38) = (45.6, 45.6) / 0.6 = (76, 76). 1'x-bar = 192.
  ExtractionResult r = extract(textbook(), {2}, ExtractionKind::forward);
  EXPECT_NEAR(r.output_after, 192, kTol);
  EXPECT_NEAR(r.loss(), 108, kTol);
  expect_vector_near(r.output_change, {-24, -24, -60}, "change");
}

TEST(ExtractionTest, CompleteExtractionOfASet) {
  // Keep sector 3 alone: x-bar_3 = 40 / (1 - 0.2) = 50.
  ExtractionResult r = extract(textbook(), {1, 0}, ExtractionKind::complete);
  EXPECT_EQ(r.extracted, (std::vector<std::string>{"s2", "s1"}));
  EXPECT_NEAR(r.output_after, 50, kTol);
  EXPECT_NEAR(r.loss(), 250, kTol);
  expect_vector_near(r.output_change, {-100, -100, -50}, "change");
}

TEST(ExtractionTest, BackwardExtractionOfASet) {
  // Zero columns 1 and 2: sector 3 keeps only its own column, x-bar_3 = 40 / 0.8 = 50;
  // x-bar_1 = 30 + 0.2 * 50 = 40, x-bar_2 = 30 + 0.2 * 50 = 40.
  ExtractionResult r = extract(textbook(), {0, 1}, ExtractionKind::backward);
  EXPECT_NEAR(r.output_after, 130, kTol);
  expect_vector_near(r.output_change, {-60, -60, -50}, "change");
}

TEST(ExtractionTest, ExtractingEverything) {
  ExtractionResult r = extract(textbook(), {0, 1, 2}, ExtractionKind::complete);
  EXPECT_EQ(r.output_after, 0.0);
  EXPECT_NEAR(r.loss_share(), 1.0, kTol);
  expect_vector_near(r.output_change, {-100, -100, -100}, "change");
  // Backward and forward of all sectors leave final demand only: x-bar = f.
  ExtractionResult b = extract(textbook(), {0, 1, 2}, ExtractionKind::backward);
  expect_vector_near(b.output_change, {-70, -70, -60}, "backward");
  ExtractionResult f = extract(textbook(), {0, 1, 2}, ExtractionKind::forward);
  expect_vector_near(f.output_change, {-70, -70, -60}, "forward");
}

TEST(ExtractionTest, ExtractingNothingChangesNothing) {
  for (ExtractionKind kind :
       {ExtractionKind::complete, ExtractionKind::backward, ExtractionKind::forward}) {
    ExtractionResult r = extract(textbook(), {}, kind);
    EXPECT_TRUE(r.extracted.empty());
    EXPECT_EQ(r.output_after, r.output_before);
    EXPECT_EQ(r.loss(), 0.0);
    EXPECT_EQ(r.loss_share(), 0.0);
    expect_vector_near(r.output_change, {0, 0, 0}, "change");
  }
}

TEST(ExtractionTest, ExtractingLinksThatDoNotExistChangesNothing) {
  // Sector 3 sells nothing to industries (zero row of Z) and buys nothing (zero column):
  // backward or forward extraction of it goes through the solver and changes nothing.
  IOTable t = textbook();
  t.Z.row(2).setZero();
  t.Z.col(2).setZero();
  t.final_demand.values.row(2) << 50, 50;  // x_3 = 100
  t.value_added.values(0, 2) = 100;
  for (ExtractionKind kind : {ExtractionKind::backward, ExtractionKind::forward}) {
    ExtractionResult r = extract(t, {2}, kind);
    EXPECT_NEAR(r.loss(), 0.0, kTol);
    expect_vector_near(r.output_change, {0, 0, 0}, "change");
  }
}

TEST(ExtractionTest, DuplicatesAreIgnoredAndBadIndicesRejected) {
  ExtractionResult r = extract(textbook(), {2, 2}, ExtractionKind::complete);
  EXPECT_EQ(r.extracted, (std::vector<std::string>{"s3"}));
  EXPECT_NEAR(r.output_after, 120, kTol);
  try {
    extract(textbook(), {3}, ExtractionKind::backward);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("sector index 3 is out of range (the table has 3"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(extract(textbook(), {-1}, ExtractionKind::forward), InputError);
}

}  // namespace
}  // namespace icsim::io
