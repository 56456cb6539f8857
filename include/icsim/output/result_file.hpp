#pragma once
// HDF5 result files that netCDF-4 readers (xarray + h5netcdf, h5py, h5dump) open with no icsim
// code: named dimensions as HDF5 dimension scales, coordinate variables holding codes, `units`
// and `long_name` on every variable. Written to a temporary file and renamed on commit(), so a
// failed or killed run never leaves a file that looks complete. Layout: docs/results.md.
//
// Errors: a file-system or HDF5 failure (folder missing or not writable, disk full, rename
// failed) throws icsim::InputError whose message names the result path and carries HDF5's own
// explanation. A call the caller got wrong (unknown or repeated dimension, wrong number of
// values, a name already used, a name containing '/', text that is not UTF-8) throws
// std::invalid_argument. Using a Group after its ResultFile was committed or destroyed throws
// std::logic_error. After an InputError the file should be abandoned (destroyed uncommitted).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace icsim::output {

// The layout version of result files (docs/results.md, "Format versions"): root attribute
// `icsim_format` (int64) and the second word of `Conventions`. Files written before the
// attribute existed are version 1.
inline constexpr std::int64_t kFormatVersion = 2;
inline constexpr const char* kConventions = "CF-1.8 icsim-2";

// Strings are written as variable-length UTF-8, numbers as a scalar double or int64.
using AttributeValue = std::variant<std::string, double, std::int64_t>;

struct VariableInfo {
  std::string units;
  std::string long_name;
  std::vector<std::pair<std::string, AttributeValue>> extra;  // further attributes
};

class ResultFile;

// A group (/name) of the file: its own dimensions and the variables over them. Cheap to copy;
// copies refer to the same group. Obtain one from ResultFile::group().
class Group {
 public:
  // A dimension with a coordinate variable of the same name (string codes or numbers). String
  // coordinates get `units` "".
  void add_dimension(const std::string& name, const std::vector<std::string>& coordinates,
                     const std::string& long_name);
  void add_dimension(const std::string& name, const std::vector<double>& coordinates,
                     const std::string& long_name, const std::string& units = "");
  void add_dimension(const std::string& name, const std::vector<std::int64_t>& coordinates,
                     const std::string& long_name, const std::string& units = "");
  // A numeric variable over existing dimensions of this group (each at most once; an empty list
  // makes a scalar); `values` row-major (last dimension fastest), size = product of the
  // dimension lengths, else std::invalid_argument. Arrays of more than 64 Ki elements are
  // chunked and deflate-compressed.
  void write(const std::string& name, const std::vector<std::string>& dims,
             const std::vector<double>& values, const VariableInfo& info);
  void write(const std::string& name, const std::vector<std::string>& dims,
             const std::vector<std::int8_t>& values, const VariableInfo& info);
  void write(const std::string& name, const std::vector<std::string>& dims,
             const std::vector<std::int64_t>& values, const VariableInfo& info);
  // Slice `index` of the first dimension of a variable over `dims`: `values` holds one slice
  // (the product of the other dimensions' lengths). The first call for a name creates the
  // variable (chunked one slice thick, compressed when large); later calls fill other slices,
  // with the same dims and info. Slices never written read as 0. How sweep points are written
  // one at a time.
  void write_slice(const std::string& name, const std::vector<std::string>& dims, std::size_t index,
                   const std::vector<double>& values, const VariableInfo& info);
  void write_slice(const std::string& name, const std::vector<std::string>& dims, std::size_t index,
                   const std::vector<std::int8_t>& values, const VariableInfo& info);
  // A UTF-8 string variable over one dimension (e.g. sector_name).
  void write_strings(const std::string& name, const std::string& dim,
                     const std::vector<std::string>& values, const VariableInfo& info);
  // An auxiliary coordinate (CF section 5): a variable over one existing dimension that labels
  // it, such as readable names over `sector` or the CF time over `year`. Every variable written
  // afterwards over that dimension names it in its `coordinates` attribute (so xarray makes it
  // a coordinate); `coordinates` is therefore never set through VariableInfo::extra.
  void add_auxiliary_coordinate(const std::string& name, const std::string& dim,
                                const std::vector<std::string>& values, const VariableInfo& info);
  void add_auxiliary_coordinate(const std::string& name, const std::string& dim,
                                const std::vector<double>& values, const VariableInfo& info);
  void set_attribute(const std::string& name, const AttributeValue& value);  // replaces
  std::size_t dimension_size(const std::string& name) const;

 private:
  friend class ResultFile;
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

class ResultFile {
 public:
  // `none` leaves large arrays uncompressed (and unchunked): for short-lived files such as the
  // finished blocks of a resumable run, which are read back once.
  enum class Compression { deflate, none };
  // Creates `path`.tmp.<pid> next to path; throws InputError if the folder is not writable.
  explicit ResultFile(const std::string& path, Compression compression = Compression::deflate);
  ~ResultFile();  // without commit(): closes and deletes the temporary file
  ResultFile(const ResultFile&) = delete;
  ResultFile& operator=(const ResultFile&) = delete;
  ResultFile(ResultFile&&) noexcept;
  ResultFile& operator=(ResultFile&&) noexcept;  // abandons the file being moved onto

  void set_attribute(const std::string& name, const AttributeValue& value);  // root attributes
  // A root scalar string dataset (e.g. `scenario`, the resolved scenario as TOML text), with
  // `units` "" and `long_name` (the dataset name when empty).
  void write_text(const std::string& name, const std::string& text,
                  const std::string& long_name = "");
  Group group(const std::string& name);  // creates (or opens) /name; name without '/'
  // Flushes, closes and atomically renames the temporary file to `path` (replacing any file
  // there). Until then a file already at `path` is left untouched.
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace icsim::output
