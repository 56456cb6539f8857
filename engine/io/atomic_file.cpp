#include "icsim/io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include "icsim/common/error.hpp"

namespace fs = std::filesystem;

namespace icsim::io {
namespace {

std::atomic<unsigned> g_counter{0};
std::atomic<long long> g_written{0};

// The test hook (see the header): the byte budget, or -1 when unset.
long long write_limit() {
  static const long long limit = [] {
    const char* v = std::getenv("ICSIM_TEST_WRITE_LIMIT");
    if (!v || !*v) return -1LL;
    char* end = nullptr;
    const long long n = std::strtoll(v, &end, 10);
    return *end == '\0' && n >= 0 ? n : -1LL;
  }();
  return limit;
}

std::string folder_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// A unique name beside `target`: same folder (so the rename is atomic), hidden, marked as
// icsim's, with the process id so that concurrent commands do not collide.
std::string temp_beside(const std::string& target) {
  const fs::path p(target);
  std::string name(1, '.');  // appended piecewise: GCC 12 warns falsely on "." + string
  name += p.filename().string();
  name += ".icsim-" + std::to_string(::getpid()) + "-" + std::to_string(g_counter++) + ".tmp";
  return (p.parent_path() / name).string();
}

void sync_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);  // durability of the rename; the files themselves are complete already
  ::close(fd);
}

// "out/" and "out" name the same folder; the first has no file name to put a temporary beside.
std::string without_slash(const std::string& path) {
  fs::path p = fs::path(path).lexically_normal();
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
  return p.string();
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

void check_not_input(const std::string& path, const struct stat& target, const std::string& option,
                     const std::vector<std::string>& inputs) {
  for (const auto& input : inputs) {
    struct stat st {};
    if (input.empty() || ::stat(input.c_str(), &st) != 0) continue;
    if (same_file(st, target))
      throw InputError(located(path, 0,
                               option + ": this is one of the command's inputs (" + input +
                                   "); writing it would destroy the input. Choose another name"));
  }
}

void check_parent(const std::string& path, const std::string& option) {
  const std::string parent = folder_of(path);
  struct stat st {};
  if (::stat(parent.c_str(), &st) != 0) {
    const int error = errno;
    throw InputError(
        located(path, 0,
                option + ": the folder " + parent +
                    (error == ENOENT ? std::string(" does not exist")
                                     : " cannot be used: " + std::string(std::strerror(error)))));
  }
  if (!S_ISDIR(st.st_mode))
    throw InputError(located(path, 0, option + ": " + parent + " is not a folder"));
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    throw InputError(located(
        path, 0, option + ": cannot write in the folder " + parent + ": " + std::strerror(errno)));
}

}  // namespace

std::string check_output_file(const std::string& path, const std::string& option,
                              const std::vector<std::string>& inputs) {
  if (path.empty()) return path;
  std::string real = path;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    std::error_code ec;
    const fs::path resolved = fs::canonical(path, ec);
    if (ec)
      throw InputError(located(
          path, 0, option + ": a symbolic link that leads nowhere usable (" + ec.message() + ")"));
    real = resolved.string();
  }
  if (::stat(real.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      throw InputError(located(path, 0, option + ": is a folder; expected a file name"));
    if (!S_ISREG(st.st_mode))
      throw InputError(located(
          path, 0,
          option + ": is a device, pipe or socket, not a regular file; icsim writes its outputs "
                   "as new files and renames them into place, which would replace it. Give the "
                   "name of a regular file"));
    check_not_input(path, st, option, inputs);
  } else if (errno != ENOENT) {
    throw InputError(located(path, 0, option + ": cannot be used: " + std::strerror(errno)));
  }
  check_parent(real, option);
  return real;
}

std::string check_output_folder(const std::string& path, const std::string& option,
                                const std::vector<std::string>& inputs) {
  if (path.empty()) return path;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      throw InputError(located(path, 0,
                               option + ": exists and is not a folder; give the name of a new "
                                        "folder or of a folder to replace"));
    check_not_input(path, st, option, inputs);
    if (::access(path.c_str(), W_OK | X_OK) != 0)
      throw InputError(
          located(path, 0, option + ": cannot write in the folder: " + std::strerror(errno)));
    return path;
  }
  if (errno != ENOENT)
    throw InputError(located(path, 0, option + ": cannot be used: " + std::strerror(errno)));
  check_parent(without_slash(path), option);
  return path;
}

// ---- StagedFile ---------------------------------------------------------------------------------

StagedFile::StagedFile(std::string target, std::string shown)
    : target_(std::move(target)), shown_(std::move(shown)) {
  if (shown_.empty()) shown_ = target_;
  temp_ = temp_beside(target_);
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    const int error = errno;
    throw InputError(located(shown_, 0,
                             "cannot create the temporary file " + temp_ + ": " +
                                 std::strerror(error) + "; nothing was written"));
  }
}

StagedFile::~StagedFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

void StagedFile::fail(const std::string& step, int error) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(temp_.c_str());
  committed_ = true;  // nothing left to clean up
  throw InputError(located(shown_, 0,
                           step + " failed: " + std::strerror(error) +
                               "; nothing was written (an existing file is left as it was)"));
}

StagedFile& StagedFile::operator<<(std::string_view text) {
  if (fd_ < 0) throw std::logic_error("StagedFile: write after finish(): " + target_);
  buffer_.append(text);
  if (buffer_.size() >= (1u << 16)) flush_buffer();
  return *this;
}

void StagedFile::flush_buffer() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    std::size_t chunk = buffer_.size() - done;
    const long long limit = write_limit();
    if (limit >= 0) {
      const long long room = limit - g_written.load();
      if (room <= 0) fail("writing", ENOSPC);
      chunk = std::min<std::size_t>(chunk, static_cast<std::size_t>(room));
    }
    const ssize_t n = ::write(fd_, buffer_.data() + done, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("writing", errno);
    }
    done += static_cast<std::size_t>(n);
    g_written += n;
  }
  buffer_.clear();
}

void StagedFile::finish() {
  if (fd_ < 0) return;
  flush_buffer();
  if (::fsync(fd_) != 0) fail("flushing to disk (fsync)", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("closing", errno);
}

void StagedFile::commit() {
  finish();
  if (committed_) return;
  if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp_.c_str());
    committed_ = true;
    throw InputError(located(
        target_, 0,
        "cannot rename the finished temporary file " + temp_ + " to it: " + std::strerror(error)));
  }
  committed_ = true;
  sync_folder(folder_of(target_));
}

// ---- OutputSet ----------------------------------------------------------------------------------

OutputSet::~OutputSet() {
  if (committed_) return;
  files_.clear();  // deletes the temporary files
  std::error_code ignored;
  for (auto it = externals_.rbegin(); it != externals_.rend(); ++it) {
    if (it->folder) {
      fs::remove_all(it->from, ignored);  // our own temporary folder
    } else {
      fs::remove(it->from, ignored);
      // The HDF5 result writer's own temporary (output::ResultFile writes PATH.tmp.<pid>), in
      // case it could not remove it itself.
      fs::remove(it->from + ".tmp." + std::to_string(::getpid()), ignored);
    }
  }
}

StagedFile& OutputSet::file(const std::string& target) {
  std::string shown;  // inside a staged folder: named by where it will be
  for (const auto& e : externals_)
    if (e.folder && target.rfind(e.from + "/", 0) == 0) shown = e.to + target.substr(e.from.size());
  files_.push_back(std::make_unique<StagedFile>(target, shown));
  return *files_.back();
}

std::string OutputSet::folder(const std::string& target) {
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return target;
  const std::string temp = temp_beside(without_slash(target));
  std::error_code ec;
  if (!fs::create_directory(temp, ec) || ec)
    throw InputError(located(target, 0,
                             "cannot create the temporary folder " + temp + ": " +
                                 (ec ? ec.message() : std::string("it exists")) +
                                 "; nothing was written"));
  externals_.push_back({temp, without_slash(target), true});
  return temp;
}

std::string OutputSet::external(const std::string& target) {
  const std::string temp = temp_beside(target);
  externals_.push_back({temp, target, false});
  return temp;
}

void OutputSet::remove_on_commit(const std::string& path) { removals_.push_back(path); }

void OutputSet::commit() {
  for (auto& f : files_) f->finish();  // any failure: nothing has been renamed yet
  for (const auto& e : externals_)
    if (!e.folder && ::access(e.from.c_str(), F_OK) != 0)
      throw InputError(located(e.to, 0, "was not written; nothing was written"));
  std::set<std::string> folders;
  for (auto& f : files_) {
    f->commit();
    folders.insert(folder_of(f->target()));
  }
  for (const auto& e : externals_) {
    if (std::rename(e.from.c_str(), e.to.c_str()) != 0)
      throw InputError(located(e.to, 0,
                               "cannot rename the finished temporary " +
                                   std::string(e.folder ? "folder " : "file ") + e.from +
                                   " to it: " + std::strerror(errno)));
    folders.insert(folder_of(e.to));
  }
  for (const auto& r : removals_) {
    ::unlink(r.c_str());
    folders.insert(folder_of(r));
  }
  committed_ = true;
  for (const auto& f : folders) sync_folder(f);
}

}  // namespace icsim::io
