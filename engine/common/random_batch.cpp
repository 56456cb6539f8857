// keyed_uniforms and keyed_blocks (random.hpp): keyed_uniform and keyed_block for many entities
// at once. The entities' Philox
// blocks differ only in counter word 0, so they are computed side by side in SIMD registers,
// one entity per 64-bit lane: a lane holds a 32-bit word zero-extended, and the unsigned
// 32 x 32 -> 64-bit lane multiply (pmuludq) gives exactly the product Philox needs. AVX2 (four
// entities a register) where the CPU has it, SSE2 (two) otherwise, the scalar keyed_uniform for
// the rest; every path computes the same integers and the same final double operations, so
// the uniforms are those of keyed_uniform bit for bit (tests/common/random_test.cpp).
#include <cstring>

#include "icsim/common/random.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace icsim {

namespace {

constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;

struct Counter {  // the words shared by every entity, and the key
  std::uint32_t c1, c2, c3, k0, k1;
  bool odd;  // the draw's uniform is words 2-3 (odd draw) or words 0-1
};

Counter counter_of(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
                   std::uint32_t step, std::uint32_t draw) {
  if (step >= (1u << 20) || draw >= (1u << 12)) detail::keyed_out_of_range();
  return {(step << 12) | (draw & ~1u),
          static_cast<std::uint32_t>(replication),
          (static_cast<std::uint32_t>(purpose) << 20) |
              (static_cast<std::uint32_t>(replication >> 32) & 0xFFFFFu),
          static_cast<std::uint32_t>(seed),
          static_cast<std::uint32_t>(seed >> 32),
          (draw & 1u) != 0};
}

#if defined(__x86_64__)

// The blocks of L entities from the four word registers stored as w[word][lane] (a word in the
// low 32 bits of each 64-bit lane).
template <int L>
inline void blocks_of_lanes(const std::uint64_t (&w)[4][L], detail::PhiloxBlock* blocks) {
  for (int l = 0; l < L; ++l)
    blocks[l] = {{static_cast<std::uint32_t>(w[0][l]), static_cast<std::uint32_t>(w[1][l]),
                  static_cast<std::uint32_t>(w[2][l]), static_cast<std::uint32_t>(w[3][l])}};
}

// (k + 0.5) 2^-52 of to_unit for k < 2^52 in each lane, with k converted exactly: the bits
// k | 0x433... are the double 2^52 + k, from which 2^52 is subtracted exactly.
// Blocks = false: the uniform of each entity into out (double*); true: its whole block
// (PhiloxBlock*).
template <bool Blocks>
__attribute__((target("avx2"))) void philox_avx2(const Counter& c, const std::uint32_t* entity,
                                                 std::size_t m, void* out) {
  const __m256i m0 = _mm256_set1_epi64x(kM0), m1 = _mm256_set1_epi64x(kM1);
  const __m256i low = _mm256_set1_epi64x(0xFFFFFFFFll);
  const __m256i exponent = _mm256_set1_epi64x(0x4330000000000000ll);
  const __m256d two52 = _mm256_set1_pd(0x1p52), half = _mm256_set1_pd(0.5);
  const __m256d scale = _mm256_set1_pd(0x1p-52);
  for (std::size_t j = 0; j + 4 <= m; j += 4) {
    __m128i e;
    std::memcpy(&e, entity + j, sizeof e);
    __m256i v0 = _mm256_cvtepu32_epi64(e), v1 = _mm256_set1_epi64x(c.c1);
    __m256i v2 = _mm256_set1_epi64x(c.c2), v3 = _mm256_set1_epi64x(c.c3);
    std::uint32_t k0 = c.k0, k1 = c.k1;
    for (int round = 0; round < 10; ++round) {
      if (round > 0) k0 += kW0, k1 += kW1;
      const __m256i p0 = _mm256_mul_epu32(v0, m0), p1 = _mm256_mul_epu32(v2, m1);
      const __m256i key0 = _mm256_set1_epi64x(k0), key1 = _mm256_set1_epi64x(k1);
      v0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), v1), key0);
      v1 = _mm256_and_si256(p1, low);
      v2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), v3), key1);
      v3 = _mm256_and_si256(p0, low);
    }
    if constexpr (Blocks) {
      alignas(32) std::uint64_t w[4][4];
      _mm256_store_si256(reinterpret_cast<__m256i*>(w[0]), v0);
      _mm256_store_si256(reinterpret_cast<__m256i*>(w[1]), v1);
      _mm256_store_si256(reinterpret_cast<__m256i*>(w[2]), v2);
      _mm256_store_si256(reinterpret_cast<__m256i*>(w[3]), v3);
      blocks_of_lanes<4>(w, static_cast<detail::PhiloxBlock*>(out) + j);
    } else {
      const __m256i hi = c.odd ? v2 : v0, lo = c.odd ? v3 : v1;
      const __m256i k = _mm256_srli_epi64(_mm256_or_si256(_mm256_slli_epi64(hi, 32), lo), 12);
      const __m256d x = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(k, exponent)), two52);
      _mm256_storeu_pd(static_cast<double*>(out) + j, _mm256_mul_pd(_mm256_add_pd(x, half), scale));
    }
  }
}

template <bool Blocks>
void philox_sse2(const Counter& c, const std::uint32_t* entity, std::size_t m, void* out) {
  const __m128i m0 = _mm_set1_epi64x(kM0), m1 = _mm_set1_epi64x(kM1);
  const __m128i low = _mm_set1_epi64x(0xFFFFFFFFll);
  const __m128i exponent = _mm_set1_epi64x(0x4330000000000000ll);
  const __m128d two52 = _mm_set1_pd(0x1p52), half = _mm_set1_pd(0.5);
  const __m128d scale = _mm_set1_pd(0x1p-52);
  for (std::size_t j = 0; j + 2 <= m; j += 2) {
    __m128i v0 = _mm_set_epi64x(entity[j + 1], entity[j]), v1 = _mm_set1_epi64x(c.c1);
    __m128i v2 = _mm_set1_epi64x(c.c2), v3 = _mm_set1_epi64x(c.c3);
    std::uint32_t k0 = c.k0, k1 = c.k1;
    for (int round = 0; round < 10; ++round) {
      if (round > 0) k0 += kW0, k1 += kW1;
      const __m128i p0 = _mm_mul_epu32(v0, m0), p1 = _mm_mul_epu32(v2, m1);
      const __m128i key0 = _mm_set1_epi64x(k0), key1 = _mm_set1_epi64x(k1);
      v0 = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(p1, 32), v1), key0);
      v1 = _mm_and_si128(p1, low);
      v2 = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi64(p0, 32), v3), key1);
      v3 = _mm_and_si128(p0, low);
    }
    if constexpr (Blocks) {
      alignas(16) std::uint64_t w[4][2];
      _mm_store_si128(reinterpret_cast<__m128i*>(w[0]), v0);
      _mm_store_si128(reinterpret_cast<__m128i*>(w[1]), v1);
      _mm_store_si128(reinterpret_cast<__m128i*>(w[2]), v2);
      _mm_store_si128(reinterpret_cast<__m128i*>(w[3]), v3);
      blocks_of_lanes<2>(w, static_cast<detail::PhiloxBlock*>(out) + j);
    } else {
      const __m128i hi = c.odd ? v2 : v0, lo = c.odd ? v3 : v1;
      const __m128i k = _mm_srli_epi64(_mm_or_si128(_mm_slli_epi64(hi, 32), lo), 12);
      const __m128d x = _mm_sub_pd(_mm_castsi128_pd(_mm_or_si128(k, exponent)), two52);
      _mm_storeu_pd(static_cast<double*>(out) + j, _mm_mul_pd(_mm_add_pd(x, half), scale));
    }
  }
}

bool has_avx2() {
  static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx2") != 0);
  return has;
}

#endif

detail::KeyedUniformsPath g_path = detail::KeyedUniformsPath::fastest;

}  // namespace

void detail::set_keyed_uniforms_path(KeyedUniformsPath path) { g_path = path; }

namespace {

// The SIMD paths for the first entities (a multiple of the lane count), returning how many
// they did; the caller computes the rest one by one.
template <bool Blocks>
std::size_t philox_lanes(const Counter& c, std::span<const std::uint32_t> entities, void* out) {
  const std::size_t m = entities.size();
  std::size_t done = 0;
#if defined(__x86_64__)
  using detail::KeyedUniformsPath;
  if (g_path == KeyedUniformsPath::fastest && has_avx2()) {
    done = m / 4 * 4;
    philox_avx2<Blocks>(c, entities.data(), done, out);
  } else if (g_path != KeyedUniformsPath::scalar) {
    done = m / 2 * 2;
    philox_sse2<Blocks>(c, entities.data(), done, out);
  }
#else
  (void)c, (void)out;
#endif
  return done;
}

}  // namespace

void keyed_uniforms(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
                    std::uint32_t step, std::uint32_t draw, std::span<const std::uint32_t> entities,
                    std::span<double> out) {
  if (out.size() < entities.size())
    throw std::invalid_argument("keyed_uniforms: fewer outputs than entities");
  const Counter c = counter_of(seed, replication, purpose, step, draw);
  for (std::size_t j = philox_lanes<false>(c, entities, out.data()); j < entities.size(); ++j)
    out[j] = keyed_uniform(seed, replication, purpose, step, entities[j], draw);
}

void keyed_blocks(std::uint64_t seed, std::uint64_t replication, Purpose purpose,
                  std::uint32_t step, std::uint32_t draw, std::span<const std::uint32_t> entities,
                  std::span<detail::PhiloxBlock> out) {
  if (out.size() < entities.size())
    throw std::invalid_argument("keyed_blocks: fewer outputs than entities");
  const Counter c = counter_of(seed, replication, purpose, step, draw);
  for (std::size_t j = philox_lanes<true>(c, entities, out.data()); j < entities.size(); ++j)
    out[j] = detail::keyed_block(seed, replication, purpose, step, entities[j], draw);
}

}  // namespace icsim
