// HDF5 result files in netCDF-4 shape (see docs/results.md). Every dimension is a dimension
// scale dataset of the same name in its group (a coordinate variable), marked with
// `_Netcdf4Dimid` as netCDF-C does; variables attach their scales in order. Links and
// attributes track creation order (netCDF-4 wants it, and readers then list things in the order
// they were written). Strings are variable-length UTF-8.
#include "icsim/output/result_file.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
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
#include "icsim/common/error.hpp"

namespace icsim::output {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kCompressAbove = 64 * 1024;  // elements; larger arrays are chunked
constexpr std::size_t kChunkBytes = 1 << 20;       // fits HDF5's default 1 MiB chunk cache
constexpr unsigned kDeflateLevel = 1;  // measured: level 4 wrote a 1,000-replication Ningbo
                                       // run 1.5x slower for 1.3 % smaller files

// Attribute names that HDF5 dimension scales and netCDF-4 manage themselves, plus the two that
// VariableInfo sets explicitly.
const std::set<std::string, std::less<>> kReservedAttributes = {
    "CLASS",          "NAME",          "DIMENSION_LIST",
    "REFERENCE_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates",
    "_NCProperties",  "_nc3_strict"};

// Turns HDF5's automatic error-stack printing off while an operation runs (restoring whatever
// was set before), so failures surface only as exceptions.
// The current HDF5 error stack as one line: the API call's complaint, then the innermost cause
// (which carries errno text such as "Permission denied"). Clears the stack.
std::string hdf5_error_text() {
  std::vector<std::string> descriptions;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* error, void* data) -> herr_t {
        auto* out = static_cast<std::vector<std::string>*>(data);
        std::string text = error->desc != nullptr ? error->desc : "";
        if (text.empty()) {
          char minor[256] = {0};
          if (H5Eget_msg(error->min_num, nullptr, minor, sizeof minor) > 0) text = minor;
        }
        if (!text.empty()) out->push_back(std::move(text));
        return 0;
      },
      &descriptions);
  H5Eclear2(H5E_DEFAULT);
  if (descriptions.empty()) return "unknown HDF5 error";
  if (descriptions.size() == 1 || descriptions.front() == descriptions.back()) {
    return descriptions.front();
  }
  return descriptions.front() + " (" + descriptions.back() + ")";
}

// An owned HDF5 identifier, closed with the matching H5?close.
class Id {
 public:
  Id(hid_t id, herr_t (*close)(hid_t)) noexcept : id_(id), close_(close) {}
  Id(Id&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)), close_(other.close_) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  Id& operator=(Id&&) = delete;
  ~Id() {
    if (id_ >= 0) close_(id_);
  }
  operator hid_t() const noexcept { return id_; }  // NOLINT: used wherever HDF5 wants a hid_t

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (c == 0) return false;  // C strings in HDF5 cannot hold NUL
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07u;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3Fu);
    }
    static constexpr std::uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

std::string join_dims(const std::vector<std::string>& names,
                      const std::map<std::string, hsize_t, std::less<>>* sizes = nullptr) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
    if (sizes != nullptr) {
      auto it = sizes->find(name);
      if (it != sizes->end()) out += "=" + std::to_string(it->second);
    }
  }
  return out;
}

// State shared by a ResultFile and the Groups it handed out.
struct FileState {
  std::string path;
  std::string temp_path;
  hid_t file = H5I_INVALID_HID;
  int next_dimid = 0;
  bool compress = true;  // false for short-lived files (a resumable run's parts)
  // group name -> dimension name -> length
  std::map<std::string, std::map<std::string, hsize_t, std::less<>>, std::less<>> dimensions;

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(located(path, 0, what + ": " + hdf5_error_text()));
  }
  hid_t check(hid_t id, const std::string& what) const {
    if (id < 0) fail(what);
    return id;
  }
  herr_t check(herr_t status, const std::string& what) const {
    if (status < 0) fail(what);
    return status;
  }
  [[noreturn]] void bad_argument(const std::string& what) const {
    throw std::invalid_argument(located(path, 0, what));
  }
  void require_open() const {
    if (file < 0) {
      throw std::logic_error(located(path, 0, "result file already committed or abandoned"));
    }
  }
  void check_name(const std::string& kind, const std::string& name) const {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || !valid_utf8(name)) {
      bad_argument("invalid " + kind + " name '" + name +
                   "' (must be non-empty UTF-8 without '/')");
    }
  }
  void check_text(const std::string& where, const std::string& text) const {
    if (!valid_utf8(text)) bad_argument(where + ": text is not valid UTF-8 (or contains NUL)");
  }
  void check_attribute(const std::string& where, const std::string& name,
                       const AttributeValue& value) const {
    check_name("attribute", name);
    if (kReservedAttributes.count(name) != 0) {
      bad_argument(where + ": attribute name '" + name + "' is reserved");
    }
    if (const auto* text = std::get_if<std::string>(&value)) {
      check_text(where + " attribute " + name, *text);
    }
  }
};

Id make_plist(const FileState& f, hid_t cls) {
  return Id(f.check(H5Pcreate(cls), "cannot create an HDF5 property list"), H5Pclose);
}

Id utf8_string_type(const FileState& f) {
  Id type(f.check(H5Tcopy(H5T_C_S1), "cannot create the string type"), H5Tclose);
  f.check(H5Tset_size(type, H5T_VARIABLE), "cannot create the string type");
  f.check(H5Tset_cset(type, H5T_CSET_UTF8), "cannot create the string type");
  return type;
}

Id open_group(const FileState& f, const std::string& group) {
  return Id(f.check(H5Gopen2(f.file, group.c_str(), H5P_DEFAULT), "cannot open group /" + group),
            H5Gclose);
}

void check_free(const FileState& f, hid_t loc, const std::string& where, const std::string& name) {
  const htri_t exists =
      f.check(H5Lexists(loc, name.c_str(), H5P_DEFAULT), "cannot look up " + where);
  if (exists > 0) f.bad_argument(where + " already exists");
}

// Writes (or replaces) one attribute; arguments must have passed check_attribute.
void put_attribute(const FileState& f, hid_t object, const std::string& where,
                   const std::string& name, const AttributeValue& value) {
  const std::string what = "cannot write attribute " + name + " of " + where;
  if (f.check(H5Aexists(object, name.c_str()), what) > 0) {
    f.check(H5Adelete(object, name.c_str()), what);
  }
  Id space(f.check(H5Screate(H5S_SCALAR), what), H5Sclose);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          Id type = utf8_string_type(f);
          Id attr(f.check(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                          what),
                  H5Aclose);
          const char* text = v.c_str();
          f.check(H5Awrite(attr, type, &text), what);
        } else if constexpr (std::is_same_v<T, double>) {
          Id attr(f.check(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT,
                                     H5P_DEFAULT),
                          what),
                  H5Aclose);
          f.check(H5Awrite(attr, H5T_NATIVE_DOUBLE, &v), what);
        } else {
          Id attr(f.check(H5Acreate2(object, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT,
                                     H5P_DEFAULT),
                          what),
                  H5Aclose);
          f.check(H5Awrite(attr, H5T_NATIVE_INT64, &v), what);
        }
      },
      value);
}

void put_int32_attribute(const FileState& f, hid_t object, const std::string& where,
                         const std::string& name, int value) {
  const std::string what = "cannot write attribute " + name + " of " + where;
  Id space(f.check(H5Screate(H5S_SCALAR), what), H5Sclose);
  Id attr(f.check(H5Acreate2(object, name.c_str(), H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT),
                  what),
          H5Aclose);
  f.check(H5Awrite(attr, H5T_NATIVE_INT, &value), what);
}

// Halves the longest extent until a chunk fits kChunkBytes.
std::vector<hsize_t> chunk_shape(std::vector<hsize_t> chunk, std::size_t element_size) {
  auto bytes = [&] {
    std::size_t n = element_size;
    for (hsize_t extent : chunk) n *= static_cast<std::size_t>(extent);
    return n;
  };
  while (bytes() > kChunkBytes) {
    auto longest = std::max_element(chunk.begin(), chunk.end());
    if (*longest <= 1) break;
    *longest = (*longest + 1) / 2;
  }
  return chunk;
}

bool deflate_available() {
  static const bool available = H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0;
  return available;
}

// Creates a dataset of `shape` (scalar when empty), attribute creation order tracked; arrays of
// more than kCompressAbove elements chunked, shuffled and deflated when `compressible`.
Id create_dataset(const FileState& f, hid_t loc, const std::string& where, const std::string& name,
                  hid_t file_type, const std::vector<hsize_t>& shape, bool compressible,
                  bool slice_chunks = false) {
  const std::string what = "cannot create " + where;
  Id space(f.check(shape.empty()
                       ? H5Screate(H5S_SCALAR)
                       : H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                   what),
           H5Sclose);
  Id dcpl = make_plist(f, H5P_DATASET_CREATE);
  f.check(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), what);
  std::size_t count = 1;
  for (hsize_t extent : shape) count *= static_cast<std::size_t>(extent);
  if (compressible && f.compress && !shape.empty() && count > kCompressAbove) {
    std::vector<hsize_t> chunk = shape;
    if (slice_chunks) chunk[0] = 1;
    chunk = chunk_shape(chunk, H5Tget_size(file_type));
    f.check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), what);
    if (deflate_available()) {
      f.check(H5Pset_shuffle(dcpl), what);
      f.check(H5Pset_deflate(dcpl, kDeflateLevel), what);
    }
  }
  return Id(f.check(H5Dcreate2(loc, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                    what),
            H5Dclose);
}

std::vector<const char*> c_strings(const std::vector<std::string>& values) {
  std::vector<const char*> out;
  out.reserve(values.size());
  for (const auto& v : values) out.push_back(v.c_str());
  return out;
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) throw std::system_error(errno, std::generic_category());
  const int status = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (status != 0 && error != EINVAL) throw std::system_error(error, std::generic_category());
}

}  // namespace

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
    }
    return shape;
  }

  void put_info(hid_t dataset, const std::string& variable, const VariableInfo& info) const {
    const FileState& f = file();
    put_attribute(f, dataset, where(variable), "long_name", info.long_name);
    put_attribute(f, dataset, where(variable), "units", info.units);
    for (const auto& [attr, value] : info.extra) {
      put_attribute(f, dataset, where(variable), attr, value);
    }
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
                     hid_t memory_type) {
    QuietErrors quiet;
    FileState& f = file();
    f.require_open();
    const std::vector<hsize_t> shape = shape_of(variable, dims, values.size(), info);
    Id group = open_group(f, name);
    check_free(f, group, where(variable), variable);
    Id dataset = create_dataset(f, group, where(variable), variable, file_type, shape, true);
    if (!values.empty()) {
      f.check(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
              "cannot write " + where(variable));
    }
    attach(group, dataset, variable, dims);
    put_info(dataset, variable, info);
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
      put_info(dataset, variable, info);
    }
    if (values.empty()) return;
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
  QuietErrors quiet;
  FileState& f = impl_->file();
  f.require_open();
  const std::vector<std::string> dims = {dim};
  const std::vector<hsize_t> shape = impl_->shape_of(name, dims, values.size(), info);
  for (std::size_t i = 0; i < values.size(); ++i) {
    f.check_text(impl_->where(name) + "[" + std::to_string(i) + "]", values[i]);
  }
  Id group = open_group(f, impl_->name);
  check_free(f, group, impl_->where(name), name);
  Id type = utf8_string_type(f);
  Id dataset = create_dataset(f, group, impl_->where(name), name, type, shape, false);
  const std::vector<const char*> text = c_strings(values);
  if (!text.empty()) {
    f.check(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()),
            "cannot write " + impl_->where(name));
  }
  impl_->attach(group, dataset, name, dims);
  impl_->put_info(dataset, name, info);
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

struct ResultFile::Impl {
  std::shared_ptr<FileState> state = std::make_shared<FileState>();

  FileState& open_file() const {
    state->require_open();
    return *state;
  }

  // Closes the file if still open and deletes the temporary file; never throws.
  void abandon() noexcept {
    if (state->file < 0) return;
    {
      QuietErrors quiet;
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
