#pragma once
// A number or a random draw: the uncertain parameters of a scenario (scenario files write them
// as tables, docs/scenario-reference.md) and what RandomStream::draw takes (random.hpp).

namespace icsim {

// Parameters used per kind:
//   constant:   mean
//   normal:     mean, sd
//   lognormal:  median, sigma   (log X ~ N(log median, sigma); for growth rates X is the growth
//                                factor 1 + g and `median` is given as the rate g)
//   triangular: low, mode, high
//   uniform:    low, high
struct Distribution {
  enum class Kind { constant, normal, lognormal, triangular, uniform };
  Kind kind = Kind::constant;
  double mean = 0, sd = 0, median = 0, sigma = 0, low = 0, mode = 0, high = 0;
  double expected() const;  // the mean of the distribution (of g, for lognormal growth)

  static Distribution constant(double value) {
    Distribution d;
    d.mean = value;
    return d;
  }
  static Distribution normal(double mean, double sd) {
    Distribution d;
    d.kind = Kind::normal;
    d.mean = mean;
    d.sd = sd;
    return d;
  }
};

}  // namespace icsim
