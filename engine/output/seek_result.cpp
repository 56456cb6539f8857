#include "icsim/output/seek_result.hpp"

#include <cstdint>
#include <stdexcept>

namespace icsim::output {

void write_seek(ResultFile& file, const SeekOutputs& seek) {
  if (seek.options == nullptr || seek.result == nullptr)
    throw std::invalid_argument("write_seek: options and result are required");
  const results::SeekOptions& o = *seek.options;
  const results::SeekResult& r = *seek.result;
  const std::size_t n = o.targets.size();
  if (r.answers.size() != n)
    throw std::invalid_argument("write_seek: " + std::to_string(r.answers.size()) +
                                " answers for " + std::to_string(n) + " targets");
  if (!seek.target_text.empty() && seek.target_text.size() != n)
    throw std::invalid_argument("write_seek: target_text does not match the targets");

  write_provenance(file, seek.provenance);
  file.set_attribute("scenario_file", seek.scenario_file);
  file.set_attribute("base_year", std::int64_t{seek.base_year});
  file.set_attribute("horizon", std::int64_t{seek.horizon});
  file.write_text("scenario", seek.scenario_text,
                  "the resolved scenario (after extends and --set) as TOML, without the lever");

  Group g = file.group("seek");
  std::vector<std::int64_t> steps(r.steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) steps[i] = static_cast<std::int64_t>(i);
  g.add_dimension("step", steps, "bisection step, in evaluation order");
  g.add_dimension("target", o.targets, "target id");
  if (!seek.target_text.empty())
    g.add_auxiliary_coordinate("target_text", "target", seek.target_text,
                               {"", "the plan's words", {}});

  std::vector<double> lever(r.steps.size());
  std::vector<double> p, low, high;
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    const auto& s = r.steps[i];
    if (s.per_target.size() != n)
      throw std::invalid_argument("write_seek: step " + std::to_string(i) +
                                  " does not hold one probability per target");
    lever[i] = s.value;
    for (const auto& t : s.per_target) {
      p.push_back(t.probability);
      low.push_back(t.low);
      high.push_back(t.high);
    }
  }
  g.write("lever_value", {"step"}, lever,
          {seek.lever_unit, "value of the lever (" + seek.lever + ")", {}});
  g.write("probability", {"step", "target"}, p,
          {"1", "probability of reaching the target at the step's lever value", {}});
  g.write("probability_low", {"step", "target"}, low,
          {"1", "lower end of the 95 % Wilson interval of the probability", {}});
  g.write("probability_high", {"step", "target"}, high,
          {"1", "upper end of the 95 % Wilson interval of the probability", {}});

  std::vector<double> answer, bracket_low, bracket_high;
  std::vector<std::string> status;
  for (const auto& a : r.answers) {
    answer.push_back(a.answer);
    bracket_low.push_back(a.bracket_low);
    bracket_high.push_back(a.bracket_high);
    status.push_back(results::to_string(a.status, o.direction));
  }
  const std::string direction = results::to_string(o.direction);
  g.write("answer", {"target"}, answer,
          {seek.lever_unit,
           "the " + direction + " lever value evaluated that meets the goal (NaN: none)",
           {}});
  g.write("bracket_low", {"target"}, bracket_low,
          {seek.lever_unit,
           "lower end of the final bracket (NaN: no value evaluated on that side)",
           {}});
  g.write("bracket_high", {"target"}, bracket_high,
          {seek.lever_unit,
           "upper end of the final bracket (NaN: no value evaluated on that side)",
           {}});
  g.write_strings("status", "target", status,
                  {"", "found, at the low end, at the high end, or not reached in range", {}});

  std::string warnings;
  for (const auto& w : r.warnings) warnings += (warnings.empty() ? "" : "\n") + w;
  g.set_attribute("lever", seek.lever);
  g.set_attribute("probability_goal", o.goal);
  g.set_attribute("direction", direction);
  g.set_attribute("answer_all", r.answer_all);
  g.set_attribute("tolerance", r.tolerance);
  g.set_attribute("lever_type", std::string(o.integer ? "integer" : "number"));
  g.set_attribute("warnings", warnings);
}

}  // namespace icsim::output
