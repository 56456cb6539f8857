#include "icsim/common/random.hpp"

#include <Random123/philox.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace icsim;

namespace {
std::vector<double> uniforms(RandomStream s, int count) {
  std::vector<double> out;
  for (int k = 0; k < count; ++k) out.push_back(s.uniform());
  return out;
}

Distribution dist(Distribution::Kind kind) {
  Distribution d;
  d.kind = kind;
  return d;
}

// Sample mean and standard deviation of `count` draws of f().
template <class F>
std::pair<double, double> moments(F f, int count) {
  double s = 0, s2 = 0;
  for (int k = 0; k < count; ++k) {
    const double x = f();
    s += x;
    s2 += x * x;
  }
  const double mean = s / count;
  return {mean, std::sqrt((s2 / count - mean * mean) * count / (count - 1.0))};
}
}  // namespace

TEST(RandomStream, ReproducibleFromItsKey) {
  EXPECT_EQ(uniforms(RandomStream(7, 3, Purpose::programme, 2), 100),
            uniforms(RandomStream(7, 3, Purpose::programme, 2), 100));
}

TEST(RandomStream, EveryKeyPartSeparatesStreams) {
  const auto base = uniforms(RandomStream(7, 3, Purpose::programme, 2), 20);
  EXPECT_NE(base, uniforms(RandomStream(8, 3, Purpose::programme, 2), 20));
  EXPECT_NE(base, uniforms(RandomStream(7, 4, Purpose::programme, 2), 20));
  EXPECT_NE(base, uniforms(RandomStream(7, 3, Purpose::prices, 2), 20));
  EXPECT_NE(base, uniforms(RandomStream(7, 3, Purpose::programme, 3), 20));
  EXPECT_NE(base, uniforms(RandomStream(7, 3 + (1ull << 32), Purpose::programme, 2), 20));
  EXPECT_NE(base, uniforms(RandomStream(7 + (1ull << 32), 3, Purpose::programme, 2), 20));
  // A later stream does not replay an earlier one shifted by a block.
  const auto next = uniforms(RandomStream(7, 3, Purpose::programme, 2), 40);
  for (int shift = 1; shift < 20; ++shift)
    EXPECT_NE(std::vector<double>(next.begin() + shift, next.begin() + shift + 20), base);
}

TEST(RandomStream, UniformStrictlyInsideTheUnitInterval) {
  RandomStream s(1, 0, Purpose::demand_growth);
  double lo = 1, hi = 0, sum = 0;
  const int count = 200000;
  for (int k = 0; k < count; ++k) {
    const double u = s.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum += u;
  }
  EXPECT_LT(lo, 1e-4);
  EXPECT_GT(hi, 1 - 1e-4);
  EXPECT_NEAR(sum / count, 0.5, 4 * std::sqrt(1.0 / 12 / count));
}

TEST(RandomStream, NormalMoments) {
  RandomStream s(11, 5, Purpose::common_shock);
  const int count = 100000;
  const auto [mean, sd] = moments([&] { return s.normal(); }, count);
  EXPECT_NEAR(mean, 0.0, 4 / std::sqrt(double(count)));
  EXPECT_NEAR(sd, 1.0, 0.01);
  auto d = dist(Distribution::Kind::normal);
  d.mean = 0.05;
  d.sd = 0.02;
  RandomStream t(11, 6, Purpose::common_shock);
  const auto [m2, s2] = moments([&] { return t.draw(d); }, count);
  EXPECT_NEAR(m2, 0.05, 4 * 0.02 / std::sqrt(double(count)));
  EXPECT_NEAR(s2, 0.02, 0.0003);
}

TEST(RandomStream, DistributionsHaveTheirMeans) {
  using Kind = Distribution::Kind;
  const int count = 100000;
  auto tri = dist(Kind::triangular);
  tri.low = 0;
  tri.mode = 0.2;
  tri.high = 1;
  RandomStream a(3, 0, Purpose::capacity);
  const auto [tm, ts] = moments([&] { return a.draw(tri); }, count);
  EXPECT_NEAR(tm, 0.4, 4 * ts / std::sqrt(double(count)));
  auto uni = dist(Kind::uniform);
  uni.low = -1;
  uni.high = 3;
  RandomStream b(3, 0, Purpose::investment);
  const auto [um, us] = moments([&] { return b.draw(uni); }, count);
  EXPECT_NEAR(um, 1.0, 4 * us / std::sqrt(double(count)));
  EXPECT_NEAR(us, 4 / std::sqrt(12.0), 0.01);
  auto logn = dist(Kind::lognormal);
  logn.median = 2;
  logn.sigma = 0.5;
  RandomStream c(3, 0, Purpose::prices);
  const auto [lm, ls] = moments([&] { return c.draw(logn); }, count);
  EXPECT_NEAR(lm, 2 * std::exp(0.125), 4 * ls / std::sqrt(double(count)));
  // For growth, lognormal is of the factor 1 + g with median 1 + median.
  auto growth = dist(Kind::lognormal);
  growth.median = 0.05;
  growth.sigma = 0.1;
  RandomStream d(3, 0, Purpose::demand_growth);
  const auto [gm, gs] = moments([&] { return d.draw_growth(growth); }, count);
  EXPECT_NEAR(gm, 1.05 * std::exp(0.005) - 1, 4 * gs / std::sqrt(double(count)));
  auto fixed = dist(Kind::constant);
  fixed.mean = 0.07;
  RandomStream e(3, 0, Purpose::demand_growth);
  EXPECT_EQ(e.draw(fixed), 0.07);
  EXPECT_EQ(e.draw_growth(fixed), 0.07);
}

TEST(RandomStream, EveryDrawConsumesOneUniform) {
  // Common random numbers: whatever the kind or parameters, draw k uses uniform k, so the draws
  // after it line up across sweep points.
  using Kind = Distribution::Kind;
  const auto reference = uniforms(RandomStream(5, 1, Purpose::programme), 6);
  for (Kind kind :
       {Kind::constant, Kind::normal, Kind::lognormal, Kind::triangular, Kind::uniform}) {
    auto d = dist(kind);
    d.sd = 0;  // degenerate too
    RandomStream s(5, 1, Purpose::programme);
    s.draw(d);
    s.draw_growth(d);
    EXPECT_EQ(uniforms(s, 4), std::vector<double>(reference.begin() + 2, reference.end()));
  }
  // A normal draw is mean + sd * Phi^-1(u) of its uniform (Phi^-1 here by bisection on erfc).
  double lo = -10, hi = 10;
  for (int k = 0; k < 200; ++k) {
    const double mid = (lo + hi) / 2;
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < reference[0] ? lo : hi) = mid;
  }
  auto n = dist(Kind::normal);
  n.mean = 1;
  n.sd = 2;
  RandomStream s(5, 1, Purpose::programme);
  EXPECT_NEAR(s.draw(n), 1 + 2 * lo, 1e-9);
}

TEST(KeyedUniform, AddressedByKeyNotByOrder) {
  const double a = keyed_uniform(7, 3, Purpose::firm_decision, 2025, 12345, 0);
  // same address, same number, whatever was drawn in between
  keyed_uniform(7, 3, Purpose::firm_decision, 2025, 12346, 0);
  EXPECT_EQ(a, keyed_uniform(7, 3, Purpose::firm_decision, 2025, 12345, 0));
  // every part of the address matters
  EXPECT_NE(a, keyed_uniform(8, 3, Purpose::firm_decision, 2025, 12345, 0));
  EXPECT_NE(a, keyed_uniform(7, 4, Purpose::firm_decision, 2025, 12345, 0));
  EXPECT_NE(a, keyed_uniform(7, 3, Purpose::firm_evaluation, 2025, 12345, 0));
  EXPECT_NE(a, keyed_uniform(7, 3, Purpose::firm_decision, 2026, 12345, 0));
  EXPECT_NE(a, keyed_uniform(7, 3, Purpose::firm_decision, 2025, 12344, 0));
  EXPECT_NE(a, keyed_uniform(7, 3, Purpose::firm_decision, 2025, 12345, 2));
  // the pair is draws 0 and 1 of one call
  const auto p = keyed_uniform_pair(7, 3, Purpose::firm_decision, 2025, 12345, 0);
  EXPECT_EQ(p.first, a);
  EXPECT_EQ(p.second, keyed_uniform(7, 3, Purpose::firm_decision, 2025, 12345, 1));
  EXPECT_NE(p.first, p.second);
  EXPECT_THROW(keyed_uniform(7, 3, Purpose::firm_decision, 1u << 20, 0, 0), std::out_of_range);
}

// The inline Philox4x32-10 of the keyed draws is Random123's, block for block.
TEST(KeyedUniform, InlinePhiloxIsRandom123s) {
  std::uint32_t x = 12345u;
  auto next = [&x] {  // xorshift32: arbitrary counters and keys
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
  };
  for (int k = 0; k < 1000; ++k) {
    const r123::Philox4x32::ctr_type c = {{next(), next(), next(), next()}};
    const r123::Philox4x32::key_type key = {{next(), next()}};
    const auto expected = r123::Philox4x32()(c, key);
    const auto got = detail::philox4x32_10({{c[0], c[1], c[2], c[3]}}, key[0], key[1]);
    for (int w = 0; w < 4; ++w) ASSERT_EQ(got.v[w], expected[w]) << k << " " << w;
  }
}

TEST(KeyedUniform, IsUniformOnTheOpenInterval) {
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = keyed_uniform(1, 0, Purpose::firm_synthesis, 0, static_cast<unsigned>(i));
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 4 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(var, 1.0 / 12, 0.002);
}

TEST(NamedDraw, MeetWhenTheySharePurposeSlotAndKeys) {
  using S = Draw::Steps;
  using E = Draw::Entities;
  const Draw single{.purpose = Purpose::firm_decision, .slot = 5, .name = "single"};
  const Draw pair{.purpose = Purpose::firm_decision, .slot = 4, .slots = 2, .name = "pair"};
  const Draw next{.purpose = Purpose::firm_decision, .slot = 6, .name = "next"};
  EXPECT_TRUE(draws_meet(single, pair));  // the pair's second uniform is slot 5
  EXPECT_FALSE(draws_meet(pair, next));
  // The two uniforms of one Philox block are different numbers: slots 4 and 5 do not meet.
  const Draw four{.purpose = Purpose::firm_decision, .slot = 4, .name = "four"};
  EXPECT_FALSE(draws_meet(four, single));
  Draw other = single;
  other.purpose = Purpose::firm_evaluation;
  EXPECT_FALSE(draws_meet(single, other));
  // A sequence covers its slots.
  const Draw sequence{.purpose = Purpose::firm_decision, .slot = 0, .slots = 100, .name = "seq"};
  EXPECT_TRUE(draws_meet(sequence, next));
  // Disjoint keys: entity 0 against entities from 1, the last step against the years.
  Draw at_zero = sequence, from_one = next;
  at_zero.entities = E::zero;
  from_one.entities = E::from_one;
  EXPECT_FALSE(draws_meet(at_zero, from_one));
  from_one.entities = E::any;
  EXPECT_TRUE(draws_meet(at_zero, from_one));
  Draw last = next, years = sequence;
  last.steps = S::last;
  years.steps = S::before_last;
  EXPECT_FALSE(draws_meet(last, years));

  const Draw list_ok[] = {pair, next,
                          Draw{.purpose = Purpose::firm_decision, .slot = 8, .name = "eight"}};
  EXPECT_TRUE(draws_are_distinct(list_ok));
  const Draw clash[] = {pair, single};
  EXPECT_FALSE(draws_are_distinct(clash));
  const Draw same_name[] = {pair,
                            Draw{.purpose = Purpose::firm_decision, .slot = 8, .name = "pair"}};
  EXPECT_FALSE(draws_are_distinct(same_name));
  const Draw beyond[] = {
      Draw{.purpose = Purpose::firm_decision, .slot = 4095, .slots = 2, .name = "x"}};
  EXPECT_FALSE(draws_are_distinct(beyond));
}

TEST(NamedDraw, UsesItsSlots) {
  const Draw d{.purpose = Purpose::firm_decision, .slot = 6, .slots = 3, .name = "d"};
  EXPECT_EQ(keyed_uniform(1, 2, d, 3, 4, 2), keyed_uniform(1, 2, Purpose::firm_decision, 3, 4, 8));
  EXPECT_THROW(keyed_uniform(1, 2, d, 3, 4, 3), std::out_of_range);
  const Draw odd{.purpose = Purpose::firm_decision, .slot = 7, .slots = 2, .name = "odd"};
  EXPECT_THROW(keyed_uniform_pair(1, 2, odd, 3, 4), std::invalid_argument);
}

TEST(KeyedUniforms, EqualKeyedUniformBitForBit) {
  // Entities spread over the 32-bit range (high bits set, 0 and 2^32 - 1 included), for even
  // and odd draws, seeds and replications with high words, and lengths that leave every tail
  // of the two- and four-wide SIMD paths.
  std::vector<std::uint32_t> entities = {0u, 1u, 0xFFFFFFFFu, 0x80000000u, 12345u};
  for (std::uint32_t k = 0; k < 200; ++k) entities.push_back(k * 2654435761u + 17u);
  const std::uint64_t seeds[] = {0, 7, 0xFEDCBA9876543210ull};
  const std::uint64_t replications[] = {0, 3, (1ull << 52) - 1};
  using detail::KeyedUniformsPath;
  for (auto path : {KeyedUniformsPath::fastest, KeyedUniformsPath::sse2, KeyedUniformsPath::scalar})
    for (std::uint64_t seed : seeds)
      for (std::uint64_t rep : replications)
        for (std::uint32_t draw : {0u, 1u, 6u, 4095u})
          for (std::size_t m :
               {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{6}, entities.size()}) {
            detail::set_keyed_uniforms_path(path);
            std::vector<double> out(m, -1.0);
            keyed_uniforms(seed, rep, Purpose::firm_decision, 2031, draw,
                           std::span(entities).first(m), out);
            for (std::size_t j = 0; j < m; ++j)
              ASSERT_EQ(out[j],
                        keyed_uniform(seed, rep, Purpose::firm_decision, 2031, entities[j], draw))
                  << "path " << static_cast<int>(path) << " seed " << seed << " replication " << rep
                  << " draw " << draw << " j " << j;
          }
  detail::set_keyed_uniforms_path(KeyedUniformsPath::fastest);
  std::vector<double> short_out(2);
  EXPECT_THROW(keyed_uniforms(1, 1, Purpose::firm_decision, 1, 0, entities, short_out),
               std::invalid_argument);
  EXPECT_THROW(keyed_uniforms(1, 1, Purpose::firm_decision, 1u << 20, 0,
                              std::span(entities).first(2), short_out),
               std::out_of_range);
}

TEST(KeyedBlocks, EqualKeyedBlockBitForBit) {
  // As above, for all four words of each block, on each path.
  std::vector<std::uint32_t> entities = {0u, 1u, 0xFFFFFFFFu, 0x80000000u, 12345u};
  for (std::uint32_t k = 0; k < 200; ++k) entities.push_back(k * 2654435761u + 17u);
  using detail::KeyedUniformsPath;
  for (auto path : {KeyedUniformsPath::fastest, KeyedUniformsPath::sse2, KeyedUniformsPath::scalar})
    for (std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{0xFEDCBA9876543210ull}})
      for (std::uint64_t rep : {std::uint64_t{3}, (std::uint64_t{1} << 52) - 1})
        for (std::uint32_t draw : {0u, 13u, 4095u})
          for (std::size_t m : {std::size_t{0}, std::size_t{1}, std::size_t{7}, entities.size()}) {
            detail::set_keyed_uniforms_path(path);
            std::vector<detail::PhiloxBlock> out(m, detail::PhiloxBlock{{1u, 2u, 3u, 4u}});
            keyed_blocks(seed, rep, Purpose::firm_decision, 2031, draw,
                         std::span(entities).first(m), out);
            for (std::size_t j = 0; j < m; ++j) {
              const auto want =
                  detail::keyed_block(seed, rep, Purpose::firm_decision, 2031, entities[j], draw);
              for (int w = 0; w < 4; ++w)
                ASSERT_EQ(out[j].v[w], want.v[w])
                    << "path " << static_cast<int>(path) << " j " << j << " word " << w;
            }
          }
  detail::set_keyed_uniforms_path(KeyedUniformsPath::fastest);
  std::vector<detail::PhiloxBlock> short_out(2);
  EXPECT_THROW(keyed_blocks(1, 1, Purpose::firm_decision, 1, 0, entities, short_out),
               std::invalid_argument);
}
