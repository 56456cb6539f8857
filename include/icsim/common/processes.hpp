#pragma once
// The processes a run is spread over: MPI's ranks when icsim was started by mpirun or srun, or
// this process alone. MPI is initialised only when the environment says an MPI launcher started
// us (OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_SIZE), so a plain `icsim run` never touches it.
//
// Work is handed out through a counter that lives on rank 0 and that every rank (rank 0 too)
// advances atomically with MPI one-sided operations (MPI_Fetch_and_op): a rank that finishes
// early simply takes the next unit, so ranks stay busy whatever the units cost (dynamic load
// balancing), with no rank set aside to coordinate.
#include <string>
#include <vector>

namespace icsim {

class Processes {
 public:
  // The run's processes; initialises MPI on first use when launched by an MPI launcher.
  // Throws InputError when launched as several ranks by an icsim built without MPI.
  static Processes& world();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }
  bool mpi() const { return mpi_; }

  void barrier();
  // Collective: resets the shared work counter and every rank's done count to 0.
  void start_work();
  // The next unit number for this rank (0, 1, 2, ... across all ranks, each number once).
  long next_unit();
  // This rank's count of finished work (e.g. replications), for the progress display.
  void publish_done(long done);
  // Every rank's published count (rank 0's view; a single process returns its own).
  std::vector<long> done_counts();
  // Ends every rank with `code` (MPI_Abort); a single process just exits.
  [[noreturn]] void abort(int code);
  // MPI_Finalize when MPI was initialised; call once at the end of main.
  static void finalize();

  Processes(const Processes&) = delete;
  Processes& operator=(const Processes&) = delete;

 private:
  Processes();
  struct Impl;
  Impl* impl_ = nullptr;
  int rank_ = 0, size_ = 1;
  bool mpi_ = false;
  long local_counter_ = 0, local_done_ = 0;
};

// The number of ranks the environment's MPI launcher asked for (1 when not launched by one).
int launched_ranks();

}  // namespace icsim
