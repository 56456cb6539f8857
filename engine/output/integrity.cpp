// The seal of a result file (integrity.hpp): a text header in the HDF5 user block,
//
//   icsim-result-seal 1\n
//   bytes N\n            the length of the file after the 512-byte user block
//   xxh3-128 HEX\n       XXH3-128 of those N bytes, 32 hexadecimal digits
//
// padded with zero bytes to 512. The hash is xxHash's XXH3 (libxxhash): a checksum against
// corruption, not a signature against tampering.
#include "integrity.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>
#include <system_error>
#include <vector>

#include "icsim/common/error.hpp"

namespace icsim::output::detail {
namespace {

constexpr std::string_view kMagic = "icsim-result-seal 1\n";
constexpr std::string_view kHdf5Signature{"\x89HDF\r\n\x1a\n", 8};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Reads up to `size` bytes at `offset`; returns how many were read (fewer only at the end).
std::size_t read_at(int fd, char* buffer, std::size_t size, off_t offset, const std::string& path) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, buffer + done, size - done, offset + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot read " + path);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

struct Digest {
  std::uint64_t bytes = 0;
  XXH128_hash_t hash{};
};

// Length and XXH3-128 of the file from the end of the user block to its end.
Digest digest(int fd, const std::string& path) {
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                 XXH3_freeState);
  if (!state || XXH3_128bits_reset(state.get()) == XXH_ERROR) throw std::bad_alloc();
  std::vector<char> buffer(1 << 20);
  Digest d;
  off_t offset = static_cast<off_t>(kUserBlockBytes);
  for (;;) {
    const std::size_t n = read_at(fd, buffer.data(), buffer.size(), offset, path);
    if (n == 0) break;
    XXH3_128bits_update(state.get(), buffer.data(), n);
    d.bytes += n;
    offset += static_cast<off_t>(n);
  }
  d.hash = XXH3_128bits_digest(state.get());
  return d;
}

std::string hex(const XXH128_hash_t& hash) {
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(hash.high64),
                static_cast<unsigned long long>(hash.low64));
  return text;
}

std::string header_text(std::uint64_t bytes, const std::string& hash) {
  return std::string(kMagic) + "bytes " + std::to_string(bytes) + "\nxxh3-128 " + hash + "\n";
}

}  // namespace

void seal(const std::string& path) {
  Fd file{::open(path.c_str(), O_RDWR | O_CLOEXEC)};
  if (file.fd < 0) throw_errno("cannot open " + path);
  std::array<char, kUserBlockBytes> block{};
  const Digest d = digest(file.fd, path);
  const std::string text = header_text(d.bytes, hex(d.hash));
  std::memcpy(block.data(), text.data(), text.size());
  std::size_t done = 0;
  while (done < block.size()) {
    const ssize_t n =
        ::pwrite(file.fd, block.data() + done, block.size() - done, static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot write " + path);
    }
    done += static_cast<std::size_t>(n);
  }
  const int fd = file.fd;
  file.fd = -1;
  if (::close(fd) != 0) throw_errno("cannot close " + path);
}

SealStatus check_seal(const std::string& path) {
  Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) {
    throw InputError(path + ": cannot open the result file: " + std::strerror(errno));
  }
  std::array<char, kUserBlockBytes> block{};
  std::size_t got = 0;
  try {
    got = read_at(file.fd, block.data(), block.size(), 0, path);
  } catch (const std::system_error& e) {
    throw InputError(path + ": " + e.what());
  }
  const std::string_view head(block.data(), got);
  if (head.substr(0, kHdf5Signature.size()) == kHdf5Signature) return SealStatus::kUnsealed;
  if (head.substr(0, kMagic.size()) != kMagic) return SealStatus::kMissing;
  // The header must be exactly what seal() writes, followed by zero bytes only.
  const std::size_t end = std::min(head.find('\0'), head.size());
  const std::string_view text = head.substr(0, end);
  unsigned long long bytes = 0;
  char hash[33] = {};
  const bool parsed = got == kUserBlockBytes &&
                      std::sscanf(std::string(text.substr(kMagic.size())).c_str(),
                                  "bytes %llu\nxxh3-128 %32s", &bytes, hash) == 2 &&
                      std::strspn(hash, "0123456789abcdef") == 32 &&
                      text == header_text(bytes, hash) &&
                      head.find_first_not_of('\0', end) == std::string_view::npos;
  if (!parsed) {
    throw InputError(path + ": damaged: the result seal in its first " +
                     std::to_string(kUserBlockBytes) +
                     " bytes cannot be read (the file was changed or corrupted after icsim wrote "
                     "it; write it again)");
  }
  Digest d;
  try {
    d = digest(file.fd, path);
  } catch (const std::system_error& e) {
    throw InputError(path + ": " + e.what());
  }
  if (d.bytes != bytes) {
    throw InputError(path +
                     ": damaged: " + std::string(d.bytes < bytes ? "truncated" : "extended") +
                     " (" + std::to_string(d.bytes + kUserBlockBytes) +
                     " bytes where icsim wrote " + std::to_string(bytes + kUserBlockBytes) +
                     "); the file was changed after icsim wrote it: write it again");
  }
  if (hex(d.hash) != hash) {
    throw InputError(path +
                     ": damaged: its checksum does not match the one icsim wrote (xxh3-128 " +
                     hex(d.hash) + " where the seal says " + hash +
                     "); the file was changed or corrupted after icsim wrote it: write it again");
  }
  return SealStatus::kVerified;
}

}  // namespace icsim::output::detail
