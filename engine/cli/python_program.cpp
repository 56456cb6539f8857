// Finding and running the project's Python programs (python_program.hpp).
#include "cli/python_program.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include "icsim/common/error.hpp"

extern char** environ;

namespace icsim::cli {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
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

}  // namespace

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string find_python(const std::string& install_hint) {
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
                   install_hint);
}

std::string find_program(const char* env_var, const char* built_in, const std::string& file) {
  std::string dir = env(env_var);
  const bool from_env = !dir.empty();
  if (dir.empty() && built_in != nullptr) dir = built_in;
  const std::string program = dir + "/" + file;
  struct stat st {};
  if (dir.empty())
    throw InputError("cannot find " + file + ": set " + env_var + " to the folder holding it");
  if (::stat(program.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw InputError(program + ": missing" +
                     (from_env
                          ? std::string(" (") + env_var + " is set)"
                          : std::string("; set ") + env_var + " to the folder holding " + file));
  return program;
}

int run_program(const std::vector<std::string>& args, const std::string& install_hint,
                const std::string& stderr_file) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!stderr_file.empty())
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::cout.flush();
  std::cerr.flush();
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw InputError("cannot start " + args[0] + ": " + std::strerror(rc) + "; " + install_hint);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace icsim::cli
