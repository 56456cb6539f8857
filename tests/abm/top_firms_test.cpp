#include "icsim/abm/top_firms.hpp"

#include <gtest/gtest.h>

using namespace icsim::abm;

namespace {

// Five firms by hand: outputs 3, 9, 1, 7, 5; the firm with 9 has exited (output kept only to
// show that exited firms never count) and the firm with 1 is under construction (active, 0
// output would also be fine).
FirmPopulation five_firms() {
  FirmPopulation f;
  f.resize(5);
  const double output[] = {3, 9, 1, 7, 5};
  for (std::size_t i = 0; i < 5; ++i) {
    f.output[i] = output[i];
    f.flags[i] = kActive;
  }
  f.flags[1] = 0;                             // exited
  f.flags[2] = kActive | kUnderConstruction;  // active
  return f;
}

}  // namespace

TEST(TopFirms, SumsTheLargestActiveOutputs) {
  const FirmPopulation f = five_firms();
  // Active outputs 3, 1, 7, 5: the two largest are 7 + 5 = 12, the three largest 15.
  EXPECT_DOUBLE_EQ(top_firms_output(f, 0), 0.0);
  EXPECT_DOUBLE_EQ(top_firms_output(f, 1), 7.0);
  EXPECT_DOUBLE_EQ(top_firms_output(f, 2), 12.0);
  EXPECT_DOUBLE_EQ(top_firms_output(f, 3), 15.0);
  // More than the active firms: all of them, 16 (the exited firm's 9 never counts).
  EXPECT_DOUBLE_EQ(top_firms_output(f, 4), 16.0);
  EXPECT_DOUBLE_EQ(top_firms_output(f, 100), 16.0);
}

TEST(TopFirms, TiesAndOrderDoNotMatter) {
  FirmPopulation f;
  f.resize(4);
  const double output[] = {2, 5, 5, 1};
  for (std::size_t i = 0; i < 4; ++i) f.output[i] = output[i], f.flags[i] = kActive;
  EXPECT_DOUBLE_EQ(top_firms_output(f, 2), 10.0);  // the tie at 5 gives 5 + 5 either way
  EXPECT_DOUBLE_EQ(top_firms_output(f, 3), 12.0);
  std::swap(f.output[0], f.output[2]);
  EXPECT_DOUBLE_EQ(top_firms_output(f, 3), 12.0);
  EXPECT_DOUBLE_EQ(top_firms_output(FirmPopulation{}, 3), 0.0);  // no firms
}
