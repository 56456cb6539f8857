// `icsim report RESULT.h5 [ALTERNATIVE.h5 ...] -o DIR`: writes DIR/index.html, a self-contained
// HTML page with PNG charts about result files (targets against their thresholds, summary
// table, cluster trajectories, sweep and seek sections, alternatives against a control). The
// page is made by the Python program tools/python/icsim_report.py (matplotlib); this command
// reads every input through once with the engine's reader, checks the output folder, finds
// Python and the program, and runs it without a shell (docs/report.md).
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
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/explain.hpp"
#include "cli/options.hpp"
#include "cli/python_program.hpp"
#include "cli/result_run.hpp"
#include "icsim/common/error.hpp"
#include "icsim/experiment/sensitivity_evidence.hpp"
#include "icsim/io/atomic_file.hpp"
#include "icsim/output/result_reader.hpp"

extern char** environ;

namespace po = boost::program_options;

namespace icsim::cli {
namespace {

constexpr const char* kInstall =
    "install Python 3 with matplotlib, h5py, numpy, pandas, xarray and h5netcdf and the font "
    "fonts-noto-cjk: tools/install-deps.sh";

// A result file the report can read: an HDF5 file written by icsim (root attribute
// icsim_version) whose every attribute and dataset reads back (the engine's own reader), so
// that a truncated, damaged or look-alike file is refused here, located, before Python starts.
// Reading cannot crash: the reader checks a sealed file's checksum before HDF5 sees it and
// reads an unsealed one in a child process first (docs/results.md, "Integrity").
void check_result(const std::string& path) {
  const output::ResultReader reader(path);  // missing file, folder, not HDF5, unreadable
  reader.verify();                          // first: a damaged root must not read as "no attribute"
  if (!reader.has_attribute("/", "icsim_version"))
    throw InputError(path +
                     ": not an icsim result file (no root attribute 'icsim_version'; written "
                     "by 'icsim run', 'sweep', 'merge' or 'seek'?)");
}

// The text of `icsim explain` about every evaluated target of `path` (the point drawn), in a
// temporary file the report program embeds; "" when the file is no run, or is a sweep whose
// point the report chooses itself. With `evidence`, the dominant parameters and lever flags as
// `icsim explain --sensitivity` prints them. The caller removes the file.
std::string explanation_file(const std::string& path, int point,
                             const experiment::SensitivityEvidence* evidence) {
  const output::ResultReader reader(path);
  if (!reader.has("targets/value") || !reader.has("region/gdp")) return "";
  const auto shape = reader.shape("region/gdp");
  const std::size_t points = shape.empty() ? 1 : shape.front();
  if (points > 1 && point < 0) return "";
  const ResultRun run =
      open_result_run(path, point < 0 ? std::nullopt : std::optional<std::size_t>(point), true);
  std::ostringstream text;
  for (const auto& v : run.verdicts) {
    print_explanation(text, experiment::explain(run.projection, v), run.money_unit, evidence);
    text << "\n";
  }
  if (evidence != nullptr) print_levers_without_effect(text, *evidence);
  std::string name = (std::filesystem::temp_directory_path() / "icsim-explain-XXXXXX").string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return "";
  const std::string data = text.str();
  const bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
  ::close(fd);
  if (!ok) {
    std::filesystem::remove(name);
    return "";
  }
  return name;
}

}  // namespace

int report_command(int argc, char** argv) {
  std::vector<std::string> results;
  std::string out_dir, observed, sensitivity;
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
      "scenario names)")(
      "sensitivity", po::value(&sensitivity)->value_name("FILE.h5"),
      "a result of 'icsim sensitivity': each target's dominant parameters and the flags "
      "no_lever_effect and lever_without_effect, as 'icsim explain --sensitivity'")(
      "quiet,q", po::bool_switch(&quiet), "print nothing but errors");
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
  for (const auto& result : results) check_result(result);
  io::check_output_folder(out_dir, "-o", results);

  const std::string python = find_python(kInstall);
#ifdef ICSIM_PYTHON_DIR
  const std::string script = find_program("ICSIM_PYTHON_DIR", ICSIM_PYTHON_DIR, "icsim_report.py");
#else
  const std::string script = find_program("ICSIM_PYTHON_DIR", nullptr, "icsim_report.py");
#endif
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
  struct Removed {  // the temporary explanation, gone however this returns
    std::string path;
    ~Removed() {
      std::error_code ignored;
      if (!path.empty()) std::filesystem::remove(path, ignored);
    }
  } explained{[&] {
    if (sensitivity.empty()) return explanation_file(results[0], point, nullptr);
    const auto evidence = experiment::read_sensitivity_evidence(sensitivity);
    return explanation_file(results[0], point, &evidence);
  }()};
  if (!explained.path.empty()) args.insert(args.end(), {"--explain", explained.path});
  const int status = run_program(args, kInstall);
  if (status > 128)
    std::cerr << "icsim report: error: " << python << " was killed by signal " << status - 128
              << " (" << ::strsignal(status - 128) << ")\n";
  return status;
}

}  // namespace icsim::cli
