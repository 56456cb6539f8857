#include "cli/options.hpp"

#include <iostream>

#include "icsim/common/error.hpp"

namespace icsim::cli {

namespace po = boost::program_options;

namespace {
constexpr int kMaxThreads = 1 << 16;  // as OMP_NUM_THREADS is read (common/threads.cpp)
}  // namespace

bool parse_command_line(int argc, char** argv, const po::options_description& visible,
                        const po::options_description& hidden, const char* positional,
                        int max_positional, const std::string& command,
                        const std::string& help_footer, po::variables_map& vm) {
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description pos;
  pos.add(positional, max_positional);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(std::string(e.what()) + " (see 'icsim " + command + " --help')");
  }
  // Every command's --threads: 0 means "all cores"; a negative count is a mistake, not a default.
  if (vm.count("threads") && !vm["threads"].defaulted()) {
    const auto* threads = boost::any_cast<int>(&vm["threads"].value());
    if (threads && (*threads < 0 || *threads > kMaxThreads))
      throw InputError("--threads " + std::to_string(*threads) + ": expected 0 (all cores) to " +
                       std::to_string(kMaxThreads) + " (see 'icsim " + command + " --help')");
  }
  if (!vm.count("help")) return false;
  std::cout << visible << "\n" << help_footer;
  return true;
}

}  // namespace icsim::cli
