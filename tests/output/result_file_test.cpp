// The result-file writer, read back with the plain HDF5 C API (no icsim code on the reading
// side): values, attributes, dimension scales, layout, and the temporary-file behaviour.
#include "icsim/output/result_file.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "icsim/common/error.hpp"
#include "support/hdf5_read.hpp"

namespace fs = std::filesystem;
using icsim::InputError;
using icsim::output::Group;
using icsim::output::ResultFile;
using icsim::output::VariableInfo;
using namespace icsim::test;  // the HDF5 readers of support/hdf5_read.hpp

namespace {

const std::vector<std::string> kSectors = {"B06", "C25", "D44"};
const std::vector<std::string> kSectorNames = {"煤炭开采和洗选业", "石油、煤炭及其他燃料加工业",
                                               "电力、热力生产和供应业"};

class ResultFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("icsim_result_file_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "result.h5").string();
    temp_ = path_ + ".tmp." + std::to_string(::getpid());
  }
  void TearDown() override {
    chmod(dir_.c_str(), 0700);
    fs::remove_all(dir_);
  }

  // A small but complete file: root attributes and text, a group with string and numeric
  // dimensions and 1-D/2-D/3-D double, int8 and string variables.
  void write_sample(ResultFile& file) {
    file.set_attribute("icsim_version", std::string("0.1.0"));
    file.set_attribute("seed", std::int64_t{20240601});
    file.set_attribute("threads", std::int64_t{4});
    file.set_attribute("discount_rate", 0.05);
    file.set_attribute("units_money", std::string("CNY 100 million"));
    file.set_attribute("scenario_name", std::string("宁波 2030 基准情景"));
    file.write_text("scenario", "name = \"宁波\"\n[run]\nyears = 3\n", "Resolved scenario (TOML)");

    Group g = file.group("sectors");
    g.add_dimension("point", std::vector<std::int64_t>{0, 1}, "Sweep point");
    g.add_dimension("year", std::vector<double>{2025, 2026, 2027}, "Year", "year");
    g.add_dimension("sector", kSectors, "Sector code");
    g.write_strings("sector_name", "sector", kSectorNames, {"", "Sector name", {}});
    g.write("multiplier", {"sector"}, std::vector<double>{1.5, 2.25, 3.125},
            {"1", "Output multiplier", {{"method", std::string("Leontief")}}});
    std::vector<double> by_year(3 * 3);
    for (std::size_t i = 0; i < by_year.size(); ++i) by_year[i] = 10.0 * double(i);
    g.write("output", {"year", "sector"}, by_year, {"CNY 100 million", "Gross output", {}});
    std::vector<double> cube(2 * 3 * 3);
    for (std::size_t i = 0; i < cube.size(); ++i) cube[i] = 0.5 + double(i);
    g.write("value_added", {"point", "year", "sector"}, cube,
            {"CNY 100 million", "Value added", {{"scale", 1.0}, {"rank", std::int64_t{3}}}});
    g.write("reached", {"point", "sector"}, std::vector<std::int8_t>{0, 1, 1, 1, 0, 0},
            {"1", "Target reached (0/1)", {}});
    g.set_attribute("description", std::string("按部门的结果"));
    g.set_attribute("count", std::int64_t{3});
  }

  fs::path dir_;
  std::string path_;
  std::string temp_;
};

TEST_F(ResultFileTest, RootAttributesAndText) {
  {
    ResultFile file(path_);
    write_sample(file);
    file.commit();
  }
  H5 f = open_file(path_);
  EXPECT_EQ(string_attribute(f, "icsim_version"), "0.1.0");
  EXPECT_EQ(string_attribute(f, "units_money"), "CNY 100 million");
  EXPECT_EQ(string_attribute(f, "scenario_name"), "宁波 2030 基准情景");
  EXPECT_EQ(numeric_attribute<std::int64_t>(f, "seed", H5T_NATIVE_INT64, H5T_INTEGER), 20240601);
  EXPECT_EQ(numeric_attribute<std::int64_t>(f, "threads", H5T_NATIVE_INT64, H5T_INTEGER), 4);
  EXPECT_DOUBLE_EQ(numeric_attribute<double>(f, "discount_rate", H5T_NATIVE_DOUBLE, H5T_FLOAT),
                   0.05);

  H5 scenario = open_dataset(f, "scenario");
  H5 space(H5Dget_space(scenario), H5Sclose);
  EXPECT_EQ(H5Sget_simple_extent_type(space), H5S_SCALAR);
  H5 memory(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memory, H5T_VARIABLE);
  char* text = nullptr;
  ASSERT_GE(H5Dread(scenario, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), 0);
  EXPECT_STREQ(text, "name = \"宁波\"\n[run]\nyears = 3\n");
  H5free_memory(text);
  EXPECT_EQ(string_attribute(scenario, "long_name"), "Resolved scenario (TOML)");
  EXPECT_EQ(string_attribute(scenario, "units"), "");
}

TEST_F(ResultFileTest, ValuesAndAttributes) {
  {
    ResultFile file(path_);
    write_sample(file);
    file.commit();
  }
  H5 f = open_file(path_);
  H5 g(H5Gopen2(f, "sectors", H5P_DEFAULT), H5Gclose);
  ASSERT_GE(g, 0);
  EXPECT_EQ(string_attribute(g, "description"), "按部门的结果");
  EXPECT_EQ(numeric_attribute<std::int64_t>(g, "count", H5T_NATIVE_INT64, H5T_INTEGER), 3);

  H5 sector = open_dataset(g, "sector");
  EXPECT_EQ(read_strings(sector), kSectors);
  EXPECT_EQ(string_attribute(sector, "long_name"), "Sector code");
  EXPECT_EQ(string_attribute(sector, "units"), "");
  H5 year = open_dataset(g, "year");
  EXPECT_EQ(read_values<double>(year, H5T_NATIVE_DOUBLE), (std::vector<double>{2025, 2026, 2027}));
  EXPECT_EQ(string_attribute(year, "units"), "year");
  H5 point = open_dataset(g, "point");
  {
    H5 type(H5Dget_type(point), H5Tclose);
    EXPECT_TRUE(H5Tequal(type, H5T_STD_I64LE) > 0);
  }
  EXPECT_EQ(read_values<std::int64_t>(point, H5T_NATIVE_INT64), (std::vector<std::int64_t>{0, 1}));

  H5 names = open_dataset(g, "sector_name");
  EXPECT_EQ(read_strings(names), kSectorNames);
  EXPECT_EQ(string_attribute(names, "long_name"), "Sector name");
  EXPECT_EQ(string_attribute(names, "units"), "");

  H5 multiplier = open_dataset(g, "multiplier");
  EXPECT_EQ(shape_of(multiplier), (std::vector<hsize_t>{3}));
  EXPECT_EQ(read_values<double>(multiplier, H5T_NATIVE_DOUBLE),
            (std::vector<double>{1.5, 2.25, 3.125}));
  EXPECT_EQ(string_attribute(multiplier, "units"), "1");
  EXPECT_EQ(string_attribute(multiplier, "long_name"), "Output multiplier");
  EXPECT_EQ(string_attribute(multiplier, "method"), "Leontief");

  H5 output = open_dataset(g, "output");
  EXPECT_EQ(shape_of(output), (std::vector<hsize_t>{3, 3}));
  const auto output_values = read_values<double>(output, H5T_NATIVE_DOUBLE);
  for (std::size_t i = 0; i < output_values.size(); ++i) {
    EXPECT_DOUBLE_EQ(output_values[i], 10.0 * double(i));
  }

  H5 value_added = open_dataset(g, "value_added");
  EXPECT_EQ(shape_of(value_added), (std::vector<hsize_t>{2, 3, 3}));
  const auto cube = read_values<double>(value_added, H5T_NATIVE_DOUBLE);
  // Row-major: element (p, y, s) at p*9 + y*3 + s.
  EXPECT_DOUBLE_EQ(cube[1 * 9 + 2 * 3 + 1], 0.5 + 16);
  for (std::size_t i = 0; i < cube.size(); ++i) EXPECT_DOUBLE_EQ(cube[i], 0.5 + double(i));
  EXPECT_DOUBLE_EQ(numeric_attribute<double>(value_added, "scale", H5T_NATIVE_DOUBLE, H5T_FLOAT),
                   1.0);
  EXPECT_EQ(numeric_attribute<std::int64_t>(value_added, "rank", H5T_NATIVE_INT64, H5T_INTEGER), 3);
  EXPECT_EQ(string_attribute(value_added, "units"), "CNY 100 million");

  H5 reached = open_dataset(g, "reached");
  {
    H5 type(H5Dget_type(reached), H5Tclose);
    EXPECT_TRUE(H5Tequal(type, H5T_STD_I8LE) > 0);
  }
  EXPECT_EQ(shape_of(reached), (std::vector<hsize_t>{2, 3}));
  EXPECT_EQ(read_values<std::int8_t>(reached, H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{0, 1, 1, 1, 0, 0}));
  EXPECT_EQ(string_attribute(reached, "long_name"), "Target reached (0/1)");
}

TEST_F(ResultFileTest, DimensionScalesAttachedInOrder) {
  {
    ResultFile file(path_);
    write_sample(file);
    file.commit();
  }
  H5 f = open_file(path_);
  H5 g(H5Gopen2(f, "sectors", H5P_DEFAULT), H5Gclose);
  std::set<int> dimids;
  for (const char* dim : {"point", "year", "sector"}) {
    H5 scale = open_dataset(g, dim);
    EXPECT_GT(H5DSis_scale(scale), 0) << dim;
    char name[64] = {0};
    EXPECT_GT(H5DSget_scale_name(scale, name, sizeof name), 0);
    EXPECT_STREQ(name, dim);  // a coordinate variable: the scale is named after itself
    EXPECT_TRUE(has_attribute(scale, "_Netcdf4Dimid"));
    dimids.insert(numeric_attribute<int>(scale, "_Netcdf4Dimid", H5T_NATIVE_INT, H5T_INTEGER));
    EXPECT_FALSE(has_attribute(scale, "DIMENSION_LIST"));
  }
  EXPECT_EQ(dimids.size(), 3u) << "dimension ids must be distinct";

  H5 value_added = open_dataset(g, "value_added");
  EXPECT_EQ(H5DSis_scale(value_added), 0);
  EXPECT_EQ(scale_name(value_added, 0), "/sectors/point");
  EXPECT_EQ(scale_name(value_added, 1), "/sectors/year");
  EXPECT_EQ(scale_name(value_added, 2), "/sectors/sector");
  H5 point = open_dataset(g, "point");
  H5 sector = open_dataset(g, "sector");
  EXPECT_GT(H5DSis_attached(value_added, point, 0), 0);
  EXPECT_GT(H5DSis_attached(value_added, sector, 2), 0);
  EXPECT_EQ(H5DSis_attached(value_added, sector, 0), 0);

  H5 reached = open_dataset(g, "reached");
  EXPECT_EQ(scale_name(reached, 0), "/sectors/point");
  EXPECT_EQ(scale_name(reached, 1), "/sectors/sector");
  H5 names = open_dataset(g, "sector_name");
  EXPECT_EQ(scale_name(names, 0), "/sectors/sector");
  H5 output = open_dataset(g, "output");
  EXPECT_EQ(scale_name(output, 0), "/sectors/year");
  EXPECT_EQ(scale_name(output, 1), "/sectors/sector");
}

TEST_F(ResultFileTest, LargeArraysChunkedAndCompressedSmallOnesContiguous) {
  const std::int64_t replications = 300;
  const std::int64_t years = 30;
  std::vector<std::int64_t> replication(replications);
  for (std::int64_t r = 0; r < replications; ++r) replication[static_cast<std::size_t>(r)] = r;
  std::vector<std::int64_t> year(years);
  for (std::int64_t y = 0; y < years; ++y) year[static_cast<std::size_t>(y)] = 2025 + y;
  // 300 * 30 * 42 = 378,000 elements: above the 64 Ki threshold.
  std::vector<std::string> sectors;
  for (int s = 0; s < 42; ++s) sectors.push_back("S" + std::to_string(s));
  std::vector<double> large(static_cast<std::size_t>(replications * years) * sectors.size());
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = double(i % 1000) * 0.25;
  std::vector<std::int8_t> flags(large.size());
  for (std::size_t i = 0; i < flags.size(); ++i) flags[i] = static_cast<std::int8_t>(i % 3 == 0);
  {
    ResultFile file(path_);
    Group g = file.group("sectors");
    g.add_dimension("replication", replication, "Replication");
    g.add_dimension("year", year, "Year", "year");
    g.add_dimension("sector", sectors, "Sector");
    g.write("output", {"replication", "year", "sector"}, large, {"CNY 100 million", "Output", {}});
    g.write("flag", {"replication", "year", "sector"}, flags, {"1", "Flag", {}});
    g.write("small", {"year", "sector"}, std::vector<double>(30 * 42, 1.0), {"1", "Small", {}});
    file.commit();
  }
  H5 f = open_file(path_);
  H5 g(H5Gopen2(f, "sectors", H5P_DEFAULT), H5Gclose);
  for (const char* name : {"output", "flag"}) {
    H5 ds = open_dataset(g, name);
    EXPECT_EQ(layout_of(ds), H5D_CHUNKED) << name;
    const auto filters = filters_of(ds);
    EXPECT_NE(std::find(filters.begin(), filters.end(), H5Z_FILTER_DEFLATE), filters.end()) << name;
    H5 dcpl(H5Dget_create_plist(ds), H5Pclose);
    hsize_t chunk[3] = {0, 0, 0};
    ASSERT_EQ(H5Pget_chunk(dcpl, 3, chunk), 3);
    H5 type(H5Dget_type(ds), H5Tclose);
    EXPECT_LE(chunk[0] * chunk[1] * chunk[2] * H5Tget_size(type), hsize_t{1} << 20) << name;
  }
  H5 output = open_dataset(g, "output");
  EXPECT_EQ(read_values<double>(output, H5T_NATIVE_DOUBLE), large);
  H5 flag = open_dataset(g, "flag");
  EXPECT_EQ(read_values<std::int8_t>(flag, H5T_NATIVE_INT8), flags);
  EXPECT_LT(H5Dget_storage_size(output), large.size() * sizeof(double) / 2)
      << "repetitive data should compress";
  H5 small = open_dataset(g, "small");
  EXPECT_EQ(layout_of(small), H5D_CONTIGUOUS);
  EXPECT_TRUE(filters_of(small).empty());
  H5 sector = open_dataset(g, "sector");
  EXPECT_EQ(layout_of(sector), H5D_CONTIGUOUS);
}

TEST_F(ResultFileTest, ChunksAreTheBytesHdf5sOwnPipelineWrites) {
  // The result file filters its chunks itself (shuffle, deflate) on all threads: every chunk must
  // carry the bytes and filter mask that HDF5's pipeline writes for the same data. Shapes that
  // leave partial chunks at the edges; doubles that compress, and random bytes that do not
  // (HDF5 keeps deflate's output even when it is larger than its input).
  const std::size_t R = 301, Y = 29, S = 43;
  std::vector<std::int64_t> replication(R), year(Y);
  for (std::size_t r = 0; r < R; ++r) replication[r] = static_cast<std::int64_t>(r);
  for (std::size_t y = 0; y < Y; ++y) year[y] = 2025 + static_cast<std::int64_t>(y);
  std::vector<std::string> sectors;
  for (std::size_t s = 0; s < S; ++s) sectors.push_back("S" + std::to_string(s));
  std::vector<double> smooth(R * Y * S);
  std::vector<std::int8_t> noise(R * Y * S);
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (std::size_t i = 0; i < smooth.size(); ++i) {
    smooth[i] = 1000.0 + 0.5 * static_cast<double>(i % 977) + 1e-3 * static_cast<double>(i % 13);
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    noise[i] = static_cast<std::int8_t>(x >> 56);
  }
  {
    ResultFile file(path_);
    Group g = file.group("g");
    g.add_dimension("replication", replication, "Replication");
    g.add_dimension("year", year, "Year", "year");
    g.add_dimension("sector", sectors, "Sector");
    g.write("smooth", {"replication", "year", "sector"}, smooth, {"1", "Smooth", {}});
    g.write("noise", {"replication", "year", "sector"}, noise, {"1", "Noise", {}});
    // The same data slice by slice (chunks one replication thick), the last slice first.
    for (std::size_t r = R; r-- > 0;)
      g.write_slice("sliced", {"replication", "year", "sector"}, r,
                    std::vector<double>(smooth.begin() + static_cast<long>(r * Y * S),
                                        smooth.begin() + static_cast<long>((r + 1) * Y * S)),
                    {"1", "Sliced", {}});
    file.commit();
  }
  const std::string plain = (dir_ / "plain.h5").string();
  H5 ours = open_file(path_);
  H5 theirs(H5Fcreate(plain.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  ASSERT_GE(static_cast<hid_t>(theirs), 0);
  struct Case {
    const char* name;
    hid_t type;
    const void* data;
  };
  std::size_t larger = 0;
  for (const Case& c : {Case{"smooth", H5T_NATIVE_DOUBLE, smooth.data()},
                        Case{"noise", H5T_NATIVE_INT8, noise.data()},
                        Case{"sliced", H5T_NATIVE_DOUBLE, smooth.data()}}) {
    H5 ds(H5Dopen2(ours, (std::string("g/") + c.name).c_str(), H5P_DEFAULT), H5Dclose);
    ASSERT_GE(static_cast<hid_t>(ds), 0) << c.name;
    H5 dcpl(H5Dget_create_plist(ds), H5Pclose);
    hsize_t chunk[3] = {0, 0, 0};
    ASSERT_EQ(H5Pget_chunk(dcpl, 3, chunk), 3);
    if (std::string(c.name) == "smooth")  // 3 MB: several chunks, partial ones at the edges
      EXPECT_TRUE(R % chunk[0] != 0 || Y % chunk[1] != 0 || S % chunk[2] != 0);
    if (std::string(c.name) == "sliced") EXPECT_EQ(chunk[0], 1u);
    // HDF5 filters the same data through the same creation properties.
    H5 space(H5Dget_space(ds), H5Sclose);
    H5 other(H5Dcreate2(theirs, c.name, c.type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose);
    ASSERT_GE(H5Dwrite(other, c.type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.data), 0) << c.name;
    ASSERT_GE(H5Fflush(theirs, H5F_SCOPE_LOCAL), 0);
    for (hsize_t r = 0; r < R; r += chunk[0])
      for (hsize_t y = 0; y < Y; y += chunk[1])
        for (hsize_t s = 0; s < S; s += chunk[2]) {
          const hsize_t offset[3] = {r, y, s};
          hsize_t size_a = 0, size_b = 0;
          ASSERT_GE(H5Dget_chunk_storage_size(ds, offset, &size_a), 0);
          ASSERT_GE(H5Dget_chunk_storage_size(other, offset, &size_b), 0);
          ASSERT_EQ(size_a, size_b) << c.name << " chunk " << r << "," << y << "," << s;
          std::vector<unsigned char> a(size_a), b(size_b);
          std::uint32_t mask_a = 99, mask_b = 98;
          ASSERT_GE(H5Dread_chunk(ds, H5P_DEFAULT, offset, &mask_a, a.data()), 0);
          ASSERT_GE(H5Dread_chunk(other, H5P_DEFAULT, offset, &mask_b, b.data()), 0);
          EXPECT_EQ(mask_a, mask_b) << c.name;
          EXPECT_EQ(a, b) << c.name << " chunk " << r << "," << y << "," << s;
          EXPECT_EQ(mask_a, 0u);
          larger += c.type == H5T_NATIVE_INT8 && size_a > R * Y * S;
        }
  }
  EXPECT_GT(larger, 0u) << "random bytes should not compress";
  H5 noise_ds = open_dataset(ours, "g/noise");
  EXPECT_EQ(read_values<std::int8_t>(noise_ds, H5T_NATIVE_INT8), noise);
  H5 smooth_ds = open_dataset(ours, "g/smooth");
  EXPECT_EQ(read_values<double>(smooth_ds, H5T_NATIVE_DOUBLE), smooth);
  H5 sliced_ds = open_dataset(ours, "g/sliced");
  EXPECT_EQ(read_values<double>(sliced_ds, H5T_NATIVE_DOUBLE), smooth);
}

TEST_F(ResultFileTest, EmptyDimensionAndScalarVariable) {
  {
    ResultFile file(path_);
    Group g = file.group("targets");
    g.add_dimension("target", std::vector<std::string>{}, "Target");
    g.add_dimension("replication", std::vector<std::int64_t>{0, 1}, "Replication");
    g.write("reached", {"replication", "target"}, std::vector<std::int8_t>{}, {"1", "Reached", {}});
    g.write_strings("target_text", "target", {}, {"", "Target text", {}});
    g.write("total", {}, std::vector<double>{42.0}, {"1", "A scalar", {}});
    EXPECT_EQ(g.dimension_size("target"), 0u);
    file.commit();
  }
  H5 f = open_file(path_);
  H5 g(H5Gopen2(f, "targets", H5P_DEFAULT), H5Gclose);
  H5 reached = open_dataset(g, "reached");
  EXPECT_EQ(shape_of(reached), (std::vector<hsize_t>{2, 0}));
  EXPECT_EQ(scale_name(reached, 1), "/targets/target");
  H5 total = open_dataset(g, "total");
  EXPECT_TRUE(shape_of(total).empty());
  EXPECT_EQ(read_values<double>(total, H5T_NATIVE_DOUBLE), std::vector<double>{42.0});
}

TEST_F(ResultFileTest, DimensionSizeAndSharedGroups) {
  ResultFile file(path_);
  Group a = file.group("io");
  a.add_dimension("sector", kSectors, "Sector");
  Group b = file.group("io");  // opens the same group
  EXPECT_EQ(b.dimension_size("sector"), 3u);
  b.write("x", {"sector"}, std::vector<double>{1, 2, 3}, {"1", "X", {}});
  EXPECT_THROW(a.write("x", {"sector"}, std::vector<double>{1, 2, 3}, {"1", "X", {}}),
               std::invalid_argument);
  EXPECT_THROW((void)a.dimension_size("year"), std::invalid_argument);
  Group other = file.group("sectors");
  EXPECT_THROW(other.write("x", {"sector"}, std::vector<double>{1, 2, 3}, {"1", "X", {}}),
               std::invalid_argument)
      << "dimensions belong to their group";
}

TEST_F(ResultFileTest, ValueCountMismatchThrowsInvalidArgument) {
  ResultFile file(path_);
  Group g = file.group("io");
  g.add_dimension("sector", kSectors, "Sector");
  g.add_dimension("year", std::vector<std::int64_t>{2025, 2026}, "Year");
  try {
    g.write("output", {"year", "sector"}, std::vector<double>(5), {"1", "Output", {}});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("/io/output"), std::string::npos) << message;
    EXPECT_NE(message.find("5 values"), std::string::npos) << message;
    EXPECT_NE(message.find("year=2, sector=3"), std::string::npos) << message;
    EXPECT_NE(message.find("need 6"), std::string::npos) << message;
  }
  EXPECT_THROW(g.write("reached", {"sector"}, std::vector<std::int8_t>(4), {"1", "R", {}}),
               std::invalid_argument);
  EXPECT_THROW(g.write_strings("sector_name", "sector", {"a", "b"}, {"", "Name", {}}),
               std::invalid_argument);
  EXPECT_THROW(g.write("scalar", {}, std::vector<double>{}, {"1", "S", {}}), std::invalid_argument);
  // Nothing was written by the failed calls: the names are still free.
  g.write("output", {"year", "sector"}, std::vector<double>(6, 1.0), {"1", "Output", {}});
  file.commit();
  H5 f = open_file(path_);
  H5 io(H5Gopen2(f, "io", H5P_DEFAULT), H5Gclose);
  EXPECT_EQ(H5Lexists(io, "reached", H5P_DEFAULT), 0);
  EXPECT_EQ(H5Lexists(io, "sector_name", H5P_DEFAULT), 0);
}

TEST_F(ResultFileTest, OtherCallerMistakesThrowInvalidArgument) {
  ResultFile file(path_);
  Group g = file.group("io");
  g.add_dimension("sector", kSectors, "Sector");
  const VariableInfo info{"1", "X", {}};
  const std::vector<double> three = {1, 2, 3};
  EXPECT_THROW(g.write("x", {"region"}, three, info), std::invalid_argument);  // unknown dim
  EXPECT_THROW(g.write("x", {"sector", "sector"}, std::vector<double>(9), info),
               std::invalid_argument);                                              // repeated dim
  EXPECT_THROW(g.write("sector", {"sector"}, three, info), std::invalid_argument);  // taken
  EXPECT_THROW(g.write("a/b", {"sector"}, three, info), std::invalid_argument);
  EXPECT_THROW(g.write("", {"sector"}, three, info), std::invalid_argument);
  EXPECT_THROW(g.add_dimension("sector", kSectors, "Again"), std::invalid_argument);
  EXPECT_THROW(g.add_dimension("code", std::vector<std::string>{"A", "A"}, "Dup"),
               std::invalid_argument);
  EXPECT_THROW(g.write_strings("bad", "sector", {"ok", "\xff\xfe", "ok"}, {"", "Bad", {}}),
               std::invalid_argument);
  EXPECT_THROW(g.write("y", {"sector"}, three, {"1", "Y", {{"CLASS", std::string("x")}}}),
               std::invalid_argument);
  EXPECT_THROW(g.write("y", {"sector"}, three, {"1", "Y", {{"units", std::string("m")}}}),
               std::invalid_argument);
  EXPECT_THROW(file.set_attribute("DIMENSION_LIST", std::int64_t{1}), std::invalid_argument);
  EXPECT_THROW(file.group("a/b"), std::invalid_argument);
  file.write_text("scenario", "x = 1");
  EXPECT_THROW(file.group("scenario"), std::invalid_argument);  // a dataset, not a group
  EXPECT_THROW(file.write_text("scenario", "again"), std::invalid_argument);
  EXPECT_THROW(Group{}.dimension_size("sector"), std::logic_error);
}

TEST_F(ResultFileTest, AttributesCanBeReplaced) {
  {
    ResultFile file(path_);
    file.set_attribute("seed", std::int64_t{1});
    file.set_attribute("seed", std::string("now a string"));
    file.commit();
  }
  H5 f = open_file(path_);
  EXPECT_EQ(string_attribute(f, "seed"), "now a string");
}

TEST_F(ResultFileTest, NothingAtPathBeforeCommit) {
  ResultFile file(path_);
  write_sample(file);
  EXPECT_FALSE(fs::exists(path_));
  EXPECT_TRUE(fs::exists(temp_));
  file.commit();
  EXPECT_TRUE(fs::exists(path_));
  EXPECT_FALSE(fs::exists(temp_));
  EXPECT_THROW(file.commit(), std::logic_error);
}

TEST_F(ResultFileTest, DestructorWithoutCommitLeavesNothing) {
  {
    ResultFile file(path_);
    write_sample(file);
    EXPECT_TRUE(fs::exists(temp_));
  }
  EXPECT_FALSE(fs::exists(path_));
  EXPECT_FALSE(fs::exists(temp_));
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(ResultFileTest, ExistingFileUntouchedUntilCommit) {
  { std::ofstream(path_) << "previous result"; }
  {
    ResultFile file(path_);
    write_sample(file);
  }  // abandoned
  {
    std::ifstream in(path_);
    std::string text;
    std::getline(in, text);
    EXPECT_EQ(text, "previous result");
  }
  {
    ResultFile file(path_);
    write_sample(file);
    file.commit();
  }
  EXPECT_GT(H5Fis_hdf5(path_.c_str()), 0);
  EXPECT_FALSE(fs::exists(temp_));
}

TEST_F(ResultFileTest, GroupAfterCommitThrowsLogicError) {
  ResultFile file(path_);
  Group g = file.group("io");
  g.add_dimension("sector", kSectors, "Sector");
  file.commit();
  EXPECT_THROW(g.write("x", {"sector"}, std::vector<double>{1, 2, 3}, {"1", "X", {}}),
               std::logic_error);
  EXPECT_THROW(file.set_attribute("a", 1.0), std::logic_error);
  EXPECT_EQ(g.dimension_size("sector"), 3u);
}

TEST_F(ResultFileTest, MoveKeepsOneOwner) {
  {
    ResultFile first(path_);
    first.set_attribute("a", 1.0);
    ResultFile second(std::move(first));
    second.commit();
  }
  EXPECT_TRUE(fs::exists(path_));
  EXPECT_FALSE(fs::exists(temp_));
}

void expect_input_error_naming(const std::string& path, const std::string& fragment) {
  try {
    ResultFile file(path);
    FAIL() << "expected InputError for " << path;
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

TEST_F(ResultFileTest, UnwritablePathsThrowInputErrorNamingPath) {
  expect_input_error_naming((dir_ / "missing" / "r.h5").string(), "does not exist");
  { std::ofstream(dir_ / "plain") << "x"; }
  expect_input_error_naming((dir_ / "plain" / "r.h5").string(), "is not a folder");
  expect_input_error_naming(dir_.string(), "is a folder");
  // HDF5 itself refuses (even for root): its explanation is part of the message.
  expect_input_error_naming("/proc/icsim_result.h5", "No such file or directory");
}

TEST_F(ResultFileTest, ReadOnlyFolderThrowsInputError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders";
  const fs::path folder = dir_ / "locked";
  fs::create_directories(folder);
  chmod(folder.c_str(), 0500);
  expect_input_error_naming((folder / "r.h5").string(), "Permission denied");
  chmod(folder.c_str(), 0700);
}

TEST_F(ResultFileTest, HdfFailuresPrintNothing) {
  ::testing::internal::CaptureStderr();
  EXPECT_THROW(ResultFile("/proc/icsim_result.h5"), InputError);
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(printed, "");
  // The caller's own error-printing setting is restored afterwards.
  H5E_auto2_t func = nullptr;
  void* data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  EXPECT_NE(func, nullptr);
}

}  // namespace

namespace {

// Auxiliary coordinates (CF section 5) and int64 variables: a variable written after an
// auxiliary coordinate over one of its dimensions lists it in `coordinates`; the auxiliary
// coordinates themselves and variables over other dimensions do not.
TEST_F(ResultFileTest, AuxiliaryCoordinatesNamedByLaterVariables) {
  {
    ResultFile file(path_);
    Group g = file.group("clusters");
    g.add_dimension("year", std::vector<std::int64_t>{2025, 2026}, "calendar year", "year");
    g.add_dimension("cluster", std::vector<std::string>{"a", "b"}, "cluster");
    g.add_auxiliary_coordinate(
        "time", "year", std::vector<double>{20270.5, 20635.5},
        {"days since 1970-01-01", "middle of the year", {{"axis", std::string("T")}}});
    g.add_auxiliary_coordinate("system", "cluster", std::vector<std::string>{"361", "246"},
                               {"", "system", {}});
    g.add_auxiliary_coordinate("cluster_name", "cluster", std::vector<std::string>{"石化", "汽车"},
                               {"", "name", {}});
    g.write("output", {"year", "cluster"}, std::vector<double>{1, 2, 3, 4}, {"1", "output", {}});
    g.write("target_year", {"cluster"}, std::vector<std::int64_t>{2030, 2035},
            {"year", "year", {}});
    g.write("by_year", {"year"}, std::vector<double>{1, 2}, {"1", "by year", {}});
    EXPECT_THROW(g.write("bad", {"year"}, std::vector<double>{1, 2},
                         {"1", "bad", {{"coordinates", std::string("time")}}}),
                 std::invalid_argument);
    file.commit();
  }
  H5 f = open_file(path_);
  H5 g(H5Gopen2(f, "clusters", H5P_DEFAULT), H5Gclose);
  EXPECT_EQ(string_attribute(open_dataset(g, "output"), "coordinates"), "time system cluster_name");
  EXPECT_EQ(string_attribute(open_dataset(g, "target_year"), "coordinates"), "system cluster_name");
  EXPECT_EQ(string_attribute(open_dataset(g, "by_year"), "coordinates"), "time");
  for (const char* aux : {"time", "system", "cluster_name"})
    EXPECT_FALSE(has_attribute(open_dataset(g, aux), "coordinates")) << aux;
  EXPECT_EQ(read_strings(open_dataset(g, "cluster_name")),
            (std::vector<std::string>{"石化", "汽车"}));
  H5 year = open_dataset(g, "target_year");
  H5 type(H5Dget_type(year), H5Tclose);
  EXPECT_EQ(H5Tget_class(type), H5T_INTEGER);
  EXPECT_EQ(H5Tget_size(type), 8u);
  EXPECT_EQ(read_values<std::int64_t>(year, H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{2030, 2035}));
  EXPECT_EQ(scale_name(open_dataset(g, "time"), 0), "/clusters/year");
}

}  // namespace
