// The HDF5 plumbing under ResultFile and Group (engine/output/hdf5_support.hpp).
#include "hdf5_support.hpp"

#include <fcntl.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <type_traits>

#include "icsim/common/error.hpp"

namespace icsim::output::detail {

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
                      const std::map<std::string, hsize_t, std::less<>>* sizes) {
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
                  bool slice_chunks) {
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

}  // namespace icsim::output::detail
