#pragma once
// Reading a result file that carries no seal (written by an icsim older than the seal,
// integrity.hpp) in a child process first: HDF5 1.10 crashes (SIGSEGV) or prints "infinite loop
// closing library" on some damaged files, and without a checksum nothing else can tell a
// damaged file from a whole one. The child opens the file and reads every attribute and every
// dataset; the parent goes on only if the child ended normally.
#include <string>

namespace icsim::output::detail {

// Throws icsim::InputError naming the file when the child crashed, hung (past `seconds`) or
// could not read every object; returns normally when it read the file cleanly (or when no child
// can be started, in which case the caller reads the file as before).
void probe_unsealed(const std::string& path, int seconds = 300);

}  // namespace icsim::output::detail
