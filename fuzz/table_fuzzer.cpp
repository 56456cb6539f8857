// libFuzzer target: the table-folder loader (io::load_table) on arbitrary files.
// Input: the files of a table folder, in the order of kFiles, separated by lines "%%"
// (tools/fuzz.sh builds the seed corpus this way from the bundled tables). Missing parts leave
// the file absent. Every outcome but InputError/ModelError (a crash, a sanitizer report, another
// exception) is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_input.hpp"
#include "icsim/common/error.hpp"
#include "icsim/io/table_format.hpp"

namespace {
constexpr const char* kFiles[] = {"table.toml",      "sectors.csv", "Z.csv",
                                  "final_demand.csv", "value_added.csv", "imports.csv",
                                  "satellites.csv",   "gfcf_bridge.csv"};
constexpr std::string_view kSeparator = "\n%%\n";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fs = std::filesystem;
  const fs::path dir = icsim::fuzz::scratch() / "table";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (const char* name : kFiles) {
    if (rest.empty()) break;
    const std::size_t cut = rest.find(kSeparator);
    icsim::fuzz::write_file(dir / name, rest.substr(0, cut));
    rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + kSeparator.size());
  }
  try {
    icsim::io::load_table(dir.string());
  } catch (const icsim::InputError&) {
  } catch (const icsim::ModelError&) {
  }
  return 0;
}
