// MPI ranks or a single process (include/icsim/common/processes.hpp).
#include "icsim/common/processes.hpp"

#include <cstdlib>
#include <string>

#include "icsim/common/error.hpp"

#ifdef ICSIM_WITH_MPI
// The C API only: MPI's deprecated C++ bindings would need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace icsim {

int launched_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      const int n = std::atoi(value);
      if (n > 0) return n;
    }
  }
  return 1;
}

namespace {
bool launched_by_mpi() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr ||
         std::getenv("PMI_SIZE") != nullptr;
}
bool& finalized() {
  static bool done = false;
  return done;
}
bool& initialised_mpi() {
  static bool done = false;
  return done;
}
}  // namespace

#ifdef ICSIM_WITH_MPI
struct Processes::Impl {
  MPI_Win window = MPI_WIN_NULL;
  long* memory = nullptr;  // rank 0: [0] work counter, [1 + r] rank r's done count
};
#else
struct Processes::Impl {};
#endif

Processes::Processes() {
#ifdef ICSIM_WITH_MPI
  if (!launched_by_mpi()) return;
  int provided = 0;
  // Only the main thread calls MPI (OpenMP threads compute between the calls).
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  initialised_mpi() = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  mpi_ = true;
  impl_ = new Impl;
  const MPI_Aint bytes = rank_ == 0 ? static_cast<MPI_Aint>(sizeof(long)) * (size_ + 1) : 0;
  MPI_Win_allocate(bytes, sizeof(long), MPI_INFO_NULL, MPI_COMM_WORLD, &impl_->memory,
                   &impl_->window);
  if (rank_ == 0)
    for (int i = 0; i <= size_; ++i) impl_->memory[i] = 0;
  MPI_Barrier(MPI_COMM_WORLD);
#else
  if (launched_by_mpi() && launched_ranks() > 1)
    throw InputError(
        "started as " + std::to_string(launched_ranks()) +
        " MPI ranks, but this icsim was built without MPI (every rank would run everything): "
        "install libopenmpi-dev (tools/install-deps.sh) and rebuild, or run one process");
#endif
}

Processes& Processes::world() {
  static Processes instance;
  return instance;
}

void Processes::barrier() {
#ifdef ICSIM_WITH_MPI
  if (mpi_) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

void Processes::start_work() {
  local_counter_ = 0;
  local_done_ = 0;
#ifdef ICSIM_WITH_MPI
  if (!mpi_) return;
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank_ == 0) {
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, impl_->window);
    for (int i = 0; i <= size_; ++i) impl_->memory[i] = 0;
    MPI_Win_unlock(0, impl_->window);
  }
  MPI_Barrier(MPI_COMM_WORLD);
#endif
}

long Processes::next_unit() {
#ifdef ICSIM_WITH_MPI
  if (mpi_) {
    const long one = 1;
    long unit = 0;
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, impl_->window);
    MPI_Fetch_and_op(&one, &unit, MPI_LONG, 0, 0, MPI_SUM, impl_->window);
    MPI_Win_unlock(0, impl_->window);
    return unit;
  }
#endif
  return local_counter_++;
}

void Processes::publish_done(long done) {
  local_done_ = done;
#ifdef ICSIM_WITH_MPI
  if (mpi_) {
    long ignored = 0;
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, impl_->window);
    MPI_Fetch_and_op(&done, &ignored, MPI_LONG, 0, 1 + rank_, MPI_REPLACE, impl_->window);
    MPI_Win_unlock(0, impl_->window);
  }
#endif
}

std::vector<long> Processes::done_counts() {
#ifdef ICSIM_WITH_MPI
  if (mpi_) {
    std::vector<long> out(static_cast<std::size_t>(size_), 0);
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, impl_->window);
    for (int r = 0; r < size_; ++r)
      MPI_Fetch_and_op(nullptr, &out[static_cast<std::size_t>(r)], MPI_LONG, 0, 1 + r, MPI_NO_OP,
                       impl_->window);
    MPI_Win_unlock(0, impl_->window);
    return out;
  }
#endif
  return {local_done_};
}

void Processes::abort(int code) {
#ifdef ICSIM_WITH_MPI
  if (mpi_ && size_ > 1) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  finalize();
  std::exit(code);
}

void Processes::finalize() {
#ifdef ICSIM_WITH_MPI
  if (initialised_mpi() && !finalized()) {
    finalized() = true;
    Processes& w = world();
    if (w.impl_ != nullptr && w.impl_->window != MPI_WIN_NULL) MPI_Win_free(&w.impl_->window);
    MPI_Finalize();
  }
#endif
}

}  // namespace icsim
