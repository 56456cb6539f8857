#pragma once
// What `icsim run` and `icsim sweep` share: their options, how the work is split (shards, MPI
// ranks, resumable parts in OUT.h5.parts/), the progress display and a clean stop on Ctrl-C or
// the scheduler's SIGTERM.
#include <boost/program_options.hpp>
#include <string>
#include <utility>
#include <vector>

#include "icsim/experiment/ensemble.hpp"
#include "icsim/scenario/load.hpp"

namespace icsim::cli {

struct EnsembleArguments {
  std::string scenario_path, out_path;
  long replications = 0;
  long long seed = -1;
  int threads = 0;
  std::vector<std::string> sets;
  std::string shard_text;
  bool quiet = false, progress_always = false, resumable = false;
  bool no_district_clusters = false;  // --no-district-clusters: [output] district_clusters = false
  int block = 0;                      // 0 = automatic (experiment::EnsembleOptions::block)
};

// Parses the command line of `icsim COMMAND SCENARIO [options]`: `usage` (the --help text
// above the options), then -h, -o, -n, --seed, -t, --set, --progress, -q, --shard, --resumable
// and --block, then `extra` (a command's own options). Returns false when --help was printed;
// InputError without a scenario file.
bool parse_ensemble_command(int argc, char** argv, const std::string& command,
                            const std::string& usage, const std::string& examples,
                            EnsembleArguments& arguments, boost::program_options::variables_map& vm,
                            const boost::program_options::options_description* extra = nullptr);
// --set overrides, then -n and --seed.
std::vector<scenario::Override> scenario_overrides(const EnsembleArguments& arguments,
                                                   const boost::program_options::variables_map& vm);
// Shard i (1-based) of n from "I/N", or "auto" for a Slurm array task.
std::pair<int, int> parse_shard(const std::string& text);

struct EnsembleRun {
  experiment::EnsembleResult result;
  double seconds = 0;
  int threads = 1;
  std::string parts_dir;  // where finished parts were kept ("" = none)
};

// Runs the ensemble with the arguments' threads, shard, parts and progress; prints the one-line
// header (`what` names the work, e.g. "5 points x 200 replications") on rank 0 unless quiet.
EnsembleRun execute(const EnsembleArguments& arguments, const experiment::EnsembleSpec& spec,
                    const std::string& what);

}  // namespace icsim::cli
