// ResultReader reads back what ResultFile writes (attributes, numbers, strings, shapes) and
// reports a missing file, a file that is not HDF5 and missing objects as InputError naming the
// file.
#include "icsim/output/result_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "icsim/common/error.hpp"
#include "icsim/output/result_file.hpp"

namespace fs = std::filesystem;
using icsim::InputError;
using icsim::output::ResultFile;
using icsim::output::ResultReader;

namespace {

fs::path temp_folder() {
  fs::path dir = fs::temp_directory_path() / ("icsim_reader_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no InputError";
}

TEST(ResultReader, ReadsWhatTheWriterWrote) {
  const std::string path = (temp_folder() / "r.h5").string();
  {
    ResultFile file(path);
    file.set_attribute("scenario_name", std::string("宁波 baseline"));
    file.set_attribute("seed", std::int64_t{20210101});
    file.set_attribute("scale", 2.5);
    auto g = file.group("clusters");
    g.add_dimension("replication", std::vector<std::int64_t>{0, 1}, "replication");
    g.add_dimension("cluster", std::vector<std::string>{"246/a", "246/b", "361/c"}, "cluster");
    g.write_strings("cluster_name", "cluster", {"绿色石化", "汽车", ""}, {"", "name", {}});
    g.write("output", {"replication", "cluster"}, std::vector<double>{1, 2, 3, 4, 5, 6},
            {"CNY 100 million", "output", {}});
    g.write("reached", {"cluster"}, std::vector<std::int8_t>{1, 0, 1}, {"1", "flag", {}});
    file.commit();
  }
  const ResultReader r(path);
  EXPECT_EQ(r.path(), path);
  EXPECT_TRUE(r.has("clusters"));
  EXPECT_TRUE(r.has("clusters/output"));
  EXPECT_FALSE(r.has("targets"));
  EXPECT_FALSE(r.has("clusters/nothing"));
  EXPECT_EQ(r.text_attribute("/", "scenario_name"), "宁波 baseline");
  EXPECT_EQ(r.integer_attribute("/", "seed"), 20210101);
  EXPECT_DOUBLE_EQ(r.number_attribute("/", "scale"), 2.5);
  EXPECT_TRUE(r.has_attribute("clusters/output", "units"));
  EXPECT_FALSE(r.has_attribute("/", "missing"));
  EXPECT_EQ(r.text_attribute("clusters/output", "units"), "CNY 100 million");
  EXPECT_EQ(r.shape("clusters/output"), (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(r.numbers("clusters/output"), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(r.numbers("clusters/reached"), (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(r.numbers("clusters/replication"), (std::vector<double>{0, 1}));
  EXPECT_EQ(r.strings("clusters/cluster"), (std::vector<std::string>{"246/a", "246/b", "361/c"}));
  EXPECT_EQ(r.strings("clusters/cluster_name"), (std::vector<std::string>{"绿色石化", "汽车", ""}));

  EXPECT_NE(error_of([&] { r.numbers("clusters/nothing"); }).find(path + ": no /clusters/nothing"),
            std::string::npos);
  EXPECT_NE(error_of([&] { r.numbers("clusters/cluster"); }).find("is not numeric"),
            std::string::npos);
  EXPECT_NE(error_of([&] { r.strings("clusters/output"); }).find("not a variable-length string"),
            std::string::npos);
  EXPECT_NE(error_of([&] { r.text_attribute("/", "seed"); }).find("is not a text"),
            std::string::npos);
  EXPECT_NE(error_of([&] { r.integer_attribute("/", "nope"); }).find("no attribute 'nope'"),
            std::string::npos);
  fs::remove(path);
}

TEST(ResultReader, RefusesMissingAndNonHdf5Files) {
  const fs::path dir = temp_folder();
  const std::string missing = (dir / "missing.h5").string();
  EXPECT_EQ(error_of([&] { ResultReader r(missing); }), missing + ": no such file");
  const std::string text = (dir / "notes.txt").string();
  std::ofstream(text) << "not hdf5\n";
  EXPECT_NE(error_of([&] { ResultReader r(text); }).find(text + ": not an HDF5 file"),
            std::string::npos);
  EXPECT_NE(error_of([&] { ResultReader r(dir.string()); }).find("is a folder"), std::string::npos);
  fs::remove(text);
}

TEST(ResultReader, VerifyReadsEverythingAndNamesDamage) {
  const std::string path = (temp_folder() / "verify.h5").string();
  {
    ResultFile file(path);
    file.set_attribute("scenario_name", std::string("宁波"));
    file.write_text("scenario", std::string(3000, 'x'));
    auto g = file.group("clusters");
    g.add_dimension("cluster", std::vector<std::string>{"246/a", "246/b"}, "cluster");
    g.write("output", {"cluster"}, std::vector<double>{1.5, 2.5}, {"1", "output", {}});
    file.commit();
  }
  EXPECT_EQ(ResultReader(path).verify(), 3u);  // scenario, clusters/cluster, clusters/output
  // the variable-length scenario text lives in a global heap near the end: a flipped byte in
  // it makes invalid UTF-8
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::size_t text_at = bytes.find(std::string(3000, 'x'));
  ASSERT_NE(text_at, std::string::npos);
  std::string flipped = bytes;
  flipped[text_at + 10] = static_cast<char>(0xff);
  const std::string damaged = (temp_folder() / "damaged.h5").string();
  std::ofstream(damaged, std::ios::binary) << flipped;
  // (a sealed file is refused when it is opened, an unsealed one by verify)
  EXPECT_NE(error_of([&] { ResultReader(damaged).verify(); }).find(damaged + ": "),
            std::string::npos);
  // cut in the middle: HDF5 refuses to open it or verify cannot read it
  std::ofstream(damaged, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 2);
  EXPECT_NE(error_of([&] { ResultReader(damaged).verify(); }).find(damaged + ": "),
            std::string::npos);
  fs::remove(path);
  fs::remove(damaged);
}

}  // namespace
