#pragma once
// Shared by the fuzz targets: a private scratch folder per process (in /dev/shm when there is
// one, so that the many small writes stay in memory) and writing a file there.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace icsim::fuzz {

// Removes the scratch folder when the process exits (libFuzzer ends with exit()).
struct ScratchCleanup {
  std::filesystem::path dir;
  ~ScratchCleanup() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    std::filesystem::path base = std::filesystem::is_directory("/dev/shm")
                                     ? std::filesystem::path("/dev/shm")
                                     : std::filesystem::temp_directory_path();
    auto d = base / ("icsim_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  static const ScratchCleanup cleanup{dir};
  return dir;
}

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(),
                                              static_cast<std::streamsize>(bytes.size()));
}

}  // namespace icsim::fuzz
