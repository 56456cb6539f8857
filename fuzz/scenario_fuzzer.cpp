// libFuzzer target: the TOML scenario loader (scenario::validate_scenario, both passes) on an
// arbitrary scenario file. The file sits in a scratch folder that links tests/data/scenario's
// `tables` and `concordances`, so that seeds such as full.toml load their data too.
// Diagnostics are the expected outcome; an InputError escaping is accepted as well; a crash, a
// sanitizer report or any other exception is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_input.hpp"
#include "icsim/common/error.hpp"
#include "icsim/scenario/load.hpp"

#ifndef ICSIM_FUZZ_SCENARIO_DATA
#error "ICSIM_FUZZ_SCENARIO_DATA (tests/data/scenario) must be defined"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fs = std::filesystem;
  static const fs::path dir = [] {
    const fs::path d = icsim::fuzz::scratch() / "scenario";
    fs::create_directories(d);
    for (const char* link : {"tables", "concordances"}) {
      std::error_code ec;
      fs::create_directory_symlink(fs::path(ICSIM_FUZZ_SCENARIO_DATA) / link, d / link, ec);
    }
    return d;
  }();
  const fs::path file = dir / "s.toml";
  icsim::fuzz::write_file(file, std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    icsim::scenario::validate_scenario(file.string());
  } catch (const icsim::InputError&) {
  }
  return 0;
}
