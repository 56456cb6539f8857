// HDF5 result files in netCDF-4 shape (see docs/results.md). Every dimension is a dimension
// scale dataset of the same name in its group (a coordinate variable), marked with
// `_Netcdf4Dimid` as netCDF-C does; variables attach their scales in order. Links and
// attributes track creation order (netCDF-4 wants it, and readers then list things in the order
// they were written). Strings are variable-length UTF-8.
#include "icsim/output/result_file.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "hdf5_quiet.hpp"
#include "hdf5_support.hpp"
#include "icsim/common/error.hpp"
#include "integrity.hpp"

namespace icsim::output {

namespace fs = std::filesystem;
using namespace detail;  // the HDF5 plumbing (hdf5_support.hpp)

struct Group::Impl {
  std::shared_ptr<FileState> state;
  std::string name;

  static Impl& of(const std::shared_ptr<Impl>& impl) {
    if (!impl) throw std::logic_error("icsim::output::Group used before ResultFile::group()");
    return *impl;
  }

  FileState& file() const { return *state; }
  std::string where(const std::string& object) const { return "/" + name + "/" + object; }

  // Everything a variable needs, checked before anything is written.
  std::vector<hsize_t> shape_of(const std::string& variable, const std::vector<std::string>& dims,
                                std::size_t value_count, const VariableInfo& info) const {
    FileState& f = file();
    f.check_name("variable", variable);
    const auto& known = f.dimensions[name];
    std::vector<hsize_t> shape;
    std::size_t count = 1;
    for (std::size_t i = 0; i < dims.size(); ++i) {
      auto it = known.find(dims[i]);
      if (it == known.end()) {
        std::vector<std::string> names;
        for (const auto& [dim, size] : known) names.push_back(dim);
        f.bad_argument(where(variable) + ": unknown dimension '" + dims[i] + "' (group has: " +
                       (names.empty() ? std::string("none") : join_dims(names)) + ")");
      }
      if (std::find(dims.begin(), dims.begin() + static_cast<std::ptrdiff_t>(i), dims[i]) !=
          dims.begin() + static_cast<std::ptrdiff_t>(i)) {
        f.bad_argument(where(variable) + ": dimension '" + dims[i] +
                       "' repeated (netCDF readers need distinct dimensions; add e.g. '" + dims[i] +
                       "_to')");
      }
      shape.push_back(it->second);
      count *= static_cast<std::size_t>(it->second);
    }
    if (value_count != count) {
      f.bad_argument(where(variable) + ": " + std::to_string(value_count) +
                     " values given, dimensions (" + join_dims(dims, &known) + ") need " +
                     std::to_string(count));
    }
    f.check_text(where(variable) + " units", info.units);
    f.check_text(where(variable) + " long_name", info.long_name);
    for (const auto& [attr, value] : info.extra) {
      f.check_attribute(where(variable), attr, value);
      if (attr == "units" || attr == "long_name") {
        f.bad_argument(where(variable) + ": set " + attr + " in VariableInfo, not in extra");
      }
      if (attr == "coordinates") {
        f.bad_argument(where(variable) +
                       ": `coordinates` is set from the group's auxiliary coordinates");
      }
    }
    return shape;
  }

  // The group's auxiliary coordinates over dimensions of `dims`, space-separated (CF).
  std::string coordinates_of(const std::vector<std::string>& dims) const {
    const FileState& f = file();
    auto it = f.auxiliaries.find(name);
    if (it == f.auxiliaries.end()) return "";
    std::string out;
    for (const auto& [variable, dim] : it->second) {
      if (std::find(dims.begin(), dims.end(), dim) == dims.end()) continue;
      out += (out.empty() ? "" : " ") + variable;
    }
    return out;
  }

  // `auxiliary`: the variable is itself an auxiliary coordinate (it names no others).
  void put_info(hid_t dataset, const std::string& variable, const VariableInfo& info,
                const std::vector<std::string>& dims, bool auxiliary = false) const {
    const FileState& f = file();
    put_attribute(f, dataset, where(variable), "long_name", info.long_name);
    put_attribute(f, dataset, where(variable), "units", info.units);
    for (const auto& [attr, value] : info.extra) {
      put_attribute(f, dataset, where(variable), attr, value);
    }
    const std::string coordinates = auxiliary ? "" : coordinates_of(dims);
    if (!coordinates.empty())
      put_attribute(f, dataset, where(variable), "coordinates", coordinates);
  }

  void attach(hid_t group, hid_t dataset, const std::string& variable,
              const std::vector<std::string>& dims) const {
    const FileState& f = file();
    for (std::size_t i = 0; i < dims.size(); ++i) {
      const std::string what = "cannot attach dimension " + dims[i] + " to " + where(variable);
      Id scale(f.check(H5Dopen2(group, dims[i].c_str(), H5P_DEFAULT), what), H5Dclose);
      f.check(H5DSattach_scale(dataset, scale, static_cast<unsigned>(i)), what);
    }
  }

  // A dimension: a coordinate dataset of the same name made a dimension scale.
  void add_dimension(const std::string& dim, hid_t file_type, hid_t memory_type, const void* data,
                     std::size_t size, bool compressible, const std::string& long_name,
                     const std::string& units) {
    QuietErrors quiet;
    FileState& f = file();
    f.require_open();
    f.check_name("dimension", dim);
    f.check_text(where(dim) + " long_name", long_name);
    f.check_text(where(dim) + " units", units);
    if (f.dimensions[name].count(dim) != 0) f.bad_argument(where(dim) + ": dimension exists");
    Id group = open_group(f, name);
    check_free(f, group, where(dim), dim);
    const std::vector<hsize_t> shape = {static_cast<hsize_t>(size)};
    Id dataset = create_dataset(f, group, where(dim), dim, file_type, shape, compressible);
    const std::string what = "cannot write " + where(dim);
    if (size > 0)
      f.check(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
    f.check(H5DSset_scale(dataset, dim.c_str()), "cannot make " + where(dim) + " a dimension");
    put_int32_attribute(f, dataset, where(dim), "_Netcdf4Dimid", f.next_dimid);
    put_attribute(f, dataset, where(dim), "long_name", long_name);
    put_attribute(f, dataset, where(dim), "units", units);
    ++f.next_dimid;
    f.dimensions[name][dim] = size;
  }

  template <class T>
  void write_numeric(const std::string& variable, const std::vector<std::string>& dims,
                     const std::vector<T>& values, const VariableInfo& info, hid_t file_type,
                     hid_t memory_type, bool auxiliary = false) {
    QuietErrors quiet;
    FileState& f = file();
    f.require_open();
    const std::vector<hsize_t> shape = shape_of(variable, dims, values.size(), info);
    Id group = open_group(f, name);
    check_free(f, group, where(variable), variable);
    Id dataset = create_dataset(f, group, where(variable), variable, file_type, shape, true);
    if (!values.empty())
      write_whole(f, dataset, memory_type, values.data(), "cannot write " + where(variable));
    attach(group, dataset, variable, dims);
    put_info(dataset, variable, info, dims, auxiliary);
  }

  // Slice `index` of the first dimension. The first call creates the variable over all of
  // `dims` (chunks one slice thick, so that a slice is written and read whole); later calls
  // with the same name fill further slices.
  template <class T>
  void write_slice(const std::string& variable, const std::vector<std::string>& dims,
                   std::size_t index, const std::vector<T>& values, const VariableInfo& info,
                   hid_t file_type, hid_t memory_type) {
    QuietErrors quiet;
    FileState& f = file();
    f.require_open();
    if (dims.empty()) f.bad_argument(where(variable) + ": a slice needs at least one dimension");
    const std::size_t slices = f.dimensions[name].count(dims[0]) ? f.dimensions[name][dims[0]] : 0;
    const std::vector<hsize_t> shape =
        shape_of(variable, dims, values.size() * std::max<std::size_t>(slices, 1), info);
    if (index >= shape[0])
      f.bad_argument(where(variable) + ": slice " + std::to_string(index) + " of dimension '" +
                     dims[0] + "' of length " + std::to_string(shape[0]));
    Id group = open_group(f, name);
    const std::string what = "cannot write " + where(variable);
    const htri_t exists = f.check(H5Lexists(group, variable.c_str(), H5P_DEFAULT), what);
    Id dataset = exists > 0
                     ? Id(f.check(H5Dopen2(group, variable.c_str(), H5P_DEFAULT), what), H5Dclose)
                     : create_dataset(f, group, where(variable), variable, file_type, shape, true,
                                      /*slice_chunks=*/true);
    if (exists <= 0) {
      attach(group, dataset, variable, dims);
      put_info(dataset, variable, info, dims);
    }
    if (values.empty()) return;
    if (write_rows(f, dataset, memory_type, values.data(), index, 1, what)) return;
    std::vector<hsize_t> start(shape.size(), 0), count = shape;
    start[0] = index;
    count[0] = 1;
    Id file_space(f.check(H5Dget_space(dataset), what), H5Sclose);
    f.check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(),
                                nullptr),
            what);
    Id memory_space(
        f.check(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), what),
        H5Sclose);
    f.check(H5Dwrite(dataset, memory_type, memory_space, file_space, H5P_DEFAULT, values.data()),
            what);
  }

  void write_strings(const std::string& variable, const std::string& dim,
                     const std::vector<std::string>& values, const VariableInfo& info,
                     bool auxiliary) {
    QuietErrors quiet;
    FileState& f = file();
    f.require_open();
    const std::vector<std::string> dims = {dim};
    const std::vector<hsize_t> shape = shape_of(variable, dims, values.size(), info);
    for (std::size_t i = 0; i < values.size(); ++i) {
      f.check_text(where(variable) + "[" + std::to_string(i) + "]", values[i]);
    }
    Id group = open_group(f, name);
    check_free(f, group, where(variable), variable);
    Id type = utf8_string_type(f);
    Id dataset = create_dataset(f, group, where(variable), variable, type, shape, false);
    const std::vector<const char*> text = c_strings(values);
    if (!text.empty()) {
      f.check(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()),
              "cannot write " + where(variable));
    }
    attach(group, dataset, variable, dims);
    put_info(dataset, variable, info, dims, auxiliary);
  }
};

void Group::add_dimension(const std::string& name, const std::vector<std::string>& coordinates,
                          const std::string& long_name) {
  const FileState& f = Impl::of(impl_).file();
  std::set<std::string_view> seen;
  for (const auto& code : coordinates) {
    f.check_text("/" + impl_->name + "/" + name + " coordinate", code);
    if (!seen.insert(code).second) {
      f.bad_argument("/" + impl_->name + "/" + name + ": coordinate '" + code + "' repeated");
    }
  }
  QuietErrors quiet;
  Id type = utf8_string_type(f);
  const std::vector<const char*> text = c_strings(coordinates);
  impl_->add_dimension(name, type, type, text.data(), text.size(), false, long_name, "");
}

void Group::add_dimension(const std::string& name, const std::vector<double>& coordinates,
                          const std::string& long_name, const std::string& units) {
  Impl::of(impl_);
  impl_->add_dimension(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, coordinates.data(),
                       coordinates.size(), true, long_name, units);
}

void Group::add_dimension(const std::string& name, const std::vector<std::int64_t>& coordinates,
                          const std::string& long_name, const std::string& units) {
  Impl::of(impl_);
  impl_->add_dimension(name, H5T_STD_I64LE, H5T_NATIVE_INT64, coordinates.data(),
                       coordinates.size(), true, long_name, units);
}

void Group::write(const std::string& name, const std::vector<std::string>& dims,
                  const std::vector<double>& values, const VariableInfo& info) {
  Impl::of(impl_);
  impl_->write_numeric(name, dims, values, info, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
}

void Group::write(const std::string& name, const std::vector<std::string>& dims,
                  const std::vector<std::int8_t>& values, const VariableInfo& info) {
  Impl::of(impl_);
  impl_->write_numeric(name, dims, values, info, H5T_STD_I8LE, H5T_NATIVE_INT8);
}

void Group::write(const std::string& name, const std::vector<std::string>& dims,
                  const std::vector<std::int64_t>& values, const VariableInfo& info) {
  Impl::of(impl_);
  impl_->write_numeric(name, dims, values, info, H5T_STD_I64LE, H5T_NATIVE_INT64);
}

void Group::write_slice(const std::string& name, const std::vector<std::string>& dims,
                        std::size_t index, const std::vector<double>& values,
                        const VariableInfo& info) {
  Impl::of(impl_);
  impl_->write_slice(name, dims, index, values, info, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
}
void Group::write_slice(const std::string& name, const std::vector<std::string>& dims,
                        std::size_t index, const std::vector<std::int8_t>& values,
                        const VariableInfo& info) {
  Impl::of(impl_);
  impl_->write_slice(name, dims, index, values, info, H5T_STD_I8LE, H5T_NATIVE_INT8);
}
void Group::write_strings(const std::string& name, const std::string& dim,
                          const std::vector<std::string>& values, const VariableInfo& info) {
  Impl::of(impl_);
  impl_->write_strings(name, dim, values, info, false);
}

void Group::add_auxiliary_coordinate(const std::string& name, const std::string& dim,
                                     const std::vector<std::string>& values,
                                     const VariableInfo& info) {
  Impl::of(impl_);
  impl_->write_strings(name, dim, values, info, true);
  impl_->file().auxiliaries[impl_->name].emplace_back(name, dim);
}

void Group::add_auxiliary_coordinate(const std::string& name, const std::string& dim,
                                     const std::vector<double>& values, const VariableInfo& info) {
  Impl::of(impl_);
  impl_->write_numeric(name, {dim}, values, info, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, true);
  impl_->file().auxiliaries[impl_->name].emplace_back(name, dim);
}

void Group::set_attribute(const std::string& name, const AttributeValue& value) {
  Impl::of(impl_);
  QuietErrors quiet;
  const FileState& f = impl_->file();
  f.require_open();
  f.check_attribute("/" + impl_->name, name, value);
  Id group = open_group(f, impl_->name);
  put_attribute(f, group, "/" + impl_->name, name, value);
}

std::size_t Group::dimension_size(const std::string& name) const {
  Impl::of(impl_);
  const FileState& f = impl_->file();
  const auto& known = f.dimensions.at(impl_->name);
  auto it = known.find(name);
  if (it == known.end()) f.bad_argument("/" + impl_->name + ": unknown dimension '" + name + "'");
  return static_cast<std::size_t>(it->second);
}

namespace {

// Points the descriptor of an open sec2 HDF5 file at a new in-memory file of the same size, so
// that closing it cannot fail for want of disk space (see ResultFile::Impl::abandon). Regions
// not yet in memory read as zeros; closing only writes. Best effort: on any failure the file is
// left as it was.
void redirect_to_memory(hid_t file) noexcept {
  const hid_t fapl = H5Fget_access_plist(file);
  if (fapl < 0) return;
  const bool sec2 = H5Pget_driver(fapl) == H5FD_SEC2;
  void* handle = nullptr;
  const herr_t status = sec2 ? H5Fget_vfd_handle(file, fapl, &handle) : herr_t{-1};
  H5Pclose(fapl);
  if (status < 0 || handle == nullptr) return;
  const int fd = *static_cast<int*>(handle);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return;
  const int memory = ::memfd_create("icsim-abandoned-result", MFD_CLOEXEC);
  if (memory < 0) return;
  if (::ftruncate(memory, st.st_size) == 0) ::dup2(memory, fd);
  ::close(memory);
}

// "" when the folder of `path` has room for the metadata `file` still has to write; otherwise
// the reason, worded like the system's ENOSPC message.
std::string metadata_space_shortfall(hid_t file, const std::string& path) {
  constexpr unsigned long long kMargin = 1 << 20;  // new blocks, superblock, free-space records
  std::size_t max_size = 0, min_clean = 0, cur_size = 0;
  int entries = 0;
  if (H5Fget_mdc_size(file, &max_size, &min_clean, &cur_size, &entries) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return "";
  }
  struct statvfs vfs {};
  fs::path folder = fs::path(path).parent_path();
  if (::statvfs(folder.empty() ? "." : folder.c_str(), &vfs) != 0) return "";
  const unsigned long long free_bytes =
      static_cast<unsigned long long>(vfs.f_bavail) * static_cast<unsigned long long>(vfs.f_frsize);
  const unsigned long long needed = static_cast<unsigned long long>(cur_size) + kMargin;
  if (free_bytes >= needed) return "";
  return std::string(std::strerror(ENOSPC)) + " (" + std::to_string(free_bytes) +
         " bytes free, about " + std::to_string(needed) + " needed to finish the file)";
}

}  // namespace

struct ResultFile::Impl {
  std::shared_ptr<FileState> state = std::make_shared<FileState>();

  FileState& open_file() const {
    state->require_open();
    return *state;
  }

  // Closes the file if still open and deletes the temporary file; never throws.
  //
  // Closing an HDF5 file flushes its metadata, and on a full disk that flush fails: H5Fclose
  // then returns an error but leaves the file's identifier registered with its structure half
  // torn down, and the library crashes when it closes it again at exit. The contents are
  // discarded anyway, so before closing, the temporary file is deleted and HDF5's descriptor
  // is pointed at an in-memory file of the same size (memfd): the flush then succeeds
  // (whatever is still to be written goes to memory) and nothing stays open.
  void abandon() noexcept {
    if (state->file < 0) return;
    {
      QuietErrors quiet;
      std::error_code ignored;
      fs::remove(state->temp_path, ignored);
      redirect_to_memory(state->file);
      H5Fclose(state->file);
      H5Eclear2(H5E_DEFAULT);
    }
    state->file = H5I_INVALID_HID;
    std::error_code ignored;
    fs::remove(state->temp_path, ignored);
  }

  ~Impl() { abandon(); }
};

ResultFile::ResultFile(const std::string& path, Compression compression)
    : impl_(std::make_unique<Impl>()) {
  FileState& f = *impl_->state;
  f.path = path;
  f.compress = compression == Compression::deflate;
  f.temp_path = path + ".tmp." + std::to_string(::getpid());
  if (path.empty()) throw InputError("result file: empty path");
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw InputError(located(path, 0, "is a folder; expected the name of a result file"));
  }
  fs::path folder = fs::path(path).parent_path();
  if (folder.empty()) folder = ".";
  if (!fs::exists(folder, ec)) {
    throw InputError(located(
        path, 0, "cannot write the result file: folder " + folder.string() + " does not exist"));
  }
  if (!fs::is_directory(folder, ec)) {
    throw InputError(
        located(path, 0, "cannot write the result file: " + folder.string() + " is not a folder"));
  }

  QuietErrors quiet;
  const std::string what = "cannot create the temporary result file " + f.temp_path;
  Id fcpl = make_plist(f, H5P_FILE_CREATE);
  f.check(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), what);
  f.check(H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), what);
  // The user block that commit() fills with the file's seal (integrity.hpp).
  f.check(H5Pset_userblock(fcpl, detail::kUserBlockBytes), what);
  Id fapl = make_plist(f, H5P_FILE_ACCESS);
  // Close every object with the file, so that commit() renames a complete file.
  f.check(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), what);
#if H5_VERSION_GE(1, 10, 7)
  // Nobody else opens the temporary file; locking only fails on file systems without flock.
  f.check(H5Pset_file_locking(fapl, false, true), what);
#endif
  f.file = f.check(H5Fcreate(f.temp_path.c_str(), H5F_ACC_TRUNC, fcpl, fapl), what);
}

ResultFile::~ResultFile() = default;
ResultFile::ResultFile(ResultFile&&) noexcept = default;
ResultFile& ResultFile::operator=(ResultFile&&) noexcept = default;

void ResultFile::set_attribute(const std::string& name, const AttributeValue& value) {
  if (!impl_) throw std::logic_error("icsim::output::ResultFile used after move");
  QuietErrors quiet;
  FileState& f = impl_->open_file();
  f.check_attribute("/", name, value);
  put_attribute(f, f.file, "/", name, value);
}

void ResultFile::write_text(const std::string& name, const std::string& text,
                            const std::string& long_name) {
  if (!impl_) throw std::logic_error("icsim::output::ResultFile used after move");
  QuietErrors quiet;
  FileState& f = impl_->open_file();
  const std::string where = "/" + name;
  f.check_name("dataset", name);
  f.check_text(where, text);
  f.check_text(where + " long_name", long_name);
  check_free(f, f.file, where, name);
  Id type = utf8_string_type(f);
  Id dataset = create_dataset(f, f.file, where, name, type, {}, false);
  const char* data = text.c_str();
  f.check(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &data), "cannot write " + where);
  put_attribute(f, dataset, where, "long_name", long_name.empty() ? name : long_name);
  put_attribute(f, dataset, where, "units", std::string());
}

Group ResultFile::group(const std::string& name) {
  if (!impl_) throw std::logic_error("icsim::output::ResultFile used after move");
  QuietErrors quiet;
  FileState& f = impl_->open_file();
  f.check_name("group", name);
  const std::string where = "/" + name;
  const std::string what = "cannot create group " + where;
  if (f.check(H5Lexists(f.file, name.c_str(), H5P_DEFAULT), what) > 0) {
    H5O_info_t info;
    f.check(H5Oget_info_by_name2(f.file, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT), what);
    if (info.type != H5O_TYPE_GROUP) f.bad_argument(where + " exists and is not a group");
  } else {
    Id gcpl = make_plist(f, H5P_GROUP_CREATE);
    f.check(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), what);
    f.check(H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), what);
    Id created(f.check(H5Gcreate2(f.file, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), what),
               H5Gclose);
  }
  f.dimensions[name];  // a group with no dimensions yet
  Group group;
  group.impl_ = std::make_shared<Group::Impl>(Group::Impl{impl_->state, name});
  return group;
}

void ResultFile::commit() {
  if (!impl_) throw std::logic_error("icsim::output::ResultFile used after move");
  FileState& f = impl_->open_file();
  herr_t status;
  std::string hdf5_text;
  {
    QuietErrors quiet;
    // A failed metadata flush cannot be undone: HDF5 1.10 then fails every later flush ("slist
    // already enabled?"), so the file can no longer be closed, and the library crashes at exit.
    // So the free space is checked against the metadata still to be written (with a margin for
    // new blocks) before flushing, and a file that would not fit is abandoned cleanly.
    hdf5_text = metadata_space_shortfall(f.file, f.temp_path);
    if (hdf5_text.empty() && H5Fflush(f.file, H5F_SCOPE_GLOBAL) < 0) hdf5_text = hdf5_error_text();
    if (!hdf5_text.empty()) {
      const std::string temp = f.temp_path;
      impl_->abandon();
      throw InputError(located(f.path, 0, "cannot finish writing " + temp + ": " + hdf5_text));
    }
    status = H5Fclose(f.file);
    if (status < 0) hdf5_text = hdf5_error_text();
  }
  f.file = H5I_INVALID_HID;
  std::error_code ignored;
  if (status < 0) {
    fs::remove(f.temp_path, ignored);
    throw InputError(located(f.path, 0, "cannot finish writing " + f.temp_path + ": " + hdf5_text));
  }
  try {
    detail::seal(f.temp_path);
  } catch (const std::system_error& e) {
    fs::remove(f.temp_path, ignored);
    throw InputError(
        located(f.path, 0, "cannot seal " + f.temp_path + ": " + std::strerror(e.code().value())));
  }
  try {
    fsync_path(f.temp_path, O_RDONLY);
  } catch (const std::system_error& e) {
    fs::remove(f.temp_path, ignored);
    throw InputError(located(
        f.path, 0, "cannot flush " + f.temp_path + " to disk: " + std::strerror(e.code().value())));
  }
  if (std::rename(f.temp_path.c_str(), f.path.c_str()) != 0) {
    const int error = errno;
    fs::remove(f.temp_path, ignored);
    throw InputError(
        located(f.path, 0, "cannot rename " + f.temp_path + " to it: " + std::strerror(error)));
  }
  // Make the rename itself durable; a failure here leaves a complete file, so it is ignored.
  fs::path folder = fs::path(f.path).parent_path();
  try {
    fsync_path(folder.empty() ? "." : folder.string(), O_RDONLY | O_DIRECTORY);
  } catch (const std::system_error&) {
  }
}

}  // namespace icsim::output
