#pragma once
// Reading every object of a result file, in process (ResultReader::verify) and in a child
// process for a file that carries no seal (written by an icsim older than the seal,
// integrity.hpp): HDF5 1.10 crashes (SIGSEGV) or prints "infinite loop closing library" on some
// damaged files, and without a checksum nothing else can tell a damaged file from a whole one.
#include <hdf5.h>

#include <cstddef>
#include <string>

namespace icsim::output::detail {

// Reads every attribute and every dataset of the open `file`, one at a time; text must be
// UTF-8. Throws icsim::InputError naming `path` and the first object that cannot be read.
// Returns the number of datasets read.
std::size_t verify_objects(hid_t file, const std::string& path);

// Opens `path` in a child process and runs verify_objects there; the parent goes on only if
// the child ended normally. Throws icsim::InputError naming the file (with the child's message,
// or the signal that ended it) when the child failed, crashed or hung (past `seconds`); returns
// normally when no child can be started, in which case the caller reads the file as before.
void probe_unsealed(const std::string& path, int seconds = 300);

}  // namespace icsim::output::detail
