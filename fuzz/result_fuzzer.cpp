// libFuzzer target: the result-file reader (output::ResultReader and read_projection) on an
// arbitrary file, as `icsim compare`, `merge` and `report` open results. The seal check
// (engine/output/integrity.cpp) sees every input; inputs that start with the HDF5 signature
// (unsealed files of older icsim) go through the child-process probe and then HDF5. An
// InputError is the expected outcome; a crash, a sanitizer report or any other exception is a
// finding. Seeds: fuzz/seeds/result/ (a sealed and an unsealed run of the three-sector test
// scenario).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_input.hpp"
#include "icsim/common/error.hpp"
#include "icsim/output/result_reader.hpp"
#include "icsim/output/run_result.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path file = icsim::fuzz::scratch() / "result.h5";
  icsim::fuzz::write_file(file, std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    const icsim::output::ResultReader reader(file.string());
    for (const char* name : {"icsim_version", "scenario_name"})
      if (reader.has_attribute("/", name)) reader.text_attribute("/", name);
    for (const char* name : {"seed", "replications"})
      if (reader.has_attribute("/", name)) reader.integer_attribute("/", name);
    if (reader.has("scenario")) reader.strings("scenario");
    icsim::output::read_projection(reader, 0);
  } catch (const icsim::InputError&) {
  }
  return 0;
}
