#pragma once
// Writing output files so that nothing is lost and nothing is destroyed:
//  - every file is written to a temporary file beside its target; every write, the flush, the
//    fsync and the close are checked, and the target is replaced by a rename only when all of
//    them succeeded (a full disk leaves the target as it was and no temporary file behind);
//  - all outputs of one command form an OutputSet, committed together: if any output fails,
//    none is renamed into place;
//  - targets are checked before any work starts (check_output_file): a target must be a
//    regular file or absent, in an existing folder, and not one of the command's inputs, so
//    that `-o /dev/null` or `--csv Z.csv` inside the input table is refused, not replaced.
// Not tied to the input-output core: the HDF5 result writer can share it (through
// OutputSet::external, or by moving this header to a lower layer later).
//
// Test hook: when the environment variable ICSIM_TEST_WRITE_LIMIT is set to N, writes through
// StagedFile fail with ENOSPC ("No space left on device") once N bytes in total have been
// written by the process. It lets the fault-injection tests simulate a full disk without
// mounting a small file system; it has no other use.
#include <concepts>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace icsim::io {

// Checks an output file named by `option` (e.g. "--csv") before any work: InputError if it is
// a folder, a device, pipe or socket, if its folder does not exist, or if it is the same file
// as one of `inputs` (files or folders the command reads; for a folder, the target must not be
// that folder). Returns the path to write: `path` itself, or the file a symbolic link points
// to (the link stays). Empty `path`: returns "".
std::string check_output_file(const std::string& path, const std::string& option,
                              const std::vector<std::string>& inputs);

// Checks an output folder (e.g. --write-table DIR): absent, or an existing folder (its parent
// must exist); not a file, device or one of `inputs`. Returns `path`.
std::string check_output_folder(const std::string& path, const std::string& option,
                                const std::vector<std::string>& inputs);

// One file written beside its target and renamed over it on commit().
class StagedFile {
 public:
  // `shown` names the file in messages when it differs from `target` (a file of a folder that
  // is itself staged under a temporary name).
  explicit StagedFile(std::string target, std::string shown = {});
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;
  ~StagedFile();  // without commit(): closes and deletes the temporary file

  StagedFile& operator<<(std::string_view text);
  StagedFile& operator<<(const std::string& text) { return *this << std::string_view(text); }
  StagedFile& operator<<(const char* text) { return *this << std::string_view(text); }
  StagedFile& operator<<(char c) { return *this << std::string_view(&c, 1); }
  template <std::integral T>
  requires(!std::same_as<T, char> && !std::same_as<T, bool>) StagedFile& operator<<(T value) {
    return *this << std::to_string(value);
  }

  // Flushes, fsyncs and closes the temporary file; InputError naming the target and the reason
  // (e.g. "No space left on device") if any step fails. Idempotent.
  void finish();
  // finish(), then renames the temporary file to the target and syncs the folder.
  void commit();

  const std::string& target() const { return target_; }
  const std::string& temp_path() const { return temp_; }

 private:
  void flush_buffer();
  [[noreturn]] void fail(const std::string& step, int error);

  std::string target_;
  std::string shown_;
  std::string temp_;
  std::string buffer_;
  int fd_ = -1;
  bool committed_ = false;
};

// Every output of one command, committed together. Files are staged as they are written;
// commit() finishes (fsyncs) all of them and only then renames them into place; destroying an
// uncommitted set removes everything it staged.
class OutputSet {
 public:
  OutputSet() = default;
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;
  ~OutputSet();

  // A file to write; committed to `target`.
  StagedFile& file(const std::string& target);
  // A folder to fill with file() calls (e.g. a table folder). If `target` does not exist, the
  // files go to a temporary folder beside it that commit() renames to `target`; if it is an
  // existing folder, they are staged inside it and replace its files one by one.
  // Returns the folder in which to name the files.
  std::string folder(const std::string& target);
  // For writers that make their own files (HDF5): the path to write instead of `target`;
  // commit() renames it to `target`, an uncommitted set deletes it.
  std::string external(const std::string& target);
  // A file of an existing output folder that the new contents do not have: removed on commit.
  void remove_on_commit(const std::string& path);

  void commit();

 private:
  struct Rename {
    std::string from, to;
    bool folder = false;
  };
  std::vector<std::unique_ptr<StagedFile>> files_;
  std::vector<Rename> externals_;  // external files, then staged folders
  std::vector<std::string> removals_;
  bool committed_ = false;
};

}  // namespace icsim::io
