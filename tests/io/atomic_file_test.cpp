#include "icsim/io/atomic_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "icsim/common/error.hpp"

using namespace icsim;
namespace fs = std::filesystem;

namespace {

class AtomicFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("icsim_atomic_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  std::size_t entries() {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
  }
  std::string refused(const std::string& path, const std::vector<std::string>& inputs = {}) {
    try {
      io::check_output_file(path, "--csv", inputs);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(accepted)";
  }
  fs::path dir;
};

}  // namespace

TEST_F(AtomicFiles, CommitReplacesTheTargetAndLeavesNoTemporaryFile) {
  std::ofstream(dir / "out.csv") << "old";
  {
    io::StagedFile f((dir / "out.csv").string());
    f << "a," << 42 << '\n' << std::string("b");
    EXPECT_EQ(read(dir / "out.csv"), "old");  // nothing visible before commit
    f.commit();
  }
  EXPECT_EQ(read(dir / "out.csv"), "a,42\nb");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFiles, AnUncommittedFileLeavesTheTargetAsItWas) {
  std::ofstream(dir / "out.csv") << "old";
  { io::StagedFile((dir / "out.csv").string()) << "new"; }
  EXPECT_EQ(read(dir / "out.csv"), "old");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFiles, AnOutputSetCommitsAllOrNothing) {
  {
    io::OutputSet set;
    set.file((dir / "a.csv").string()) << "a";
    const std::string folder = set.folder((dir / "table").string());
    set.file((fs::path(folder) / "Z.csv").string()) << "z";
    // an error before commit(): nothing appears
  }
  EXPECT_EQ(entries(), 0u);
  {
    io::OutputSet set;
    set.file((dir / "a.csv").string()) << "a";
    const std::string folder = set.folder((dir / "table").string());
    set.file((fs::path(folder) / "Z.csv").string()) << "z";
    const std::string h5 = set.external((dir / "r.h5").string());
    std::ofstream(h5) << "hdf";
    set.commit();
  }
  EXPECT_EQ(read(dir / "a.csv"), "a");
  EXPECT_EQ(read(dir / "table" / "Z.csv"), "z");
  EXPECT_EQ(read(dir / "r.h5"), "hdf");
  EXPECT_EQ(entries(), 3u);
}

TEST_F(AtomicFiles, AnExternalFileThatWasNotWrittenFailsTheCommit) {
  io::OutputSet set;
  set.file((dir / "a.csv").string()) << "a";
  set.external((dir / "r.h5").string());
  EXPECT_THROW(set.commit(), InputError);
}

TEST_F(AtomicFiles, TargetsMustBeRegularFilesOrAbsentAndNotInputs) {
  EXPECT_EQ(refused((dir / "new.csv").string()), "(accepted)");
  EXPECT_NE(refused("/dev/null").find("not a regular file"), std::string::npos);
  EXPECT_NE(refused(dir.string()).find("is a folder"), std::string::npos);
  EXPECT_NE(refused((dir / "missing" / "x.csv").string()).find("does not exist"),
            std::string::npos);
  std::ofstream(dir / "Z.csv") << "z";
  EXPECT_NE(refused((dir / "Z.csv").string(), {(dir / "Z.csv").string()})
                .find("one of the command's inputs"),
            std::string::npos);
  // Through a symbolic link: the link stays, the file it names is the target.
  fs::create_symlink(dir / "Z.csv", dir / "link.csv");
  EXPECT_EQ(io::check_output_file((dir / "link.csv").string(), "--csv", {}),
            fs::canonical(dir / "Z.csv").string());
}

TEST_F(AtomicFiles, FolderTargets) {
  std::ofstream(dir / "file") << "x";
  EXPECT_THROW(io::check_output_folder((dir / "file").string(), "--write-table", {}), InputError);
  EXPECT_THROW(io::check_output_folder(dir.string(), "--write-table", {dir.string()}), InputError);
  EXPECT_EQ(io::check_output_folder((dir / "new").string(), "--write-table", {}),
            (dir / "new").string());
  EXPECT_THROW(io::check_output_folder((dir / "no" / "new").string(), "--write-table", {}),
               InputError);
}
