#pragma once
// A result file's seal: icsim writes its HDF5 result files with a 512-byte user block (which
// HDF5 and every HDF5 reader skip) and, once the HDF5 part is closed, writes into that block a
// header naming the length and the XXH3-128 checksum of everything after it (docs/results.md,
// "Integrity"). A reader checks the seal before HDF5 parses any byte, so a truncated, extended
// or bit-flipped file is refused with a message instead of reaching the HDF5 library, which
// crashes or hangs on some damaged metadata and global heaps.
#include <cstddef>
#include <string>

namespace icsim::output::detail {

constexpr std::size_t kUserBlockBytes = 512;

// Writes the header into the user block of the closed HDF5 file at `path`. Throws
// std::system_error on an I/O failure.
void seal(const std::string& path);

// What check_seal found: a sealed file whose checksum matched; an HDF5 file without a user block
// (written by an icsim older than the seal), which cannot be checked; or neither a seal nor an
// HDF5 signature at the start (not HDF5, or an HDF5 file with a user block that is not a seal,
// for instance a seal damaged in its first bytes): the caller tells these apart.
enum class SealStatus { kVerified, kUnsealed, kMissing };

// Checks the seal of the file at `path`. Throws icsim::InputError naming the file for a damaged
// header, a length that does not match (truncated or extended) or a checksum that does not match.
SealStatus check_seal(const std::string& path);

}  // namespace icsim::output::detail
