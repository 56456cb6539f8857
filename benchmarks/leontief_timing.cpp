// The C++ side of benchmarks/compare_numpy.py (see benchmarks/README.md).
//
//   leontief_timing generate N DIR        write the size-N problem leontief_bench uses (shipped
//                                         table at 42/153 when present, else synthetic) to DIR
//   leontief_timing time DIR [REPEATS]    time the tasks on DIR's problem with LeontiefSystem,
//                                         print JSON, write the results M.f64 and X.f64 to DIR
//   leontief_timing threads [N] [REPS]    OpenMP x OpenBLAS oversubscription check, JSON
//   leontief_timing noop                  start, load the libraries, exit (start-up floor)
//
// Files are raw little-endian float64 in column-major (Fortran) order; DIR/problem.json holds
// the shapes. Every timing is a median over REPEATS samples after one warm-up run; a sample
// repeats the task `inner` times (enough to last >= 2 ms) and divides, so that microsecond
// tasks are not timer noise.
#include <omp.h>
#include <sys/resource.h>

#include <Eigen/Dense>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "icsim/common/threads.hpp"
#include "icsim/io/leontief.hpp"
#include "leontief_problems.hpp"

// OpenBLAS's own query; weak so that the program links against any BLAS (then reported as -1).
extern "C" int openblas_get_num_threads() __attribute__((weak));

namespace {

namespace fs = std::filesystem;
using icsim::io::LeontiefSystem;
using Clock = std::chrono::steady_clock;

int blas_threads() { return openblas_get_num_threads ? openblas_get_num_threads() : -1; }

int threads_in_process() {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/task")) ++count;
  return count;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void write_matrix(const fs::path& path, const Eigen::MatrixXd& m) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(m.data()),
            static_cast<std::streamsize>(m.size() * static_cast<Eigen::Index>(sizeof(double))));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

Eigen::MatrixXd read_matrix(const fs::path& path, Eigen::Index rows, Eigen::Index cols) {
  Eigen::MatrixXd m(rows, cols);
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(m.data()),
          static_cast<std::streamsize>(m.size() * static_cast<Eigen::Index>(sizeof(double))));
  if (!in || in.peek() != std::ifstream::traits_type::eof())
    throw std::runtime_error(path.string() + ": expected exactly " + std::to_string(rows) + " x " +
                             std::to_string(cols) + " float64 values");
  return m;
}

// The few integers of problem.json ("key": value), written by `generate`.
std::map<std::string, std::string> read_meta(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  std::map<std::string, std::string> meta;
  std::size_t pos = 0;
  while ((pos = s.find('"', pos)) != std::string::npos) {
    const std::size_t end = s.find('"', pos + 1);
    const std::string key = s.substr(pos + 1, end - pos - 1);
    std::size_t colon = s.find(':', end);
    std::size_t value_end = s.find_first_of(",}", colon);
    std::string value = s.substr(colon + 1, value_end - colon - 1);
    value.erase(0, value.find_first_not_of(" \n\""));
    value.erase(value.find_last_not_of(" \n\"") + 1);
    meta[key] = value;
    pos = value_end;
  }
  return meta;
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

int generate(Eigen::Index n, const fs::path& dir) {
  fs::create_directories(dir);
  const icsim::bench::Problem p = icsim::bench::benchmark_problem(n);
  write_matrix(dir / "A.f64", p.A);
  write_matrix(dir / "E.f64", p.E);
  write_matrix(dir / "F.f64", p.F);
  std::ofstream meta(dir / "problem.json");
  meta << "{\"n\": " << p.A.rows() << ", \"k\": " << p.E.rows() << ", \"m\": " << p.F.cols()
       << ", \"source\": \"" << json_escape(p.source) << "\"}\n";
  std::cout << "{\"n\": " << p.A.rows() << ", \"k\": " << p.E.rows() << ", \"m\": " << p.F.cols()
            << ", \"source\": \"" << json_escape(p.source) << "\"}\n";
  return 0;
}

struct Timing {
  double median = 0.0;
  double min = 0.0;
  long inner = 1;
  int samples = 0;
};

Timing time_task(const std::function<void()>& task, int repeats) {
  const auto seconds_of = [&](long runs) {
    const auto start = Clock::now();
    for (long i = 0; i < runs; ++i) task();
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  const double first = seconds_of(1);  // warm-up, also sizes `inner`
  Timing t;
  t.inner = std::max(1L, static_cast<long>(std::ceil(0.002 / std::max(first, 1e-9))));
  std::vector<double> samples;
  for (int r = 0; r < repeats; ++r)
    samples.push_back(seconds_of(t.inner) / static_cast<double>(t.inner));
  std::sort(samples.begin(), samples.end());
  t.samples = repeats;
  t.min = samples.front();
  const std::size_t mid = samples.size() / 2;
  t.median = samples.size() % 2 ? samples[mid] : 0.5 * (samples[mid - 1] + samples[mid]);
  return t;
}

int time_all(const fs::path& dir, int repeats) {
  auto meta = read_meta(dir / "problem.json");
  const Eigen::Index n = std::stol(meta.at("n")), k = std::stol(meta.at("k")),
                     m = std::stol(meta.at("m"));
  const Eigen::MatrixXd A = read_matrix(dir / "A.f64", n, n);
  const Eigen::MatrixXd E = read_matrix(dir / "E.f64", k, n);
  const Eigen::MatrixXd F = read_matrix(dir / "F.f64", n, m);
  const Eigen::MatrixXd f = F.col(0);

  // The results compare_numpy.py checks numpy's and scipy's against.
  {
    LeontiefSystem system(A);
    write_matrix(dir / "M.f64", system.solve_transposed(E));
    write_matrix(dir / "X.f64", system.solve(F));
  }
  const LeontiefSystem system(A);
  const std::vector<std::pair<std::string, std::function<void()>>> tasks = {
      {"factor", [&] { LeontiefSystem s(A); }},
      {"solve_one", [&] { Eigen::MatrixXd x = system.solve(f); }},
      {"multipliers", [&] { Eigen::MatrixXd y = system.solve_transposed(E); }},
      {"shocks", [&] { Eigen::MatrixXd x = system.solve(F); }},
      {"combined",
       [&] {
         LeontiefSystem s(A);
         Eigen::MatrixXd y = s.solve_transposed(E);
         Eigen::MatrixXd x = s.solve(F);
       }},
      {"combined_via_inverse",
       [&] {
         LeontiefSystem s(A);
         const Eigen::MatrixXd L = s.inverse();
         Eigen::MatrixXd y = E * L;
         Eigen::MatrixXd x = L * F;
       }},
  };
  std::ostringstream out;
  out << "{\"n\": " << n << ", \"k\": " << k << ", \"m\": " << m
      << ", \"blas_threads\": " << blas_threads() << ", \"tasks\": {";
  bool first = true;
  for (const auto& [name, task] : tasks) {
    const Timing t = time_task(task, repeats);
    out << (first ? "" : ", ") << "\"" << name << "\": {\"median\": " << t.median
        << ", \"min\": " << t.min << ", \"inner\": " << t.inner << ", \"samples\": " << t.samples
        << "}";
    first = false;
  }
  out << "}, \"threads_in_process\": " << threads_in_process() << "}";
  std::cout.precision(17);
  std::cout << out.str() << "\n";
  return 0;
}

// Replications in parallel, the way a scenario sweep would run them: `reps` independent
// Leontief problems (factor + 100 shocks each), serially with BLAS threads, and in an OpenMP
// loop over omp_get_num_procs() threads both with BLAS left as configured (the oversubscribed
// case when BLAS has more than one thread) and with icsim::set_blas_threads(1) around the loop.
int threads_check(Eigen::Index n, int reps) {
  const icsim::bench::Problem p = icsim::bench::synthetic_problem(n);
  const Eigen::MatrixXd F = p.F.leftCols(100);
  const int configured = blas_threads();
  const int procs = omp_get_num_procs();
  std::atomic<int> max_threads{0};
  auto replication = [&] {
    LeontiefSystem s(p.A);
    Eigen::MatrixXd x = s.solve(F);
    int now = threads_in_process();
    int seen = max_threads.load();
    while (now > seen && !max_threads.compare_exchange_weak(seen, now)) {
    }
  };
  struct Result {
    double wall, cpu;
    int threads;
  };
  auto measure = [&](const std::function<void()>& run) {
    std::vector<Result> results;
    run();  // warm-up
    for (int r = 0; r < 3; ++r) {
      max_threads = 0;
      const double cpu0 = cpu_seconds();
      const auto t0 = Clock::now();
      run();
      results.push_back({std::chrono::duration<double>(Clock::now() - t0).count(),
                         cpu_seconds() - cpu0, max_threads.load()});
    }
    std::sort(results.begin(), results.end(),
              [](const Result& a, const Result& b) { return a.wall < b.wall; });
    return results[1];
  };
  const Result serial = measure([&] {
    for (int r = 0; r < reps; ++r) replication();
  });
  const Result nested = measure([&] {
#pragma omp parallel for num_threads(procs) schedule(dynamic)
    for (int r = 0; r < reps; ++r) replication();
  });
  const Result guarded = measure([&] {
    icsim::set_blas_threads(1);
#pragma omp parallel for num_threads(procs) schedule(dynamic)
    for (int r = 0; r < reps; ++r) replication();
    icsim::set_blas_threads(configured);
  });
  std::cout << "{\"n\": " << n << ", \"replications\": " << reps << ", \"cores\": " << procs
            << ", \"blas_threads\": " << configured << ", \"runs\": {";
  const std::pair<const char*, Result> rows[] = {{"serial_blas_threaded", serial},
                                                 {"omp_parallel_blas_as_configured", nested},
                                                 {"omp_parallel_blas_1", guarded}};
  bool first = true;
  for (const auto& [name, r] : rows) {
    std::cout << (first ? "" : ", ") << "\"" << name << "\": {\"wall\": " << r.wall
              << ", \"cpu\": " << r.cpu << ", \"max_threads_in_process\": " << r.threads << "}";
    first = false;
  }
  std::cout << "}}\n";
  return 0;
}

int usage() {
  std::cerr << "usage: leontief_timing generate N DIR | time DIR [REPEATS] | threads [N] [REPS]"
               " | noop\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage();
    if (args[0] == "generate" && args.size() == 3) return generate(std::stol(args[1]), args[2]);
    if (args[0] == "time" && (args.size() == 2 || args.size() == 3))
      return time_all(args[1], args.size() == 3 ? std::stoi(args[2]) : 5);
    if (args[0] == "threads" && args.size() <= 3)
      return threads_check(args.size() >= 2 ? std::stol(args[1]) : 1000,
                           args.size() == 3 ? std::stoi(args[2]) : 8);
    if (args[0] == "noop" && args.size() == 1) return 0;
    return usage();
  } catch (const std::exception& e) {
    std::cerr << "leontief_timing: " << e.what() << "\n";
    return 1;
  }
}
