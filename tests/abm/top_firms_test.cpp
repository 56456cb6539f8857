#include "icsim/abm/top_firms.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

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

TEST(TopFirms, EqualsAFullSortOnALargePopulation) {
  // 5,000 firms with log-spread outputs, many ties, every seventh one exited: the sum must equal
  // the largest-first sum of a full sort of the active outputs, bit for bit.
  FirmPopulation f;
  f.resize(5000);
  std::uint64_t x = 88172645463325252ull;
  std::vector<double> active;
  for (std::size_t i = 0; i < f.size(); ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    f.output[i] = static_cast<double>(x % 977) * static_cast<double>(1 + (x >> 40) % 50) * 0.37;
    f.flags[i] = i % 7 == 3 ? 0 : kActive;
    if (f.flags[i] & kActive) active.push_back(f.output[i]);
  }
  std::sort(active.begin(), active.end(), std::greater<>());
  for (std::size_t n : {1u, 2u, 99u, 100u, 101u, 4000u, 4285u, 4286u, 6000u}) {
    double expected = 0;
    for (std::size_t k = 0; k < std::min(n, active.size()); ++k) expected += active[k];
    EXPECT_EQ(top_firms_output(f, n), expected) << "n = " << n;
  }
}
