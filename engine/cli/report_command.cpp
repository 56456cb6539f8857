// `icsim report RESULT.h5 [ALTERNATIVE.h5 ...] -o DIR`: writes DIR/index.html, a self-contained
// HTML page with PNG charts about result files (targets against their thresholds, summary
// table, cluster trajectories, sweep and seek sections, alternatives against a control). The
// page is made by the Python program tools/python/icsim_report.py (matplotlib); this command
// reads every input through once with the engine's reader, checks the output folder, finds
// Python and the program, and runs it without a shell (docs/report.md).
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "icsim/common/error.hpp"
#include "icsim/io/atomic_file.hpp"
#include "icsim/output/result_reader.hpp"

extern char** environ;

namespace po = boost::program_options;

namespace icsim::cli {
namespace {

constexpr const char* kInstall =
    "install Python 3 with matplotlib, h5py, numpy, pandas, xarray and h5netcdf and the font "
    "fonts-noto-cjk: tools/install-deps.sh";

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// `name` in the folders of PATH, or "" if it is in none.
std::string search_path(const std::string& name) {
  const std::string path = env("PATH");
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find(':', start), path.size());
    const std::string dir = path.substr(start, end - start);
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (is_executable_file(candidate)) return candidate;
    start = end + 1;
  }
  return {};
}

// The interpreter: $ICSIM_PYTHON (a path, or a name looked up on PATH), else /usr/bin/python3
// (Debian's, with the packages of tools/install-deps.sh), else python3 on PATH.
std::string find_python() {
  if (const std::string chosen = env("ICSIM_PYTHON"); !chosen.empty()) {
    if (chosen.find('/') != std::string::npos) {
      if (!is_executable_file(chosen))
        throw InputError("ICSIM_PYTHON=" + chosen + " is not an executable file");
      return chosen;
    }
    if (std::string found = search_path(chosen); !found.empty()) return found;
    throw InputError("ICSIM_PYTHON=" + chosen + " was not found on PATH");
  }
  if (is_executable_file("/usr/bin/python3")) return "/usr/bin/python3";
  if (std::string found = search_path("python3"); !found.empty()) return found;
  throw InputError(std::string("no Python 3 interpreter found (/usr/bin/python3, python3 on "
                               "PATH, or set ICSIM_PYTHON): ") +
                   kInstall);
}

// The folder of icsim_report.py: $ICSIM_PYTHON_DIR, else the source tree's tools/python
// (compile definition ICSIM_PYTHON_DIR in engine/CMakeLists.txt).
std::string find_script() {
  std::string dir = env("ICSIM_PYTHON_DIR");
  const bool from_env = !dir.empty();
#ifdef ICSIM_PYTHON_DIR
  if (dir.empty()) dir = ICSIM_PYTHON_DIR;
#endif
  if (dir.empty())
    throw InputError(
        "cannot find tools/python/icsim_report.py: set ICSIM_PYTHON_DIR to the folder "
        "holding it");
  const std::string script = dir + "/icsim_report.py";
  struct stat st {};
  if (::stat(script.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw InputError(script + ": the report program is missing" +
                     (from_env ? std::string(" (ICSIM_PYTHON_DIR is set)")
                               : std::string(" (set ICSIM_PYTHON_DIR to the folder holding "
                                             "icsim_report.py, e.g. tools/python)")));
  return script;
}

// Runs argv (argv[0] an absolute or relative path, no shell) and returns its exit status
// (128 + signal number if it was killed).
int run_child(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (rc != 0)
    throw InputError("cannot start " + args[0] + ": " + std::strerror(rc) + "; " + kInstall);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    std::cerr << "icsim report: error: " << args[0] << " was killed by signal " << WTERMSIG(status)
              << " (" << ::strsignal(WTERMSIG(status)) << ")\n";
    return 128 + WTERMSIG(status);
  }
  return 1;
}

// A result file the report can read: an HDF5 file written by icsim (root attribute
// icsim_version) whose every attribute and dataset reads back (the engine's own reader), so
// that a truncated, damaged or look-alike file is refused here, located, before Python starts.
void check_result(const std::string& path) {
  const output::ResultReader reader(path);  // missing file, folder, not HDF5, unreadable
  reader.verify();                          // first: a damaged root must not read as "no attribute"
  if (!reader.has_attribute("/", "icsim_version"))
    throw InputError(path +
                     ": not an icsim result file (no root attribute 'icsim_version'; written "
                     "by 'icsim run', 'sweep', 'merge' or 'seek'?)");
}

// check_result in a child process: HDF5 1.10 dereferences wild pointers in some damaged files
// (a corrupted global-heap reference of a variable-length string), and such a crash must reach
// the user as a located input error, not as a segmentation fault. The child ends with _exit,
// so HDF5's own clean-up at exit (which loops on some damaged files) never runs.
void check_result_isolated(const std::string& path) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    check_result(path);
    return;
  }
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    int status = 0;
    std::string message;
    try {
      check_result(path);
    } catch (const std::exception& e) {
      message = e.what();
      status = dynamic_cast<const InputError*>(&e) != nullptr ? 2 : 1;
    } catch (...) {
      message = "unknown error";
      status = 1;
    }
    std::size_t done = 0;
    while (done < message.size()) {
      const ssize_t n = ::write(fds[1], message.data() + done, message.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::_exit(status);
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    check_result(path);
    return;
  }
  std::string message;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n > 0) {
      message.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 2) throw InputError(message);
  if (WIFSIGNALED(status))
    throw InputError(path + ": the file is damaged: the HDF5 library crashed reading it (" +
                     ::strsignal(WTERMSIG(status)) + "); write it again");
  throw std::runtime_error(message.empty() ? "checking " + path + " failed" : message);
}

}  // namespace

int report_command(int argc, char** argv) {
  std::vector<std::string> results;
  std::string out_dir, observed;
  int point = -1;
  bool quiet = false;
  po::options_description visible(
      "Usage: icsim report RESULT.h5 [ALTERNATIVE.h5 ...] -o DIR [--point N] [--quiet]\n\n"
      "Writes DIR/index.html, a self-contained page (no network resources; charts as PNG\n"
      "files in DIR) for readers of the plan: the run's provenance, every evaluated target\n"
      "against its threshold with the probability of reaching it and its 95 % interval (fan\n"
      "chart of the projection, or the distribution of the judged percentage for growth,\n"
      "CAGR, share and change targets), a summary table, the targets not evaluated and why,\n"
      "cluster output by programme, and for sweep files the probability against each swept\n"
      "parameter, for seek files the answers and the bisection steps. With two or more files\n"
      "the first is the control and the others alternatives: overlaid fan charts, paired\n"
      "differences by year and the change in each target's probability with a paired\n"
      "interval (docs/report.md). Open index.html in any browser. Needs Python 3 with\n"
      "matplotlib, h5py, numpy, pandas, xarray, h5netcdf and the font Noto Sans CJK SC\n"
      "(tools/install-deps.sh); ICSIM_PYTHON chooses the interpreter, ICSIM_PYTHON_DIR the\n"
      "folder of icsim_report.py. Every file is read through once before plotting: a\n"
      "damaged or truncated file is refused. Exit status: 0 written, 2 bad input (nothing\n"
      "written), 1 internal error of the report program.\n\n"
      "Options");
  visible.add_options()("help,h", "this help")(
      "out,o", po::value(&out_dir),
      "the folder to write: a new folder, an empty one, or one an earlier 'icsim report' "
      "wrote (replaced whole when the new page is complete; nothing is changed on failure)")(
      "point", po::value(&point),
      "sweep point whose fan charts and cluster trajectories are drawn (default: the point "
      "at the scenario's own values, else 0)")(
      "observed", po::value(&observed),
      "CSV of reported figures (columns metric, year, value, unit) drawn on the fan charts "
      "of the series they measure (default: observed.csv next to the districts file the "
      "scenario names)")("quiet,q", po::bool_switch(&quiet), "print nothing but errors");
  po::options_description hidden;
  hidden.add_options()("result", po::value(&results));
  po::variables_map vm;
  if (parse_command_line(argc, argv, visible, hidden, "result", -1, "report",
                         std::string("Examples:\n") +
                             "  icsim run scenarios/ningbo/baseline.toml -o baseline.h5\n" +
                             "  icsim report baseline.h5 -o baseline-report/\n" +
                             "  xdg-open baseline-report/index.html\n" +
                             "  icsim report baseline.h5 whatif.h5 -o whatif-report/\n" +
                             "  icsim report sweep.h5 -o sweep-report/ --point 3\n",
                         vm))
    return 0;
  if (results.empty()) throw InputError("no result file given (see 'icsim report --help')");
  if (out_dir.empty())
    throw InputError("no output folder given: -o DIR (see 'icsim report --help')");
  if (vm.count("point") && point < 0)
    throw InputError("--point must be 0 or more (see 'icsim report --help')");
  for (const auto& result : results) check_result_isolated(result);
  io::check_output_folder(out_dir, "-o", results);

  const std::string python = find_python();
  const std::string script = find_script();
  std::vector<std::string> args{python, script};
  args.insert(args.end(), results.begin(), results.end());
  args.insert(args.end(), {"-o", out_dir});
  if (vm.count("point")) {
    args.emplace_back("--point");
    args.push_back(std::to_string(point));
  }
  if (!observed.empty()) {
    struct stat st {};
    if (::stat(observed.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      throw InputError(observed + ": --observed: no such file");
    args.insert(args.end(), {"--observed", observed});
  }
  if (quiet) args.emplace_back("--quiet");
  return run_child(args);
}

}  // namespace icsim::cli
