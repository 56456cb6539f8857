#pragma once
// One place decides how many threads the BLAS underneath Eigen may use, so that OpenBLAS's own
// threads and OpenMP's never oversubscribe the cores: the io command lets BLAS use the threads
// it is given; parallel replications run BLAS single-threaded inside each OpenMP thread.
namespace icsim {
// Sets OpenBLAS's thread count when OpenBLAS is the BLAS in use (no-op otherwise).
void set_blas_threads(int threads);
// OpenBLAS's current thread count, or 0 when the BLAS in use is not OpenBLAS.
int blas_threads();
// Applies `threads` to OpenMP and to BLAS; returns the OpenMP count applied. With 0, OpenMP
// uses OMP_NUM_THREADS and BLAS OPENBLAS_NUM_THREADS (else OMP_NUM_THREADS) when the
// environment sets them, and all cores otherwise.
int configure_threads(int threads);

// Sets BLAS to `threads` threads for the guard's lifetime and restores the previous count
// (e.g. single-threaded BLAS inside an OpenMP parallel region).
class BlasThreadsGuard {
 public:
  explicit BlasThreadsGuard(int threads);
  ~BlasThreadsGuard();
  BlasThreadsGuard(const BlasThreadsGuard&) = delete;
  BlasThreadsGuard& operator=(const BlasThreadsGuard&) = delete;

 private:
  int previous_;
};
}  // namespace icsim
