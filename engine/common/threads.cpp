#include "icsim/common/threads.hpp"

#include <omp.h>

// Provided by OpenBLAS; weak so that the engine still links against another BLAS.
extern "C" void openblas_set_num_threads(int) __attribute__((weak));

namespace icsim {

void set_blas_threads(int threads) {
  if (openblas_set_num_threads) openblas_set_num_threads(threads);
}

int configure_threads(int threads) {
  if (threads <= 0) threads = omp_get_num_procs();
  omp_set_num_threads(threads);
  set_blas_threads(threads);
  return threads;
}

}  // namespace icsim
