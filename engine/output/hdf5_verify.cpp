// Reading every object of an HDF5 result file (hdf5_probe.hpp): ResultReader::verify and the
// child-process probe of unsealed files share it.
#include <hdf5.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "hdf5_probe.hpp"
#include "hdf5_quiet.hpp"
#include "hdf5_support.hpp"
#include "icsim/common/error.hpp"

namespace icsim::output::detail {
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

std::size_t verify_objects(hid_t file, const std::string& path) {
  QuietErrors quiet;
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
      file, H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t, const char* name, const H5L_info_t* info, void* data) -> herr_t {
        if (info->type == H5L_TYPE_HARD)
          static_cast<VerifyState*>(data)->objects.emplace_back(name);
        return 0;
      },
      &state);
  if (visited < 0) fail("cannot list the objects of the file");
  std::size_t datasets = 0;
  for (const std::string& name : state.objects) {
    Id object(H5Oopen(file, name.c_str(), H5P_DEFAULT), H5Oclose);
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

}  // namespace icsim::output::detail
