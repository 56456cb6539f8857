// The child-process probe of unsealed result files (hdf5_probe.hpp).
#include "hdf5_probe.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <thread>

#include "hdf5_quiet.hpp"
#include "hdf5_support.hpp"
#include "icsim/common/error.hpp"

namespace icsim::output::detail {
namespace {

// The child's work: 0 when every object was read, 2 with the message written to `fd` when not.
int verify_in_child(const std::string& path, int fd) {
  std::string message;
  {
    QuietErrors quiet;
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
      message = path + ": cannot open the result file: " + hdf5_error_text();
    } else {
      try {
        verify_objects(file, path);
      } catch (const std::exception& e) {
        message = e.what();
      }
      if (message.empty() && H5Fclose(file) < 0) message = path + ": cannot close the file";
    }
  }
  if (message.empty()) return 0;
  std::size_t done = 0;
  while (done < message.size()) {
    const ssize_t n = ::write(fd, message.data() + done, message.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  return 2;
}

const char* const kWhy =
    " (the file has no result seal, so it was read in a separate process first; "
    "docs/results.md, \"Integrity\")";

}  // namespace

void probe_unsealed(const std::string& path, int seconds) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;  // no child: read as before
  std::cout.flush();
  std::cerr.flush();
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  if (child == 0) {
    // stderr closed: HDF5's messages at exit ("infinite loop closing library") stay here, and
    // _exit skips HDF5's clean-up at exit, which loops on some damaged files.
    ::close(fds[0]);
    ::close(STDERR_FILENO);
    ::_exit(verify_in_child(path, fds[1]));
  }
  ::close(fds[1]);
  // The message is short (one line), so the child never blocks on a full pipe.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) {
      ::close(fds[0]);
      return;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      ::close(fds[0]);
      throw InputError(path + ": damaged or unreadable: reading it took longer than " +
                       std::to_string(seconds) + " s" + kWhy);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::string message;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n > 0)
      message.append(buffer, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR)
      break;
  }
  ::close(fds[0]);
  if (WIFSIGNALED(status))
    throw InputError(path + ": damaged: the HDF5 library crashed reading it (" +
                     std::string(strsignal(WTERMSIG(status))) + ")" + kWhy);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw InputError(
        (message.empty() ? path + ": damaged: not every object can be read" : message) + kWhy);
}

}  // namespace icsim::output::detail
