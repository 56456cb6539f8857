#include "icsim/abm/firms.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

using namespace icsim::abm;

namespace {

// FirmPopulation::for_each_array lists the arrays; kArrays and bytes_per_firm() must agree with it.
constexpr std::size_t kArrays = 16;

struct Census {
  std::size_t arrays = 0, min_size = static_cast<std::size_t>(-1), max_size = 0,
              min_capacity = static_cast<std::size_t>(-1);
  std::size_t element_bytes = 0;  // Σ sizeof(element) over the arrays
};

Census census(FirmPopulation& p) {
  Census c;
  p.for_each_array([&](auto& v) {
    ++c.arrays;
    c.min_size = std::min(c.min_size, v.size());
    c.max_size = std::max(c.max_size, v.size());
    c.min_capacity = std::min(c.min_capacity, v.capacity());
    c.element_bytes += sizeof(typename std::decay_t<decltype(v)>::value_type);
  });
  return c;
}

void expect_defaults(const FirmPopulation& p, std::size_t i) {
  EXPECT_EQ(p.sector[i], 0);
  EXPECT_EQ(p.district[i], 0);
  EXPECT_EQ(p.flags[i], kActive);
  EXPECT_EQ(p.mujun_class[i], MujunClass::unrated);
  EXPECT_EQ(p.years_in_d[i], 0);
  EXPECT_EQ(p.capacity[i], 0.0);
  EXPECT_EQ(p.output[i], 0.0);
  EXPECT_EQ(p.capital[i], 0.0);
  EXPECT_EQ(p.productivity[i], 1.0f);
  EXPECT_EQ(p.value_added_rate[i], 0.0f);
  EXPECT_EQ(p.tax_rate[i], 0.0f);
  EXPECT_EQ(p.labour_per_output[i], 0.0f);
  EXPECT_EQ(p.energy_per_output[i], 0.0f);
  EXPECT_EQ(p.land[i], 0.0);
  EXPECT_EQ(p.plot_ratio[i], 1.0f);
}

}  // namespace

TEST(Firms, ListsEveryArrayAndMatchesBytesPerFirm) {
  // A vector field missing from the list above changes sizeof(FirmPopulation).
  static_assert(sizeof(FirmPopulation) == kArrays * sizeof(std::vector<double>));
  FirmPopulation p;
  const Census c = census(p);
  EXPECT_EQ(c.arrays, kArrays);
  // 4 doubles (capacity, output, capital, land), 6 floats, 1 uint32, 2 uint16, 3 bytes = 67.
  EXPECT_EQ(c.element_bytes, 67u);
  EXPECT_EQ(c.element_bytes, FirmPopulation::bytes_per_firm())
      << "bytes_per_firm() in include/icsim/abm/firms.hpp disagrees with the arrays";
}

TEST(Firms, ReserveReachesEveryArray) {
  FirmPopulation p;
  p.reserve(1000);
  const Census c = census(p);
  EXPECT_GE(c.min_capacity, 1000u);
  EXPECT_EQ(c.max_size, 0u);
  EXPECT_EQ(p.size(), 0u);
}

TEST(Firms, ResizeReachesEveryArrayWithNeutralValues) {
  FirmPopulation p;
  p.resize(37);
  Census c = census(p);
  EXPECT_EQ(c.min_size, 37u);
  EXPECT_EQ(c.max_size, 37u);
  EXPECT_EQ(p.size(), 37u);
  for (std::size_t i = 0; i < p.size(); ++i) {
    expect_defaults(p, i);
    EXPECT_EQ(p.id[i], i);
  }
  p.capacity[3] = 5;
  p.resize(40);  // growing keeps existing firms
  EXPECT_EQ(p.capacity[3], 5.0);
  expect_defaults(p, 39);
  p.resize(10);
  c = census(p);
  EXPECT_EQ(c.min_size, 10u);
  EXPECT_EQ(c.max_size, 10u);
}

TEST(Firms, PushBackDefaultsAppendsToEveryArray) {
  FirmPopulation p;
  p.resize(5);
  const std::size_t i = p.push_back_defaults();
  EXPECT_EQ(i, 5u);
  const std::size_t j = p.push_back_defaults();
  EXPECT_EQ(j, 6u);
  const Census c = census(p);
  EXPECT_EQ(c.min_size, 7u);
  EXPECT_EQ(c.max_size, 7u);
  expect_defaults(p, i);
  expect_defaults(p, j);
  EXPECT_EQ(p.id[i], 5u);
  EXPECT_EQ(p.id[j], 6u);
}
