// The tables of forecast scores (score_tables.hpp).
#include "cli/score_tables.hpp"

#include <string>
#include <utility>

#include "cli/text_table.hpp"

namespace icsim::cli {

using results::FigureScore;
using results::ScoreSummary;
using results::TargetScore;

namespace {

std::string yes_no(bool b) { return b ? "yes" : "no"; }
std::string sample_text(bool in_sample) { return in_sample ? "in" : "out"; }

}  // namespace

std::string share(int count, int of) {
  if (of == 0) return "-";
  return std::to_string(count) + "/" + std::to_string(of) + " (" + fixed(100.0 * count / of, 0) +
         " %)";
}

void print_figures(std::ostream& out, const std::vector<FigureScore>& figures, bool with_metric) {
  TextTable t({"figure", "year", "sample", "observed", "median", "90 % band", "error", "in 50 %",
               "in 90 %", "CRPS", "CRPS/|obs|"},
              {false, true, false, true, true, true, true, false, false, true, true});
  for (const auto& f : figures) {
    if (!f.comparable) continue;
    const std::string& u = f.figure.unit;
    const std::string name = with_metric ? f.figure.id + " " + f.figure.metric : f.figure.id;
    t.add_row({name, std::to_string(f.figure.year), sample_text(f.in_sample),
               with_unit(f.figure.value, u), with_unit(f.median, u),
               amount(f.p05, u) + " - " + amount(f.p95, u), fixed(f.error_percent, 1) + " %",
               yes_no(f.in_band_50), yes_no(f.in_band_90), with_unit(f.crps, u),
               fixed(f.crps_relative, 3)});
  }
  t.print(out);
}

void print_targets(std::ostream& out, const std::vector<TargetScore>& targets) {
  TextTable t({"target", "year", "threshold", "observed", "reached", "P", "Brier", "log score"},
              {false, true, true, true, false, true, true, true});
  for (const auto& s : targets)
    t.add_row({s.target, std::to_string(s.year), s.op + " " + with_unit(s.threshold, s.unit),
               with_unit(s.observed, s.unit), yes_no(s.reached), fixed(s.probability, 3),
               fixed(s.brier, 3), fixed(s.log_score, 3)});
  t.print(out);
}

void print_not_comparable(std::ostream& out, const std::vector<FigureScore>& figures) {
  TextTable t({"figure", "metric", "year", "why not comparable"});
  for (const auto& f : figures)
    if (!f.comparable)
      t.add_row({f.figure.id, f.figure.metric, std::to_string(f.figure.year), f.reason});
  t.print(out);
}

void print_summary(std::ostream& out, const ScoreSummary& s) {
  TextTable t({"", "figures", "in 50 % band", "in 90 % band", "mean CRPS/|obs|"},
              {false, true, true, true, true});
  for (const auto& [name, c] :
       {std::pair{"out of sample", s.out_of_sample}, std::pair{"in sample", s.in_sample}})
    t.add_row({name, std::to_string(c.figures), share(c.in_band_50, c.figures),
               share(c.in_band_90, c.figures), fixed(c.mean_crps_relative, 3)});
  t.print(out);
  if (s.targets == 0) {
    out << "No plan target's outcome is known from the figures.\n";
    return;
  }
  out << "Targets with a known outcome: " << s.targets << ", reached " << s.reached
      << ". Brier score " << fixed(s.brier, 3)
      << ", climatological reference (P = " << fixed(static_cast<double>(s.reached) / s.targets, 3)
      << " for every target) " << fixed(s.brier_reference, 3) << ", Brier skill score "
      << fixed(s.brier_skill, 3) << "; mean log score " << fixed(s.log_score, 3) << " nats.\n";
}

}  // namespace icsim::cli
