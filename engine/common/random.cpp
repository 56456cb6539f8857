// Random streams (random.hpp). A stream is Philox4x32-10 with key = the 64-bit seed (two 32-bit
// words) and counter {block, replication >> 32, replication (low 32 bits), purpose << 20 | index};
// the block number (word 0) counts the 4 x 32-bit outputs used so far, so streams of different
// (replication, purpose, index) never overlap.
//
// Every draw consumes exactly one uniform (two 32-bit words), whatever the distribution and its
// parameters: normal by the inverse normal CDF (Boost.Math), lognormal as exp of that, triangular
// and uniform by their inverse CDFs, and a constant also consumes its uniform. Draws are thus
// monotone in the same uniform across sweep points and distribution kinds: common random
// numbers line up exactly (docs/model.md §4). Boost.Random's ziggurat normal would consume a
// variable number of words and break that alignment.
#include "icsim/common/random.hpp"

#include <Random123/philox.h>

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <new>
#include <stdexcept>

namespace icsim {

struct RandomStream::State {
  r123::Philox4x32::ctr_type counter;
  r123::Philox4x32::key_type key;
  r123::Philox4x32::ctr_type block;
  unsigned used = 4;  // words of `block` consumed
};

RandomStream::State& RandomStream::state() {
  return *std::launder(reinterpret_cast<State*>(state_));
}

RandomStream::RandomStream(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
                           std::uint32_t index) {
  static_assert(sizeof(State) <= sizeof(state_) && alignof(State) <= 16);
  if (index >= (1u << 20)) throw std::out_of_range("RandomStream: index must be below 2^20");
  State* s = new (state_) State;
  s->key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  s->counter = {{0u, static_cast<std::uint32_t>(replication >> 32),
                 static_cast<std::uint32_t>(replication),
                 (static_cast<std::uint32_t>(purpose) << 20) | index}};
  s->used = 4;
}

namespace detail {
void keyed_out_of_range() {
  throw std::out_of_range("keyed_uniform: step must be below 2^20 and draw below 2^12");
}
}  // namespace detail

using detail::to_unit;

double RandomStream::uniform() {
  State& s = state();
  std::uint32_t w[2];
  for (auto& word : w) {
    if (s.used == 4) {
      r123::Philox4x32 philox;
      s.block = philox(s.counter, s.key);
      ++s.counter[0];
      s.used = 0;
    }
    word = s.block[s.used++];
  }
  return to_unit(w[0], w[1]);
}

namespace {
double inverse_normal(double u) {
  static const boost::math::normal_distribution<double> standard;
  return boost::math::quantile(standard, u);
}

double from_uniform(const Distribution& d, double u) {
  using Kind = Distribution::Kind;
  switch (d.kind) {
    case Kind::constant:
      return d.mean;
    case Kind::normal:
      return d.sd == 0 ? d.mean : d.mean + d.sd * inverse_normal(u);
    case Kind::lognormal:
      return d.sigma == 0 ? d.median : d.median * std::exp(d.sigma * inverse_normal(u));
    case Kind::triangular: {
      const double width = d.high - d.low;
      if (!(width > 0)) return d.low;
      const double cut = (d.mode - d.low) / width;
      return u < cut ? d.low + std::sqrt(u * width * (d.mode - d.low))
                     : d.high - std::sqrt((1 - u) * width * (d.high - d.mode));
    }
    case Kind::uniform:
      return d.low + (d.high - d.low) * u;
  }
  return d.mean;
}
}  // namespace

double RandomStream::normal() { return inverse_normal(uniform()); }

double RandomStream::draw(const Distribution& d) { return from_uniform(d, uniform()); }

double RandomStream::draw_growth(const Distribution& d) {
  const double u = uniform();
  if (d.kind == Distribution::Kind::lognormal)
    return d.sigma == 0 ? d.median : (1 + d.median) * std::exp(d.sigma * inverse_normal(u)) - 1;
  return from_uniform(d, u);
}

}  // namespace icsim
