#pragma once
// A one-line progress display for long runs: "replications 340/1000  850/s  about 0.8 s left",
// redrawn in place on a terminal. Batch jobs (stderr not a terminal) see nothing unless asked,
// and then get a plain line every few seconds instead of carriage-return redraws.
#include <chrono>
#include <cstdio>
#include <string>

namespace icsim::cli {

class Progress {
 public:
  enum class Mode { automatic, always, never };
  Progress(std::string what, Mode mode);
  // Cheap when called often: redraws at most 10 times/s. `detail` follows the numbers (e.g. each
  // MPI rank's share).
  void update(long done, long total, const std::string& detail = {});
  void finish();  // clears the line on a terminal

 private:
  std::string what_;
  bool enabled_ = false;
  bool terminal_ = false;
  bool drawn_ = false;
  // The rate is measured from the first report on, so that set-up before the first replication
  // (loading, allocating the result arrays) does not inflate the time left.
  bool started_ = false;
  long done_at_start_ = 0;
  long last_done_ = -1;  // the count last drawn
  std::chrono::steady_clock::time_point start_, last_;
};

// "0.8 s", "12 s", "3 min 05 s", "1 h 02 min": remaining time as people read it.
std::string human_duration(double seconds);

}  // namespace icsim::cli
