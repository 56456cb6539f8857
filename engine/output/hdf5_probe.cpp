// The child-process probe of unsealed result files (hdf5_probe.hpp).
#include "hdf5_probe.hpp"

#include <hdf5.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "hdf5_quiet.hpp"
#include "hdf5_support.hpp"
#include "icsim/common/error.hpp"

namespace icsim::output::detail {
namespace {

// Reads an attribute or dataset of any type into a scratch buffer (variable-length data
// reclaimed); false when HDF5 reports an error.
bool read_all(hid_t object, bool attribute) {
  Id type(attribute ? H5Aget_type(object) : H5Dget_type(object), H5Tclose);
  Id space(attribute ? H5Aget_space(object) : H5Dget_space(object), H5Sclose);
  if (type < 0 || space < 0) return false;
  Id memory(H5Tget_native_type(type, H5T_DIR_DEFAULT), H5Tclose);
  if (memory < 0) return false;
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  const std::size_t size = H5Tget_size(memory);
  if (n < 0 || size == 0) return false;
  std::vector<unsigned char> buffer(static_cast<std::size_t>(n) * size + 1);
  const herr_t read = attribute
                          ? H5Aread(object, memory, buffer.data())
                          : H5Dread(object, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data());
  if (read < 0) return false;
  if (H5Tdetect_class(memory, H5T_VLEN) > 0 ||
      (H5Tget_class(memory) == H5T_STRING && H5Tis_variable_str(memory) > 0))
    H5Dvlen_reclaim(memory, space, H5P_DEFAULT, buffer.data());
  return true;
}

herr_t read_attribute(hid_t owner, const char* name, const H5A_info_t*, void*) {
  Id attribute(H5Aopen(owner, name, H5P_DEFAULT), H5Aclose);
  return attribute >= 0 && read_all(attribute, true) ? 0 : -1;
}

herr_t read_object(hid_t file, const char* name, const H5O_info_t* info, void*) {
  Id object(H5Oopen(file, name, H5P_DEFAULT), H5Oclose);
  if (object < 0) return -1;
  if (H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, read_attribute, nullptr) < 0)
    return -1;
  if (info->type == H5O_TYPE_DATASET && !read_all(object, false)) return -1;
  return 0;
}

// The child's work: 0 when every object was read.
int read_everything(const std::string& path) {
  QuietErrors quiet;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return 1;
  const herr_t visited =
      H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, read_object, nullptr, H5O_INFO_BASIC);
  return visited < 0 || H5Fclose(file) < 0 ? 1 : 0;
}

}  // namespace

void probe_unsealed(const std::string& path, int seconds) {
  const pid_t child = ::fork();
  if (child < 0) return;  // no child: read as before
  if (child == 0) {
    // stderr closed: HDF5's messages at exit ("infinite loop closing library") stay here.
    ::close(STDERR_FILENO);
    ::_exit(read_everything(path));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) return;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      throw InputError(path + ": damaged or unreadable: reading it took longer than " +
                       std::to_string(seconds) +
                       " s (the file has no result seal, so it was read in a separate process "
                       "first; docs/results.md, \"Integrity\")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (WIFSIGNALED(status))
    throw InputError(path + ": damaged: the HDF5 library crashed reading it (" +
                     std::string(strsignal(WTERMSIG(status))) +
                     "; the file has no result seal, so it was read in a separate process "
                     "first; docs/results.md, \"Integrity\")");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw InputError(path +
                     ": damaged: not every object of the file can be read (the file has no "
                     "result seal, so it was read in a separate process first; "
                     "docs/results.md, \"Integrity\")");
}

}  // namespace icsim::output::detail
