#pragma once
// One place decides how many threads the BLAS underneath Eigen may use, so that OpenBLAS's own
// threads and OpenMP's never oversubscribe the cores: the io command lets BLAS use the threads
// it is given; parallel replications run BLAS single-threaded inside each OpenMP thread.
namespace icsim {
// Sets OpenBLAS's thread count when OpenBLAS is the BLAS in use (no-op otherwise).
void set_blas_threads(int threads);
// Applies `threads` (0 = all cores) to OpenMP and to BLAS; returns the count applied.
int configure_threads(int threads);
}  // namespace icsim
