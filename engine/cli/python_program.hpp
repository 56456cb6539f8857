#pragma once
// Running the project's Python programs from the icsim command (`icsim report` runs
// tools/python/icsim_report.py, `icsim io|impact WORKBOOK.xlsx` runs
// tools/importers/workbook.py): one way to find the interpreter and to start a program without
// a shell.
#include <string>
#include <vector>

namespace icsim::cli {

// The value of an environment variable, "" when unset.
std::string env(const char* name);

// The interpreter: $ICSIM_PYTHON (a path, or a name looked up on PATH), else /usr/bin/python3
// (Debian's, with the packages of tools/install-deps.sh), else python3 on PATH. InputError
// naming what to install (`install_hint`) when there is none.
std::string find_python(const std::string& install_hint);

// `file` in the folder named by the environment variable `env_var`, else in `built_in` (the
// source tree's folder, a compile definition, or nullptr); InputError naming the path and
// `env_var` when it is not there.
std::string find_program(const char* env_var, const char* built_in, const std::string& file);

// Runs `args` (args[0] a path, no shell) and returns its exit status, 128 + the signal number if
// it was killed. With `stderr_file`, the program's standard error goes to that file.
// InputError ending in `install_hint` when the program cannot be started.
int run_program(const std::vector<std::string>& args, const std::string& install_hint,
                const std::string& stderr_file = {});

}  // namespace icsim::cli
