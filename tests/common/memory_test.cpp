// Memory available to the process and byte counts for messages (common/memory.hpp).
#include "icsim/common/memory.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>
#include <string>

using namespace icsim;

TEST(Memory, FormatBytes) {
  EXPECT_EQ(format_bytes(0), "0 bytes");
  EXPECT_EQ(format_bytes(512), "512 bytes");
  EXPECT_EQ(format_bytes(3360), "3.36 kB");
  EXPECT_EQ(format_bytes(87'400), "87.4 kB");
  EXPECT_EQ(format_bytes(796e6), "796 MB");
  EXPECT_EQ(format_bytes(33.6e9), "33.6 GB");
  EXPECT_EQ(format_bytes(999.6e9), "1.00 TB");
}

TEST(Memory, AvailableOnLinuxAndBoundedByTheAddressSpaceLimit) {
  const auto free = available_memory();
  ASSERT_TRUE(free.has_value());  // /proc/meminfo exists on Linux
  EXPECT_GT(free->bytes, 0u);
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer maps terabytes and may map more under a lowered limit";
#endif
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_AS, &saved), 0);
  // A soft limit 64 MB above what the process maps now: at most 64 MB are left.
  rlimit lowered = saved;
  std::ifstream status("/proc/self/status");
  std::string line;
  unsigned long long mapped_kb = 0;
  while (std::getline(status, line))
    if (line.rfind("VmSize:", 0) == 0) mapped_kb = std::stoull(line.substr(7));
  ASSERT_GT(mapped_kb, 0u);
  lowered.rlim_cur = mapped_kb * 1024 + (64ull << 20);
  if (saved.rlim_max != RLIM_INFINITY && lowered.rlim_cur > saved.rlim_max) GTEST_SKIP();
  ASSERT_EQ(setrlimit(RLIMIT_AS, &lowered), 0);
  const auto limited = available_memory();
  setrlimit(RLIMIT_AS, &saved);
  ASSERT_TRUE(limited.has_value());
  EXPECT_LE(limited->bytes, 64ull << 20);
  EXPECT_GT(limited->bytes, 32ull << 20);
  EXPECT_NE(limited->what.find("ulimit -v"), std::string::npos) << limited->what;
}
