// The /sensitivity group (include/icsim/output/sensitivity_result.hpp).
#include "icsim/output/sensitivity_result.hpp"

#include <stdexcept>

namespace icsim::output {

void write_sensitivity(ResultFile& file, const SensitivityOutputs& s) {
  const std::size_t D = s.parameters.size(), O = s.outputs.size();
  if (D == 0 || s.low.size() != D || s.high.size() != D || s.parameter_sources.size() != D ||
      s.design_unit.size() % D != 0 || s.output_target.size() != O ||
      s.output_statistic.size() != O || s.output_units.size() != O)
    throw std::invalid_argument("write_sensitivity: parameter or output lists disagree");
  const std::size_t P = s.design_unit.size() / D;
  if (s.output_value.size() != O * P)
    throw std::invalid_argument("write_sensitivity: output values disagree with the design");
  Group g = file.group("sensitivity");
  std::vector<std::int64_t> points(P);
  for (std::size_t i = 0; i < P; ++i) points[i] = static_cast<std::int64_t>(i);
  g.add_dimension("point", points, "design point (the sweep point of the same number)");
  g.add_dimension("parameter", s.parameters, "scenario key varied (docs/scenario-reference.md)");
  g.add_dimension("output", s.outputs, "output of interest");
  g.write("parameter_low", {"parameter"}, s.low, {"", "low end of the range (the key's unit)", {}});
  g.write("parameter_high", {"parameter"}, s.high,
          {"", "high end of the range (the key's unit)", {}});
  g.write_strings("parameter_source", "parameter", s.parameter_sources,
                  {"", "where the range comes from", {}});
  g.write("design_unit", {"point", "parameter"}, s.design_unit,
          {"1", "design point in the unit cube: 0 = low end, 1 = high end of the range", {}});
  g.write_strings("output_target", "output", s.output_target,
                  {"", "target id of the output (\"\" for a chosen series)", {}});
  g.write_strings("output_statistic", "output", s.output_statistic,
                  {"", "probability, median value (of a target) or series median", {}});
  g.write_strings("output_units", "output", s.output_units, {"", "unit of the output", {}});
  g.write("output_value", {"output", "point"}, s.output_value,
          {"", "the output at each design point, over the point's replications", {}});
  const std::vector<std::string> op = {"output", "parameter"};
  auto check = [&](const auto& v, const char* name) {
    if (v.size() != O * D)
      throw std::invalid_argument(std::string("write_sensitivity: ") + name +
                                  " is not (output, parameter)");
  };
  if (s.method == "morris") {
    check(s.mu_star, "mu_star");
    check(s.mu, "mu");
    check(s.sigma, "sigma");
    check(s.effects, "effects");
    g.write("mu_star", op, s.mu_star,
            {"", "Morris mu*: mean absolute elementary effect (output change over the range)", {}});
    g.write("mu", op, s.mu, {"", "Morris mu: mean elementary effect (sign = direction)", {}});
    g.write("sigma", op, s.sigma,
            {"", "Morris sigma: standard deviation of the elementary effects", {}});
    g.write("effects", op, s.effects, {"1", "elementary effects computed", {}});
  } else {
    for (const auto* v :
         {&s.first, &s.first_low, &s.first_high, &s.total, &s.total_low, &s.total_high})
      check(*v, "a Sobol index");
    if (s.constant.size() != O)
      throw std::invalid_argument("write_sensitivity: output_constant is not (output)");
    g.write("first_order", op, s.first, {"1", "first-order Sobol index S1", {}});
    g.write("first_order_low", op, s.first_low,
            {"1", "lower end of the bootstrap interval of S1", {}});
    g.write("first_order_high", op, s.first_high,
            {"1", "upper end of the bootstrap interval of S1", {}});
    g.write("total_order", op, s.total, {"1", "total Sobol index ST", {}});
    g.write("total_order_low", op, s.total_low,
            {"1", "lower end of the bootstrap interval of ST", {}});
    g.write("total_order_high", op, s.total_high,
            {"1", "upper end of the bootstrap interval of ST", {}});
    g.write("output_constant", {"output"}, s.constant,
            {"1", "1: the output is the same at every design point (no indices)", {}});
  }
  g.set_attribute("method", s.method);
  for (const auto& [name, value] : s.attributes) g.set_attribute(name, value);
}

}  // namespace icsim::output
