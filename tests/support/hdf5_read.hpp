#pragma once
// Reading HDF5 files back with the plain HDF5 C API (no icsim code on the reading side), for the
// tests of the result-file writer (tests/output/).
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <string>
#include <vector>

namespace icsim::test {

// An owned identifier of the reading side.
class H5 {
 public:
  H5(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  H5(const H5&) = delete;
  H5& operator=(const H5&) = delete;
  ~H5() {
    if (id_ >= 0) close_(id_);
  }
  operator hid_t() const { return id_; }  // NOLINT

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

inline H5 open_file(const std::string& path) {
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(id, 0) << path;
  return H5(id, H5Fclose);
}

inline H5 open_dataset(hid_t loc, const std::string& name) {
  hid_t id = H5Dopen2(loc, name.c_str(), H5P_DEFAULT);
  EXPECT_GE(id, 0) << name;
  return H5(id, H5Dclose);
}

inline bool has_attribute(hid_t object, const std::string& name) {
  return H5Aexists(object, name.c_str()) > 0;
}

inline std::string string_attribute(hid_t object, const std::string& name) {
  H5 attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (attr < 0) return "<missing " + name + ">";
  H5 type(H5Aget_type(attr), H5Tclose);
  EXPECT_EQ(H5Tget_class(type), H5T_STRING) << name;
  EXPECT_TRUE(H5Tis_variable_str(type)) << name;
  EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8) << name;
  H5 space(H5Aget_space(attr), H5Sclose);
  EXPECT_EQ(H5Sget_simple_extent_type(space), H5S_SCALAR) << name;
  H5 memory(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memory, H5T_VARIABLE);
  H5Tset_cset(memory, H5T_CSET_UTF8);
  char* text = nullptr;
  EXPECT_GE(H5Aread(attr, memory, &text), 0);
  std::string out = text != nullptr ? text : "";
  H5free_memory(text);
  return out;
}

template <class T>
T numeric_attribute(hid_t object, const std::string& name, hid_t memory_type,
                    H5T_class_t expected_class) {
  H5 attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
  EXPECT_GE(attr, 0) << name;
  H5 type(H5Aget_type(attr), H5Tclose);
  EXPECT_EQ(H5Tget_class(type), expected_class) << name;
  EXPECT_EQ(H5Tget_size(type), sizeof(T)) << name;
  T value{};
  EXPECT_GE(H5Aread(attr, memory_type, &value), 0);
  return value;
}

inline std::vector<hsize_t> shape_of(hid_t dataset) {
  H5 space(H5Dget_space(dataset), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, shape.data(), nullptr);
  return shape;
}

template <class T>
std::vector<T> read_values(hid_t dataset, hid_t memory_type) {
  std::size_t count = 1;
  for (hsize_t n : shape_of(dataset)) count *= static_cast<std::size_t>(n);
  std::vector<T> values(count);
  if (count > 0) {
    EXPECT_GE(H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  }
  return values;
}

inline std::vector<std::string> read_strings(hid_t dataset) {
  H5 type(H5Dget_type(dataset), H5Tclose);
  EXPECT_TRUE(H5Tis_variable_str(type));
  EXPECT_EQ(H5Tget_cset(type), H5T_CSET_UTF8);
  H5 memory(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memory, H5T_VARIABLE);
  H5Tset_cset(memory, H5T_CSET_UTF8);
  std::vector<char*> raw = read_values<char*>(dataset, memory);
  std::vector<std::string> out;
  for (char* s : raw) {
    out.emplace_back(s != nullptr ? s : "");
    H5free_memory(s);
  }
  return out;
}

// The dimension scale attached to axis `axis` of `dataset` (must be exactly one).
inline std::string scale_name(hid_t dataset, unsigned axis) {
  EXPECT_EQ(H5DSget_num_scales(dataset, axis), 1) << "axis " << axis;
  std::string name;
  H5DSiterate_scales(
      dataset, axis, nullptr,
      [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
        char buffer[256] = {0};
        H5Iget_name(scale, buffer, sizeof buffer);
        *static_cast<std::string*>(data) = buffer;
        return 1;
      },
      &name);
  return name;
}

inline H5D_layout_t layout_of(hid_t dataset) {
  H5 dcpl(H5Dget_create_plist(dataset), H5Pclose);
  return H5Pget_layout(dcpl);
}

inline std::vector<H5Z_filter_t> filters_of(hid_t dataset) {
  H5 dcpl(H5Dget_create_plist(dataset), H5Pclose);
  std::vector<H5Z_filter_t> out;
  const int n = H5Pget_nfilters(dcpl);
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0;
    std::size_t cd_count = 0;
    unsigned config = 0;
    out.push_back(H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &cd_count, nullptr, 0,
                                 nullptr, &config));
  }
  return out;
}

}  // namespace icsim::test
