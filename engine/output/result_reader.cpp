// Reading result files back with the HDF5 C API (see include/icsim/output/result_reader.hpp).
#include "icsim/output/result_reader.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <utility>

#include "hdf5_probe.hpp"
#include "hdf5_quiet.hpp"
#include "hdf5_support.hpp"
#include "icsim/common/error.hpp"
#include "integrity.hpp"

namespace icsim::output {
namespace {

// HDF5's automatic error printing off for the lifetime of the object (restored afterwards).
// The innermost description on HDF5's error stack (clears it).
std::string hdf5_error_text() {
  std::string last;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* error, void* data) -> herr_t {
        if (error->desc != nullptr && *error->desc != '\0')
          *static_cast<std::string*>(data) = error->desc;
        return 0;
      },
      &last);
  H5Eclear2(H5E_DEFAULT);
  return last.empty() ? "unknown HDF5 error" : last;
}

using detail::Id;  // owned HDF5 identifiers, as the writer uses them

std::string object_name(const std::string& object) {
  return object.empty() || object == "/" ? "the root" : "/" + object;
}

// A variable-length UTF-8 C string type for reading.
Id utf8_string_type() {
  Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  return type;
}

}  // namespace

struct ResultReader::Impl {
  std::string path;
  hid_t file = H5I_INVALID_HID;
  ~Impl() {
    if (file >= 0) H5Fclose(file);
  }

  [[noreturn]] void fail(const std::string& what) const { throw InputError(path + ": " + what); }

  Id open_object(const std::string& object) const {
    const std::string name = object.empty() ? "/" : object;
    if (name != "/" && H5LTpath_valid(file, name.c_str(), 1) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      fail("no " + object_name(object) + " in the file");
    }
    Id id(H5Oopen(file, name.c_str(), H5P_DEFAULT), H5Oclose);
    if (id < 0) fail("cannot open " + object_name(object) + ": " + hdf5_error_text());
    return id;
  }

  Id open_dataset(const std::string& dataset) const {
    Id object = open_object(dataset);
    if (H5Iget_type(object) != H5I_DATASET) fail(object_name(dataset) + " is not a dataset");
    Id id(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), H5Dclose);
    if (id < 0) fail("cannot open " + object_name(dataset) + ": " + hdf5_error_text());
    return id;
  }

  // A dataset of integers or floating-point numbers (read as double).
  Id open_numeric(const std::string& dataset) const {
    Id d = open_dataset(dataset);
    Id type(H5Dget_type(d), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type);
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) fail("/" + dataset + " is not numeric");
    return d;
  }

  Id open_attribute(const std::string& object, const std::string& name) const {
    Id owner = open_object(object);
    if (H5Aexists(owner, name.c_str()) <= 0)
      fail("no attribute '" + name + "' on " + object_name(object));
    Id attr(H5Aopen(owner, name.c_str(), H5P_DEFAULT), H5Aclose);
    if (attr < 0) fail("cannot read attribute '" + name + "': " + hdf5_error_text());
    return attr;
  }

  template <class T>
  T numeric_attribute(const std::string& object, const std::string& name, hid_t memory) const {
    Id attr = open_attribute(object, name);
    Id type(H5Aget_type(attr), H5Tclose);
    Id space(H5Aget_space(attr), H5Sclose);
    const H5T_class_t cls = H5Tget_class(type);
    if ((cls != H5T_INTEGER && cls != H5T_FLOAT) || H5Sget_simple_extent_npoints(space) != 1)
      fail("attribute '" + name + "' of " + object_name(object) + " is not a number");
    T value{};
    if (H5Aread(attr, memory, &value) < 0)
      fail("cannot read attribute '" + name + "': " + hdf5_error_text());
    return value;
  }
};

ResultReader::ResultReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) impl_->fail("no such file");
  if (std::filesystem::is_directory(path, ec)) impl_->fail("is a folder, not a result file");
  // The seal is checked before HDF5 reads the file: HDF5 crashes or hangs on some damaged files.
  const detail::SealStatus seal = detail::check_seal(path);
  QuietErrors quiet;
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    impl_->fail("not an HDF5 file (cannot read it as a result file)");
  }
  if (seal == detail::SealStatus::kUnsealed) detail::probe_unsealed(path);
  if (seal == detail::SealStatus::kMissing) {
    impl_->fail("damaged: an HDF5 file whose first " + std::to_string(detail::kUserBlockBytes) +
                " bytes hold no result seal (the file was changed or corrupted after icsim "
                "wrote it, or another program wrote it)");
  }
  impl_->file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (impl_->file < 0) impl_->fail("cannot open the result file: " + hdf5_error_text());
}

ResultReader::~ResultReader() = default;
ResultReader::ResultReader(ResultReader&&) noexcept = default;
ResultReader& ResultReader::operator=(ResultReader&&) noexcept = default;

const std::string& ResultReader::path() const { return impl_->path; }

bool ResultReader::has(const std::string& object) const {
  QuietErrors quiet;
  const bool found = H5LTpath_valid(impl_->file, object.c_str(), 1) > 0;
  H5Eclear2(H5E_DEFAULT);
  return found;
}

bool ResultReader::has_attribute(const std::string& object, const std::string& name) const {
  QuietErrors quiet;
  if (object != "/" && !object.empty() && !has(object)) return false;
  Id owner(H5Oopen(impl_->file, object.empty() ? "/" : object.c_str(), H5P_DEFAULT), H5Oclose);
  const bool found = owner >= 0 && H5Aexists(owner, name.c_str()) > 0;
  H5Eclear2(H5E_DEFAULT);
  return found;
}

std::string ResultReader::text_attribute(const std::string& object, const std::string& name) const {
  QuietErrors quiet;
  Id attr = impl_->open_attribute(object, name);
  Id type(H5Aget_type(attr), H5Tclose);
  Id space(H5Aget_space(attr), H5Sclose);
  if (H5Tget_class(type) != H5T_STRING || H5Sget_simple_extent_npoints(space) != 1)
    impl_->fail("attribute '" + name + "' of " + object_name(object) + " is not a text");
  std::string out;
  if (H5Tis_variable_str(type) > 0) {
    Id memory = utf8_string_type();
    char* text = nullptr;
    if (H5Aread(attr, memory, &text) < 0)
      impl_->fail("cannot read attribute '" + name + "': " + hdf5_error_text());
    out = text != nullptr ? text : "";
    H5free_memory(text);
  } else {
    std::string buffer(H5Tget_size(type), '\0');
    if (H5Aread(attr, type, buffer.data()) < 0)
      impl_->fail("cannot read attribute '" + name + "': " + hdf5_error_text());
    out = buffer.c_str();
  }
  if (!detail::valid_utf8(out))
    impl_->fail("attribute '" + name + "' of " + object_name(object) +
                " is not valid UTF-8 text (the file is damaged or was not written by icsim)");
  return out;
}

double ResultReader::number_attribute(const std::string& object, const std::string& name) const {
  QuietErrors quiet;
  return impl_->numeric_attribute<double>(object, name, H5T_NATIVE_DOUBLE);
}

std::int64_t ResultReader::integer_attribute(const std::string& object,
                                             const std::string& name) const {
  QuietErrors quiet;
  return impl_->numeric_attribute<std::int64_t>(object, name, H5T_NATIVE_INT64);
}

std::vector<std::size_t> ResultReader::shape(const std::string& dataset) const {
  QuietErrors quiet;
  Id d = impl_->open_dataset(dataset);
  Id space(H5Dget_space(d), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) impl_->fail("cannot read the shape of /" + dataset + ": " + hdf5_error_text());
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return std::vector<std::size_t>(dims.begin(), dims.end());
}

std::vector<double> ResultReader::numbers(const std::string& dataset) const {
  QuietErrors quiet;
  Id d = impl_->open_numeric(dataset);
  Id space(H5Dget_space(d), H5Sclose);
  const hssize_t count = H5Sget_simple_extent_npoints(space);
  std::vector<double> values(static_cast<std::size_t>(count < 0 ? 0 : count));
  if (!values.empty() &&
      H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    impl_->fail("cannot read /" + dataset + ": " + hdf5_error_text());
  return values;
}

std::vector<double> ResultReader::numbers_slice(const std::string& dataset,
                                                std::size_t index) const {
  QuietErrors quiet;
  Id d = impl_->open_numeric(dataset);
  Id space(H5Dget_space(d), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 1) impl_->fail("/" + dataset + " is a scalar, it has no slices");
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, shape.data(), nullptr);
  if (index >= shape[0])
    impl_->fail("/" + dataset + " has " + std::to_string(shape[0]) + " slices, asked for slice " +
                std::to_string(index));
  std::vector<hsize_t> start(shape.size(), 0), count = shape;
  start[0] = index;
  count[0] = 1;
  std::size_t n = 1;
  for (std::size_t i = 1; i < count.size(); ++i) n *= static_cast<std::size_t>(count[i]);
  std::vector<double> values(n);
  if (n == 0) return values;
  H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
  Id memory(H5Screate_simple(rank, count.data(), nullptr), H5Sclose);
  if (H5Dread(d, H5T_NATIVE_DOUBLE, memory, space, H5P_DEFAULT, values.data()) < 0)
    impl_->fail("cannot read /" + dataset + ": " + hdf5_error_text());
  return values;
}

std::vector<std::string> ResultReader::strings(const std::string& dataset) const {
  QuietErrors quiet;
  Id d = impl_->open_dataset(dataset);
  Id type(H5Dget_type(d), H5Tclose);
  if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) <= 0)
    impl_->fail("/" + dataset + " is not a variable-length string variable");
  Id space(H5Dget_space(d), H5Sclose);
  const hssize_t count = H5Sget_simple_extent_npoints(space);
  std::vector<char*> raw(static_cast<std::size_t>(count < 0 ? 0 : count), nullptr);
  std::vector<std::string> out;
  if (raw.empty()) return out;
  Id memory = utf8_string_type();
  if (H5Dread(d, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
    impl_->fail("cannot read /" + dataset + ": " + hdf5_error_text());
  out.reserve(raw.size());
  for (char* s : raw) out.emplace_back(s != nullptr ? s : "");
  const bool valid = std::all_of(out.begin(), out.end(),
                                 [](const std::string& s) { return detail::valid_utf8(s); });
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(memory, space, H5P_DEFAULT, raw.data());
#else
  H5Dvlen_reclaim(memory, space, H5P_DEFAULT, raw.data());
#endif
  if (!valid)
    impl_->fail("/" + dataset +
                " holds text that is not valid UTF-8 (the file is damaged or was not written by "
                "icsim)");
  return out;
}

namespace {

enum class ReadStatus { ok, failed, bad_text };

// Reads an attribute or a dataset (`read` fills a buffer of its elements in their native
// type) whatever its type, checks that variable-length strings are UTF-8 (as icsim writes all
// text) and frees variable-length data afterwards.
ReadStatus read_any(hid_t stored_type, hid_t space,
                    const std::function<herr_t(hid_t, void*)>& read) {
  Id memory(H5Tget_native_type(stored_type, H5T_DIR_ASCEND), H5Tclose);
  if (memory < 0) return ReadStatus::failed;
  const hssize_t count = H5Sget_simple_extent_npoints(space);
  const std::size_t size = H5Tget_size(memory);
  if (count < 0 || size == 0) return ReadStatus::failed;
  if (count == 0) return ReadStatus::ok;
  std::vector<unsigned char> buffer(static_cast<std::size_t>(count) * size);
  if (read(memory, buffer.data()) < 0) return ReadStatus::failed;
  ReadStatus status = ReadStatus::ok;
  if (H5Tis_variable_str(memory) > 0) {
    for (hssize_t i = 0; i < count; ++i) {
      const char* text = nullptr;
      std::memcpy(&text, buffer.data() + static_cast<std::size_t>(i) * size, sizeof text);
      if (text != nullptr && !detail::valid_utf8(text)) status = ReadStatus::bad_text;
    }
  }
  if (H5Tdetect_class(memory, H5T_VLEN) > 0 || H5Tis_variable_str(memory) > 0) {
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(memory, space, H5P_DEFAULT, buffer.data());
#else
    H5Dvlen_reclaim(memory, space, H5P_DEFAULT, buffer.data());
#endif
  }
  return status;
}

struct VerifyState {
  std::vector<std::string> objects;  // every group and dataset, in visiting order
};

}  // namespace

std::size_t ResultReader::verify() const {
  QuietErrors quiet;
  const auto& path = impl_->path;
  auto fail = [&](const std::string& what) {
    throw InputError(path + ": " + what + ": " + hdf5_error_text() +
                     " (the file is damaged or truncated; write it again)");
  };
  auto bad_text = [&](const std::string& what) {
    throw InputError(path + ": " + what +
                     " holds text that is not valid UTF-8 (the file is damaged; write it again)");
  };
  VerifyState state;
  state.objects.emplace_back("/");
  const herr_t visited = H5Lvisit(
      impl_->file, H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t, const char* name, const H5L_info_t* info, void* data) -> herr_t {
        if (info->type == H5L_TYPE_HARD)
          static_cast<VerifyState*>(data)->objects.emplace_back(name);
        return 0;
      },
      &state);
  if (visited < 0) fail("cannot list the objects of the file");
  std::size_t datasets = 0;
  for (const std::string& name : state.objects) {
    Id object(H5Oopen(impl_->file, name.c_str(), H5P_DEFAULT), H5Oclose);
    if (object < 0) fail("cannot open " + object_name(name));
    const hsize_t attributes = [&] {
      H5O_info_t info{};
#if H5_VERSION_GE(1, 12, 0)
      if (H5Oget_info3(object, &info, H5O_INFO_NUM_ATTRS) < 0)
        fail("cannot read " + object_name(name));
#else
      if (H5Oget_info2(object, &info, H5O_INFO_NUM_ATTRS) < 0)
        fail("cannot read " + object_name(name));
#endif
      return info.num_attrs;
    }();
    const bool is_dataset = H5Iget_type(object) == H5I_DATASET;
    Id create_plist(is_dataset ? H5Dget_create_plist(object) : H5Gget_create_plist(object),
                    H5Pclose);
    unsigned crt_order = 0;
    for (hsize_t i = 0; i < attributes; ++i) {
      // by creation order where the file indexes it (icsim's files do), else by name
      const H5_index_t order = H5Pget_attr_creation_order(create_plist, &crt_order) >= 0 &&
                                       (crt_order & H5P_CRT_ORDER_INDEXED) != 0
                                   ? H5_INDEX_CRT_ORDER
                                   : H5_INDEX_NAME;
      Id attr(H5Aopen_by_idx(object, ".", order, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
      if (attr < 0) fail("cannot open attribute " + std::to_string(i) + " of " + object_name(name));
      std::string attr_name(256, '\0');
      const ssize_t length = H5Aget_name(attr, attr_name.size(), attr_name.data());
      attr_name = length > 0 ? attr_name.c_str() : std::to_string(i);
      Id type(H5Aget_type(attr), H5Tclose);
      Id space(H5Aget_space(attr), H5Sclose);
      const ReadStatus status =
          type < 0 || space < 0
              ? ReadStatus::failed
              : read_any(type, space, [&](hid_t m, void* b) { return H5Aread(attr, m, b); });
      if (status == ReadStatus::bad_text)
        bad_text("attribute '" + attr_name + "' of " + object_name(name));
      if (status != ReadStatus::ok)
        fail("cannot read attribute '" + attr_name + "' of " + object_name(name));
    }
    if (!is_dataset) continue;
    Id type(H5Dget_type(object), H5Tclose);
    Id space(H5Dget_space(object), H5Sclose);
    const ReadStatus status =
        type < 0 || space < 0 ? ReadStatus::failed : read_any(type, space, [&](hid_t m, void* b) {
          return H5Dread(object, m, H5S_ALL, H5S_ALL, H5P_DEFAULT, b);
        });
    if (status == ReadStatus::bad_text) bad_text(object_name(name));
    if (status != ReadStatus::ok) fail("cannot read " + object_name(name));
    ++datasets;
  }
  return datasets;
}

}  // namespace icsim::output
