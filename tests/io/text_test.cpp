#include "icsim/io/text.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "icsim/common/error.hpp"
#include "support/checks.hpp"

using namespace icsim;
namespace fs = std::filesystem;

namespace {

// "制造业" (manufacturing) in GBK/GB18030 (short GBK strings can be valid UTF-8 by chance,
// "农业" is: C5 A9 D2 B5).
const std::string kGbkNongye = "\xD6\xC6\xD4\xEC\xD2\xB5";

class TextFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("icsim_text_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
};

}  // namespace

TEST(Utf8, AcceptsUtf8AndBom) {
  EXPECT_FALSE(io::utf8_problem("code,name\nA,农业\n"));
  EXPECT_FALSE(
      io::utf8_problem("\xEF\xBB\xBF"
                       "a,b\n"));
  EXPECT_FALSE(io::utf8_problem("emoji \xF0\x9F\x98\x80 ok"));
  EXPECT_FALSE(io::utf8_problem(""));
}

TEST(Utf8, RefusesGbkWithLineColumnAndTheTextAsGb18030) {
  auto p = io::utf8_problem("code,name\nA," + kGbkNongye + "\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->line, 2);
  EXPECT_EQ(p->column, 3);
  EXPECT_NE(p->message.find("GB18030/GBK"), std::string::npos) << p->message;
  EXPECT_NE(p->message.find("reads '制造业'"), std::string::npos) << p->message;
  EXPECT_NE(p->message.find("re-save the file as UTF-8"), std::string::npos);
}

TEST(Utf8, GbkThatHappensToBeValidUtf8IsRecognised) {
  // "农业" in GBK is C5 A9 D2 B5: valid UTF-8 for "ũҵ" (Latin and Cyrillic in one word).
  auto p = io::utf8_problem("code,name\nA,\xC5\xA9\xD2\xB5\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->line, 2);
  EXPECT_EQ(p->column, 3);
  EXPECT_NE(p->message.find("reads like GB18030/GBK"), std::string::npos) << p->message;
  EXPECT_NE(p->message.find("it reads '农业'"), std::string::npos) << p->message;
  // Real text in other scripts, symbols and accents is not mistaken for it.
  EXPECT_FALSE(io::utf8_problem("Café, Zhèjiāng, naïve, μg·m³, 5×3 °C, Ελλάδα, Москва, עברית\n"));
  EXPECT_FALSE(io::utf8_problem("农业,制造业 Ünïcödé\n"));
}

TEST(Utf8, RefusesMalformedSequences) {
  for (std::string bad : {std::string("\xC0\xAF"),          // overlong '/'
                          std::string("\xED\xA0\x80"),      // surrogate
                          std::string("\xF4\x90\x80\x80"),  // above U+10FFFF
                          std::string("\xE6\x96"),          // truncated
                          std::string("\x80"),              // lone continuation
                          std::string("a\0b", 3)}) {        // NUL
    auto p = io::utf8_problem("ok\n" + bad);
    ASSERT_TRUE(p) << bad;
    EXPECT_EQ(p->line, 2);
  }
}

TEST(Utf8, RecognisesUtf16) {
  auto p =
      io::utf8_problem(std::string("\xFF\xFE"
                                   "c\0o\0",
                                   6));
  ASSERT_TRUE(p);
  EXPECT_NE(p->message.find("UTF-16"), std::string::npos);
}

TEST(Utf8, RequireNamesTheFile) {
  const std::string m = test::input_error_of([] { io::require_utf8("x\n\xFF", "f.csv"); });
  EXPECT_NE(m.find("f.csv:2: column 1: not valid UTF-8 (byte 0xFF)"), std::string::npos) << m;
}

TEST(TomlNesting, AcceptsOrdinaryFiles) {
  EXPECT_FALSE(io::toml_nesting_problem(
      "[scenario]\nname = \"a.b.c\" # x.y.z\nv = 1.5\n[[target]]\nid = 't'\n"
      "x = { a = 1, b.c = [1, 2, {d = 3}] }\n'q.u.o.t.e' = 2\ns = '''\n[[[[\n'''\n"));
}

TEST(TomlNesting, CountsDottedKeysHeadersArraysAndInlineTables) {
  auto dotted = [](std::size_t n) {
    std::string key = "a";
    for (std::size_t i = 1; i < n; ++i) key += ".a";
    return key;
  };
  EXPECT_FALSE(io::toml_nesting_problem(dotted(64) + " = 1\n"));
  auto p = io::toml_nesting_problem("x = 1\n" + dotted(65) + " = 1\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->line, 2);
  EXPECT_NE(p->message.find("64"), std::string::npos);
  EXPECT_TRUE(io::toml_nesting_problem("[" + dotted(100000) + "]\n"));
  EXPECT_TRUE(io::toml_nesting_problem("[" + dotted(40) + "]\n" + dotted(30) + " = 1\n"));
  EXPECT_TRUE(io::toml_nesting_problem("v = " + std::string(100, '[') + std::string(100, ']')));
  std::string inline_tables = "v = ";
  for (int i = 0; i < 100; ++i) inline_tables += "{a = ";
  EXPECT_TRUE(io::toml_nesting_problem(inline_tables + "1" + std::string(100, '}')));
  // Floats, dates and strings in values are not keys.
  EXPECT_FALSE(io::toml_nesting_problem("v = [" + std::string(2000, '1') + ".5, 1.5e3]\n"));
}

TEST(TomlNesting, RequireNamesFileAndLine) {
  std::string key = "a";
  for (int i = 0; i < 200; ++i) key += ".a";
  const std::string m =
      test::input_error_of([&] { io::require_toml_nesting("\n\n" + key + "=1", "s.toml"); });
  EXPECT_NE(m.find("s.toml:3: nested more than 64 levels"), std::string::npos) << m;
}

TEST_F(TextFiles, FilesystemProblemsAreInputErrors) {
  const std::string folder = (dir / "Z.csv").string();
  fs::create_directory(folder);
  EXPECT_NE(test::input_error_of([&] { io::read_file_bytes(folder); }).find("is a folder"),
            std::string::npos);
  EXPECT_NE(
      test::input_error_of([] { io::read_file_bytes("/dev/null"); }).find("not a regular file"),
      std::string::npos);
  fs::create_symlink(dir / "loop_b", dir / "loop_a");
  fs::create_symlink(dir / "loop_a", dir / "loop_b");
  const std::string loop = (dir / "loop_a").string();
  EXPECT_NE(test::input_error_of([&] { io::read_file_bytes(loop); }).find("loop of symbolic links"),
            std::string::npos);
  EXPECT_NE(
      test::input_error_of([&] { io::path_kind(loop + "/x"); }).find("loop of symbolic links"),
      std::string::npos);
  EXPECT_EQ(io::path_kind((dir / "absent").string()), io::PathKind::missing);
  EXPECT_EQ(io::path_kind(folder), io::PathKind::folder);
  EXPECT_EQ(io::path_kind("/dev/null"), io::PathKind::other);
  EXPECT_NE(test::input_error_of([&] {
              io::read_file_bytes((dir / "absent").string());
            }).find("no such file"),
            std::string::npos);
  ::mkfifo((dir / "fifo").c_str(), 0600);  // must not block waiting for a writer
  EXPECT_NE(test::input_error_of([&] {
              io::read_file_bytes((dir / "fifo").string());
            }).find("not a regular file"),
            std::string::npos);
}

TEST_F(TextFiles, ReadTextFileValidatesUtf8) {
  std::ofstream(dir / "gbk.csv", std::ios::binary) << "code,name\nA," << kGbkNongye << "\n";
  const std::string m =
      test::input_error_of([&] { io::read_text_file((dir / "gbk.csv").string()); });
  EXPECT_NE(m.find("gbk.csv:2: column 3"), std::string::npos) << m;
  std::ofstream(dir / "ok.csv", std::ios::binary) << "code,name\nA,农业\n";
  EXPECT_EQ(io::read_text_file((dir / "ok.csv").string()), "code,name\nA,农业\n");
}
