// The output of the largest firms (include/icsim/abm/top_firms.hpp).
#include "icsim/abm/top_firms.hpp"

#include <algorithm>
#include <functional>
#include <vector>

namespace icsim::abm {

double top_firms_output(const FirmPopulation& firms, std::size_t n) {
  if (n == 0) return 0.0;
  // The n largest outputs seen so far as a min-heap: one comparison per firm with the smallest
  // of them, which rejects almost every firm (the same multiset of values as a full selection).
  thread_local std::vector<double> top;
  top.clear();
  top.reserve(n);
  const std::uint8_t* flags = firms.flags.data();
  const double* output = firms.output.data();
  const std::size_t size = firms.size();
  std::size_t i = 0;
  for (; i < size && top.size() < n; ++i)
    if (flags[i] & kActive) top.push_back(output[i]);
  std::make_heap(top.begin(), top.end(), std::greater<>());
  for (; i < size; ++i) {
    if (!(flags[i] & kActive) || !(output[i] > top.front())) continue;
    std::pop_heap(top.begin(), top.end(), std::greater<>());
    top.back() = output[i];
    std::push_heap(top.begin(), top.end(), std::greater<>());
  }
  std::sort(top.begin(), top.end(), std::greater<>());
  double sum = 0;
  for (double x : top) sum += x;
  return sum;
}

}  // namespace icsim::abm
