#include "cli/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace icsim::cli {

std::string human_duration(double seconds) {
  char buf[64];
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "?";
  if (seconds < 10) {
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  } else if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  } else if (seconds < 3600) {
    const long s = std::lround(seconds);
    std::snprintf(buf, sizeof buf, "%ld min %02ld s", s / 60, s % 60);
  } else {
    const long m = std::lround(seconds / 60);
    std::snprintf(buf, sizeof buf, "%ld h %02ld min", m / 60, m % 60);
  }
  return buf;
}

Progress::Progress(std::string what, Mode mode) : what_(std::move(what)) {
  terminal_ = isatty(STDERR_FILENO) != 0;
  enabled_ = mode == Mode::always || (mode == Mode::automatic && terminal_);
  start_ = last_ = std::chrono::steady_clock::now();
}

void Progress::update(long done, long total, const std::string& detail) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!started_) {
    started_ = true;
    done_at_start_ = done;
    start_ = last_ = now;
    if (done < total) return;
  }
  if (drawn_ && done == last_done_) return;  // e.g. the final count reported twice
  const double since_last = std::chrono::duration<double>(now - last_).count();
  // A terminal is redrawn up to 10 times a second; a log file gets a line every 5 seconds.
  const double interval = terminal_ ? 0.1 : 5.0;
  if (done < total && drawn_ && since_last < interval) return;
  if (done < total && !drawn_ && since_last < interval) return;
  last_ = now;
  last_done_ = done;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done - done_at_start_) / elapsed : 0;
  const double left = rate > 0 ? static_cast<double>(total - done) / rate : NAN;
  char line[400];
  std::snprintf(line, sizeof line, "%s %ld/%ld  %.0f/s  about %s left%s%s", what_.c_str(), done,
                total, rate, human_duration(left).c_str(), detail.empty() ? "" : "  ",
                detail.c_str());
  if (terminal_)
    std::fprintf(stderr, "\r%s\033[K", line);
  else
    std::fprintf(stderr, "%s\n", line);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (enabled_ && terminal_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

}  // namespace icsim::cli
