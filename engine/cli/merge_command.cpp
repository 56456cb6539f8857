// `icsim merge SHARD.h5... -o OUT.h5`: joins the shard files of one run (icsim run --shard I/N)
// into the file a single process would have written (experiment/merge_runs.hpp).
#include <boost/program_options.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "icsim/common/error.hpp"
#include "icsim/experiment/merge_runs.hpp"
#include "icsim/io/atomic_file.hpp"

namespace po = boost::program_options;

namespace icsim::cli {

int merge_command(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string out_path;
  bool quiet = false;
  po::options_description visible(
      "Usage: icsim merge SHARD.h5... -o OUT.h5\n\n"
      "Joins the result files of 'icsim run --shard I/N' into one result file, identical to\n"
      "what a single 'icsim run' of the scenario writes (only created_utc, threads and\n"
      "processes differ): per-replication arrays in replication order, target probabilities,\n"
      "Wilson intervals and medians recomputed over all replications. The shards must come\n"
      "from the same resolved scenario and seed and cover every replication exactly once.\n"
      "The scenario's data (table, concordances) must still be where the scenario names it.\n\n"
      "Options");
  visible.add_options()("help,h", "this help")("out,o", po::value(&out_path),
                                               "the merged HDF5 result file (written atomically)")(
      "quiet,q", po::bool_switch(&quiet), "print nothing but errors");
  po::options_description hidden;
  hidden.add_options()("shards", po::value(&inputs)->composing());
  po::variables_map vm;
  if (parse_command_line(
          argc, argv, visible, hidden, "shards", -1, "merge",
          std::string("Example:\n") +
              "  for i in 1 2 3; do icsim run baseline.toml --shard $i/3 -o shard_$i.h5; done\n" +
              "  icsim merge shard_*.h5 -o baseline.h5\n",
          vm))
    return 0;
  if (inputs.empty()) throw InputError("no shard files given (see 'icsim merge --help')");
  if (out_path.empty())
    throw InputError("no output file given: -o OUT.h5 (see 'icsim merge --help')");
  // Before any work: -o must be a regular file or absent, and none of the shards.
  out_path = io::check_output_file(out_path, "-o", inputs);
  const experiment::MergeSummary summary = experiment::merge_runs(inputs, out_path);
  if (!quiet)
    std::cout << "Merged " << summary.shards << " shard" << (summary.shards == 1 ? "" : "s")
              << " of '" << summary.scenario_name << "' (" << summary.replications
              << " replications) into " << out_path << "\n";
  return 0;
}

}  // namespace icsim::cli
