#pragma once
// What `icsim calibrate` writes (docs/calibrate.md, docs/results.md "Calibration files"): the
// calibrated parameters as a TOML fragment, the /calibration group of an HDF5 file, and the fit
// table on the terminal.
#include <ostream>
#include <string>
#include <vector>

#include "icsim/experiment/calibration.hpp"
#include "icsim/io/atomic_file.hpp"
#include "icsim/output/result_file.hpp"

namespace icsim::cli {

struct CalibrationOutputs {
  std::string command;        // the command line as given (the fragment's header)
  std::string scenario_file;  // the calibration file as given
  std::string scenario_name, money_unit;
  int base_year = 0;
  int threads = 1;
  const scenario::CalibrationPlan* plan = nullptr;
  const experiment::DateRule* rule = nullptr;
  const std::vector<experiment::MomentSpec>* moments = nullptr;
  const experiment::CalibrationResult* result = nullptr;
  // The scenario's own parameter values (no override) and their fit: the "before" columns.
  const std::vector<experiment::MomentFit>* reference = nullptr;
  double reference_loss = 0;
  std::vector<std::string> reference_values;
  std::string parent_toml;  // the resolved text of the scenario the fragment extends  // per parameter, the scenario's own ("-": unknown)
};

// The fragment's text: a header of comments (the command, the method, the loss; no date), an
// `extends` of the scenario the parameters are for (relative to `fragment_path`'s folder) and
// one line (or [[array]] entry) per parameter.
std::string fragment_text(const CalibrationOutputs& o, const std::string& fragment_path);

// The /calibration group and the root provenance (not committed: the caller commits).
void write_calibration(output::ResultFile& file, const CalibrationOutputs& o,
                       const std::string& fragment);

// moment, observed, before (the scenario's values), simulated median, 90 % band, deviation and
// whether it is within its tolerance, at the best point.
void print_fit_table(std::ostream& out, const CalibrationOutputs& o);

}  // namespace icsim::cli
