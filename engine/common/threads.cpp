#include "icsim/common/threads.hpp"

#include <omp.h>

#include <cstdlib>

// Provided by OpenBLAS; weak so that the engine still links against another BLAS.
extern "C" void openblas_set_num_threads(int) __attribute__((weak));
extern "C" int openblas_get_num_threads() __attribute__((weak));

namespace icsim {

namespace {
// A positive thread count from the environment variable `name`, or 0 if unset or not one.
int env_threads(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return 0;
  char* end = nullptr;
  const long n = std::strtol(value, &end, 10);
  if (*end != '\0' || n <= 0 || n > 1 << 16) return 0;
  return static_cast<int>(n);
}
}  // namespace

void set_blas_threads(int threads) {
  if (openblas_set_num_threads) openblas_set_num_threads(threads);
}

int blas_threads() { return openblas_get_num_threads ? openblas_get_num_threads() : 0; }

int configure_threads(int threads) {
  if (threads > 0) {
    omp_set_num_threads(threads);
    set_blas_threads(threads);
    return threads;
  }
  const int omp_env = env_threads("OMP_NUM_THREADS");
  const int blas_env = env_threads("OPENBLAS_NUM_THREADS");
  const int omp = omp_env > 0 ? omp_env : omp_get_num_procs();
  const int blas = blas_env > 0 ? blas_env : omp_env > 0 ? omp_env : omp_get_num_procs();
  omp_set_num_threads(omp);
  set_blas_threads(blas);
  return omp;
}

BlasThreadsGuard::BlasThreadsGuard(int threads) : previous_(blas_threads()) {
  set_blas_threads(threads);
}

BlasThreadsGuard::~BlasThreadsGuard() {
  if (previous_ > 0) set_blas_threads(previous_);
}

}  // namespace icsim
