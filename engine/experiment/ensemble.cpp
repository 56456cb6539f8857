// Running an ensemble in work units (include/icsim/experiment/ensemble.hpp).
#include "icsim/experiment/ensemble.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <numeric>

#include "icsim/common/error.hpp"
#include "icsim/common/processes.hpp"
#include "icsim/experiment/evaluate.hpp"
#include "icsim/experiment/run_memory.hpp"
#include "icsim/output/result_file.hpp"
#include "icsim/output/result_reader.hpp"
#include "icsim/output/run_result.hpp"

namespace fs = std::filesystem;

namespace icsim::experiment {
namespace {

struct Unit {
  std::size_t point = 0;  // slot in the point list
  int first = 0, count = 0;
};

std::string part_path(const std::string& dir, const Unit& u) {
  char name[96];
  std::snprintf(name, sizeof name, "point-%05zu_rep-%07d-%07d.h5", u.point, u.first,
                u.first + u.count - 1);
  return (fs::path(dir) / name).string();
}

// A part already on disk must come from this very point (same resolved scenario and seed) and
// hold the unit's replications: a parts folder left by another run is refused, not mixed in.
void check_part(const std::string& path, const scenario::LoadedScenario& point, const Unit& u) {
  const output::ResultReader file(path);
  const std::vector<std::string> text =
      file.has("scenario") ? file.strings("scenario") : std::vector<std::string>{};
  const std::vector<double> reps =
      file.has("region/replication") ? file.numbers("region/replication") : std::vector<double>{};
  const bool same =
      !text.empty() && text.front() == point.scenario.resolved_toml &&
      file.integer_attribute("/", "seed") == static_cast<std::int64_t>(point.scenario.seed) &&
      reps.size() == static_cast<std::size_t>(u.count) && !reps.empty() &&
      static_cast<int>(reps.front()) == u.first;
  if (!same)
    throw InputError(path +
                     ": a finished part of another scenario, seed or sweep (left by an "
                     "earlier run with the same output name?); remove the folder " +
                     fs::path(path).parent_path().string() + " to start afresh");
}

void check_same_targets(const TargetReport& first, const TargetReport& report, std::size_t point,
                        const std::string& label) {
  bool same = first.evaluated.size() == report.evaluated.size();
  for (std::size_t k = 0; same && k < report.evaluated.size(); ++k)
    same = first.evaluated[k].target->id == report.evaluated[k].target->id;
  if (!same)
    throw InputError("sweep point " + std::to_string(point) + " (" + label + ") evaluates " +
                     std::to_string(report.evaluated.size()) + " targets, point 0 " +
                     std::to_string(first.evaluated.size()) +
                     ": a sweep's points must judge the same targets (a swept key such as "
                     "firms.enabled changes which targets can be evaluated)");
}

// Whether two targets read the same (a sweep may move a threshold or a year).
bool same_definition(const results::Target& a, const results::Target& b) {
  return a.id == b.id && a.text == b.text && a.kind == b.kind && a.op == b.op &&
         a.threshold == b.threshold && a.unit == b.unit && a.year == b.year &&
         a.base_year == b.base_year && a.needs == b.needs && a.source == b.source;
}

// A report's targets point into its point's scenario, and a sweep loads its points one at a
// time: the report is re-pointed at point 0's targets where they read the same. Returns whether
// some target differs, so that its point must stay loaded.
bool share_targets(const TargetReport& first, TargetReport& report) {
  bool differs = false;
  auto find = [&](const results::Target* t) -> const results::Target* {
    for (const auto& o : first.evaluated)
      if (same_definition(*o.target, *t)) return o.target;
    for (const auto& [target, why] : first.not_evaluated)
      if (same_definition(*target, *t)) return target;
    differs = true;
    return t;
  };
  for (auto& o : report.evaluated) o.target = find(o.target);
  for (auto& entry : report.not_evaluated) entry.first = find(entry.first);
  return differs;
}

// Replications per unit with parts: `requested`, else 50; under MPI fewer when that leaves
// less than 8 blocks a rank, so that ranks finish together (9 units on 2 ranks would be 5 and 4).
// One process keeps 50: smaller blocks only add OpenMP tails and part files (measured in
// benchmarks/README.md).
int unit_block(int requested, int ranks, std::size_t points, int count) {
  if (requested > 0) return requested;
  int block = 50;
  if (ranks > 1) {
    const long P = static_cast<long>(points);
    const long per_point = std::max(1L, (8L * ranks + P - 1) / P);
    block = static_cast<int>(std::clamp((count + per_point - 1) / per_point, 1L, 50L));
  }
  return block;
}

// Blocks of `block` replications of each point, point by point.
std::vector<Unit> plan_units(std::size_t points, int first, int count, int block) {
  std::vector<Unit> units;
  for (std::size_t i = 0; i < points; ++i)
    for (int b = first; b < first + count; b += block)
      units.push_back({i, b, std::min(block, first + count - b)});
  return units;
}

// Point i's finished parts read back and joined in replication order.
Projection read_parts(const std::string& parts_dir, const std::vector<Unit>& units, std::size_t i) {
  Projection point;
  for (const Unit& u : units) {
    if (u.point != i) continue;
    const std::string path = part_path(parts_dir, u);
    const output::ResultReader part(path);
    results::append_replications(point, output::read_projection(part, 0), path);
  }
  return point;
}

}  // namespace

EnsembleResult run_ensemble(const EnsembleSpec& spec, const EnsembleOptions& options,
                            const std::string& out_path) {
  if (spec.plan && spec.points == nullptr)
    throw std::invalid_argument("run_ensemble: a sweep without its points");
  const std::size_t P = spec.plan ? spec.points->size() : 1;
  if (P == 0) throw InputError("the sweep has no points");
  const int total_reps = spec.base->scenario.replications;
  // Point i, loaded when first asked for (a plain run's one point is the base scenario).
  auto point = [&](std::size_t i) -> std::shared_ptr<const scenario::LoadedScenario> {
    if (!spec.plan) return {std::shared_ptr<const scenario::LoadedScenario>(), spec.base};
    auto p = spec.points->at(i);
    if (p->scenario.replications != total_reps || p->scenario.seed != spec.base->scenario.seed)
      throw InputError(
          "a sweep cannot change scenario.replications or scenario.seed: every point runs the "
          "same replications with the same seed (common random numbers)");
    return p;
  };
  const int first = options.first_replication;
  const int count = options.replication_count < 0 ? total_reps - first : options.replication_count;
  std::vector<std::string> labels(P);
  if (spec.plan)
    for (std::size_t i = 0; i < P; ++i) labels[i] = spec.plan->points[i].label;

  Processes& world = Processes::world();
  const bool use_parts = !options.parts_dir.empty();
  if (world.size() > 1 && !use_parts)
    throw InputError(
        "several MPI ranks need a result file (-o OUT.h5): the ranks hand their "
        "work to rank 0 through OUT.h5.parts/");
  if (use_parts && out_path.empty())
    throw InputError("resumable runs need a result file (-o OUT.h5)");

  // Rank 0 holds a point's replications at once: refuse a run that cannot fit before any work.
  if (world.root()) check_run_fits(*spec.base, count, P, P > 1 ? "the sweep" : "the run");

  EnsembleResult result;
  result.processes = world.size();
  result.replications_held = count;
  result.root = world.root();
  const long total_work = static_cast<long>(P) * count;

  std::vector<std::int64_t> point_numbers(P);
  std::iota(point_numbers.begin(), point_numbers.end(), std::int64_t{0});
  const std::string& base_text = spec.base->scenario.resolved_toml;

  // The file is opened before the work, so that an unwritable path fails at once.
  std::unique_ptr<output::ResultFile> file;
  if (!out_path.empty() && world.root()) file = std::make_unique<output::ResultFile>(out_path);

  auto write_point = [&](std::size_t i, const Projection& projection) {
    const auto loaded = point(i);
    // Reported figures are compared for a plain run; a sweep's points are what-ifs.
    PointVerdicts verdicts = evaluate_point(*loaded, projection, P == 1);
    TargetReport& report = verdicts.targets;
    if (i > 0) check_same_targets(result.targets.front(), report, i, labels[i]);
    if (i == 0 || share_targets(result.targets.front(), report)) result.scenarios.push_back(loaded);
    if (P == 1) {
      result.actuals = std::move(verdicts.actuals);
      result.validation = std::move(verdicts.validation);
    }
    if (file) {
      output::RunOutputs run{loaded.get(), &projection, &report, &result.actuals,
                             options.threads > 0 ? options.threads : 1};
      run.validation = &result.validation;
      run.processes = world.size();
      run.shard = options.shard;
      run.shard_count = options.shard_count;
      run.point_numbers = point_numbers;
      run.point = i;
      run.scenario_text = base_text;
      output::write_run(*file, run);
    }
    if (spec.observe_point) spec.observe_point(i, projection, report);
    result.targets.push_back(std::move(report));
  };
  auto finish_file = [&] {
    if (spec.finish) spec.finish(file.get());
    if (!file) return;
    if (spec.plan) output::write_sweep(*file, *spec.plan);
    file->commit();
  };

  long done_before = 0;  // replications this process finished in earlier units
  // The point's model, built for its first unit here and reused by its next ones (units come
  // point by point, so one is enough and memory stays at one point's firm population).
  std::size_t prepared_point = P;
  std::shared_ptr<const scenario::LoadedScenario> prepared_from;  // what `prepared` refers to
  std::unique_ptr<PreparedScenario> prepared;
  auto run_unit = [&](const Unit& u, bool judge) {
    if (prepared_point != u.point) {
      prepared.reset();
      prepared_from = point(u.point);
      prepared = std::make_unique<PreparedScenario>(*prepared_from);
      prepared_point = u.point;
    }
    RunOptions ro;
    ro.threads = options.threads;
    ro.first_replication = u.first;
    ro.replication_count = u.count;
    ro.stop = options.stop;
    ro.progress = [&](int finished, int) {
      const long mine = done_before + finished;
      if (world.mpi()) world.publish_done(mine);
      if (world.root() && options.progress) {
        const std::vector<long> counts =
            world.mpi() ? world.done_counts() : std::vector<long>{mine};
        options.progress(std::accumulate(counts.begin(), counts.end(), 0L), total_work, counts);
      }
    };
    EvaluatedPoint p;
    if (judge)
      p = evaluate_point(*prepared, ro, false);
    else
      p.projection = project(*prepared, ro);
    done_before += u.count;
    return p;
  };

  if (!use_parts) {
    result.units = static_cast<long>(P);
    for (std::size_t i = 0; i < P; ++i)
      write_point(i, run_unit({i, first, count}, false).projection);
    finish_file();
    return result;
  }

  const std::vector<Unit> units =
      plan_units(P, first, count, unit_block(options.block, world.size(), P, count));
  result.units = static_cast<long>(units.size());
  std::error_code ec;
  fs::create_directories(options.parts_dir, ec);
  if (!fs::is_directory(options.parts_dir))
    throw InputError(options.parts_dir + ": cannot create the folder for finished parts (" +
                     ec.message() + ")");

  world.start_work();
  long resumed = 0;
  for (long next = world.next_unit(); next < static_cast<long>(units.size());
       next = world.next_unit()) {
    const Unit& u = units[static_cast<std::size_t>(next)];
    const std::string path = part_path(options.parts_dir, u);
    if (fs::exists(path)) {
      check_part(path, *point(u.point), u);
      ++resumed;
      done_before += u.count;
      if (world.mpi()) world.publish_done(done_before);
      continue;
    }
    if (options.stop != nullptr && options.stop->load())
      throw Interrupted("stopped; finished parts are kept in " + options.parts_dir);
    const EvaluatedPoint unit = run_unit(u, true);
    const std::vector<ActualComparison> none;
    output::ResultFile part(path, output::ResultFile::Compression::none);
    output::RunOutputs run{prepared_from.get(), &unit.projection, &unit.verdicts.targets, &none,
                           options.threads};
    run.point_numbers = {static_cast<std::int64_t>(u.point)};
    output::write_run(part, run);
    part.commit();
  }
  if (world.mpi()) world.publish_done(done_before);
  result.units_resumed = resumed;
  world.barrier();
  if (!world.root()) return result;
  if (options.progress) {  // every rank's final count, once all are done
    const std::vector<long> counts = world.done_counts();
    options.progress(std::accumulate(counts.begin(), counts.end(), 0L), total_work, counts);
  }

  // Rank 0: every point's parts back in replication order, judged over all replications.
  for (std::size_t i = 0; i < P; ++i) write_point(i, read_parts(options.parts_dir, units, i));
  finish_file();
  fs::remove_all(options.parts_dir, ec);
  return result;
}

}  // namespace icsim::experiment
