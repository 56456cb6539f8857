#pragma once
// Internal to engine/output: the HDF5 plumbing under ResultFile and Group (result_file.cpp) —
// owned identifiers, the file state the groups share, attribute and dataset creation in
// netCDF-4 shape, UTF-8 checks and HDF5's error text.
#include <hdf5.h>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "icsim/common/error.hpp"
#include "icsim/output/result_file.hpp"

namespace icsim::output::detail {

inline constexpr std::size_t kCompressAbove = 64 * 1024;  // elements; larger arrays are chunked
inline constexpr std::size_t kChunkBytes = 1 << 20;       // fits HDF5's default 1 MiB chunk cache
inline constexpr unsigned kDeflateLevel = 1;  // measured: level 4 wrote a 1,000-replication Ningbo
                                              // run 1.5x slower for 1.3 % smaller files

// Attribute names that HDF5 dimension scales and netCDF-4 manage themselves, plus the two that
// VariableInfo sets explicitly.
inline const std::set<std::string, std::less<>> kReservedAttributes = {
    "CLASS",          "NAME",          "DIMENSION_LIST",
    "REFERENCE_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates",
    "_NCProperties",  "_nc3_strict"};

// The current HDF5 error stack as one line: the API call's complaint, then the innermost cause
// (which carries errno text such as "Permission denied"). Clears the stack.
std::string hdf5_error_text();

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

bool valid_utf8(std::string_view s);

// "the root" for "" or "/", else "/object": objects as messages name them.
inline std::string object_name(const std::string& object) {
  return object.empty() || object == "/" ? "the root" : "/" + object;
}

// "a, b" (with sizes: "a=3, b=4").
std::string join_dims(const std::vector<std::string>& names,
                      const std::map<std::string, hsize_t, std::less<>>* sizes = nullptr);

// State shared by a ResultFile and the Groups it handed out.
struct FileState {
  std::string path;
  std::string temp_path;
  hid_t file = H5I_INVALID_HID;
  int next_dimid = 0;
  bool compress = true;  // false for short-lived files (a resumable run's parts)
  // group name -> dimension name -> length
  std::map<std::string, std::map<std::string, hsize_t, std::less<>>, std::less<>> dimensions;
  // group name -> its auxiliary coordinates in order: (variable, dimension)
  std::map<std::string, std::vector<std::pair<std::string, std::string>>, std::less<>> auxiliaries;

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

Id make_plist(const FileState& f, hid_t cls);

Id utf8_string_type(const FileState& f);

Id open_group(const FileState& f, const std::string& group);

void check_free(const FileState& f, hid_t loc, const std::string& where, const std::string& name);

// Writes (or replaces) one attribute; arguments must have passed check_attribute.
void put_attribute(const FileState& f, hid_t object, const std::string& where,
                   const std::string& name, const AttributeValue& value);

void put_int32_attribute(const FileState& f, hid_t object, const std::string& where,
                         const std::string& name, int value);

// Halves the longest extent until a chunk fits kChunkBytes.
std::vector<hsize_t> chunk_shape(std::vector<hsize_t> chunk, std::size_t element_size);

// Writes the whole of `dataset` from `data` (row-major, of memory_type). A dataset that
// create_dataset chunked through shuffle and deflate, of the memory type, has its chunks
// filtered here on all threads (OpenMP), each as HDF5's pipeline would (the shuffle's byte
// planes, then zlib's compress2 at the dataset's level), and written in chunk order with
// H5Dwrite_chunk: the same bytes (tests/output/result_file_test.cpp compares every chunk); any
// other dataset through H5Dwrite.
void write_whole(const FileState& f, hid_t dataset, hid_t memory_type, const void* data,
                 const std::string& what);
// The same for rows [first_row, first_row + rows) of the first dimension (rows 0: to its end),
// `data` holding just them: false (nothing written) unless the dataset is so chunked and
// filtered, of the memory type, and the rows are whole chunks (or run to the end).
bool write_rows(const FileState& f, hid_t dataset, hid_t memory_type, const void* data,
                hsize_t first_row, hsize_t rows, const std::string& what);

bool deflate_available();

// Creates a dataset of `shape` (scalar when empty), attribute creation order tracked; arrays of
// more than kCompressAbove elements chunked, shuffled and deflated when `compressible`.
Id create_dataset(const FileState& f, hid_t loc, const std::string& where, const std::string& name,
                  hid_t file_type, const std::vector<hsize_t>& shape, bool compressible,
                  bool slice_chunks = false);

std::vector<const char*> c_strings(const std::vector<std::string>& values);

void fsync_path(const std::string& path, int flags);

}  // namespace icsim::output::detail
