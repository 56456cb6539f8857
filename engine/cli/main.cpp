// icsim: the command-line entry point. Each subcommand lives in its own file (io_command.cpp,
// run_command.cpp, sweep_command.cpp, seek_command.cpp, validate_command.cpp,
// compare_command.cpp, merge_command.cpp, report_command.cpp, impact_command.cpp,
// score_command.cpp, explain_command.cpp, calibrate_command.cpp, sensitivity_command.cpp);
// this file only dispatches and turns errors into exit codes.
#include <cstring>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "icsim/common/error.hpp"
#include "icsim/common/processes.hpp"
#include "icsim/common/version.hpp"

namespace {
// Every replication builds its firm model's arrays (several MB) and frees them at its end. With
// glibc's defaults those blocks are mmap'ed and unmapped each time, so every replication
// page-faults its arrays in again (about 1,500 faults a replication of the Ningbo scenario, 6 %
// of its CPU time). Served from the heap and kept there instead, a thread's next replication
// reuses the same pages. Only the allocator's policy changes, no result.
void keep_freed_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 256 << 20);  // blocks up to 256 MB come from the heap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);    // and the heap is not trimmed below 1 GB of free top
  mallopt(M_TOP_PAD, 64 << 20);          // grown 64 MB at a time
#endif
}

void usage(std::ostream& out) {
  out << "icsim " << icsim::version() << " - industrial-cluster simulation engine\n\n"
      << "Usage: icsim COMMAND [options]\n\n"
      << "Commands:\n"
      << "  run SCENARIO     project a scenario over its Monte Carlo replications and judge its\n"
      << "                   targets (probability, first year); see 'icsim run --help'\n"
      << "  seek SCENARIO    the smallest (or largest) value of a scenario key for which targets\n"
      << "                   are reached with probability >= p; see 'icsim seek --help'\n"
      << "  sweep SCENARIO   run every point of the scenario's [sweep] (grid, list, Latin\n"
      << "                   hypercube) with common random numbers; see 'icsim sweep --help'\n"
      << "  sensitivity SCENARIO --parameters FILE\n"
      << "                   which parameters move each target: Morris screening or Sobol\n"
      << "                   indices over their ranges; see 'icsim sensitivity --help'\n"
      << "  merge SHARDS     join the shard files of 'icsim run|sweep --shard I/N' into one\n"
      << "                   result file (-o OUT.h5); see 'icsim merge --help'\n"
      << "  compare A B      two result files side by side: targets (probabilities, medians) and\n"
      << "                   cluster output; see 'icsim compare --help'\n"
      << "  report RESULT    an HTML page with charts about a result file (-o DIR): targets,\n"
      << "                   clusters, sweep, seek; see 'icsim report --help'\n"
      << "  calibrate FILE   fit scenario parameters to observed figures by simulated moments\n"
      << "                   (NLopt); writes a scenario fragment; see 'icsim calibrate --help'\n"
      << "  score RESULT     forecast scores of a run against published figures (--against\n"
      << "                   OBSERVED.csv): bands, CRPS, Brier; see 'icsim score --help'\n"
      << "  explain RESULT   why each verdict is what it is: the series, the constraints that\n"
      << "                   bind, flags; see 'icsim explain --help'\n"
      << "  io TABLE_DIR     input-output analysis of a table: multipliers (Type I/II, "
         "investment),\n"
      << "                   linkages, extraction, regionalisation; see 'icsim io --help'\n"
      << "  impact TABLE     direct, indirect and induced effects of a final-demand change or an\n"
      << "                   investment package, by sector and indicator; see 'icsim impact "
         "--help'\n"
      << "  validate FILE... check scenario files (schema, table, concordances, codes) and\n"
      << "                   report every problem; see 'icsim validate --help'\n\n"
      << "Options:\n"
      << "  -h, --help       this help\n"
      << "  --version        version and the commit it was built from\n";
}

// Prints the error; under MPI a failing rank names itself and ends every rank, which would
// otherwise wait for it forever.
int fail(const std::string& command, const char* kind, const char* what, int status) {
  icsim::Processes* world = nullptr;
  try {
    world = &icsim::Processes::world();
  } catch (const std::exception&) {  // the error being reported may be MPI's own
  }
  const bool ranks = world != nullptr && world->size() > 1;
  std::cerr << "icsim " << command;
  if (ranks) std::cerr << " (rank " << world->rank() << ")";
  std::cerr << ": " << kind << what << "\n";
  if (ranks) world->abort(status);
  return status;
}

int run_command_line(const std::string& command, int argc, char** argv) {
  try {
    if (command == "-h" || command == "--help" || command == "help") {
      usage(std::cout);
      return 0;
    }
    if (command == "--version") {
      std::cout << "icsim " << icsim::version() << " (commit " << icsim::git_commit() << ")\n";
      return 0;
    }
    if (command == "io") return icsim::cli::io_command(argc - 1, argv + 1);
    if (command == "impact") return icsim::cli::impact_command(argc - 1, argv + 1);
    if (command == "run") return icsim::cli::run_command(argc - 1, argv + 1);
    if (command == "sweep") return icsim::cli::sweep_command(argc - 1, argv + 1);
    if (command == "merge") return icsim::cli::merge_command(argc - 1, argv + 1);
    if (command == "compare") return icsim::cli::compare_command(argc - 1, argv + 1);
    if (command == "validate") return icsim::cli::validate_command(argc - 1, argv + 1);
    if (command == "seek") return icsim::cli::seek_command(argc - 1, argv + 1);
    if (command == "report") return icsim::cli::report_command(argc - 1, argv + 1);
    if (command == "score") return icsim::cli::score_command(argc - 1, argv + 1);
    if (command == "explain") return icsim::cli::explain_command(argc - 1, argv + 1);
    if (command == "calibrate") return icsim::cli::calibrate_command(argc - 1, argv + 1);
    if (command == "sensitivity") return icsim::cli::sensitivity_command(argc - 1, argv + 1);
    std::cerr << "icsim: unknown command '" << command << "'\n\n";
    usage(std::cerr);
    return 2;
  } catch (const icsim::InputError& e) {
    return fail(command, "error: ", e.what(), 2);
  } catch (const icsim::ModelError& e) {
    return fail(command, "error: ", e.what(), 3);
  } catch (const icsim::Interrupted& e) {
    return fail(command, "interrupted: ", e.what(), 130);
  } catch (const std::exception& e) {
    return fail(command, "internal error: ", e.what(), 1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  keep_freed_memory();
  const std::string command = argv[1];
  const int status = run_command_line(command, argc, argv);
  icsim::Processes::finalize();
  return status;
}
