#include "icsim/io/table_format.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "icsim/common/error.hpp"
#include "support/tables.hpp"

using namespace icsim;
namespace fs = std::filesystem;

namespace {

// A valid table folder written from three_sector(); each test breaks one thing in it.
class TableFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("icsim_table_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    io::save_table_folder(test::three_sector(), dir.string());
  }
  void TearDown() override { fs::remove_all(dir); }

  void write(const std::string& file, const std::string& text) {
    std::ofstream(dir / file, std::ios::binary) << text;
  }
  std::string read(const std::string& file) {
    std::ifstream in(dir / file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  void replace(const std::string& file, const std::string& from, const std::string& to) {
    std::string text = read(file);
    auto pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << from << " not in " << file;
    text.replace(pos, from.size(), to);
    write(file, text);
  }
  // Loading must fail with every fragment in the message.
  template <class Error = InputError>
  void expect_error(std::initializer_list<std::string> fragments) {
    try {
      io::load_table(dir.string());
      FAIL() << "expected an error";
    } catch (const Error& e) {
      for (const auto& f : fragments)
        EXPECT_NE(std::string(e.what()).find(f), std::string::npos)
            << "message lacks '" << f << "':\n"
            << e.what();
    }
  }
  fs::path dir;
};

}  // namespace

TEST_F(TableFolder, RoundTripsThroughSaveAndLoad) {
  auto original = test::three_sector();
  auto t = io::load_table(dir.string());
  EXPECT_EQ(t.codes, original.codes);
  EXPECT_EQ(t.names_zh, original.names_zh);
  EXPECT_TRUE(t.Z.isApprox(original.Z, 0));
  EXPECT_TRUE(t.final_demand.values.isApprox(original.final_demand.values, 0));
  EXPECT_EQ(t.satellites.units, original.satellites.units);
  EXPECT_TRUE(t.total_output().isApprox(original.total_output(), 1e-15));
}

TEST_F(TableFolder, ColumnsAndRowsMayComeInAnyOrder) {
  std::string z = read("Z.csv");
  // Swap the order of the rows for sectors M and S.
  auto m = z.find("\nM,"), s = z.find("\nS,");
  std::string row_m = z.substr(m, s - m), row_s = z.substr(s, z.size() - s - 1);
  write("Z.csv", z.substr(0, m) + row_s + row_m + "\n");
  auto t = io::load_table(dir.string());
  EXPECT_TRUE(t.Z.isApprox(test::three_sector().Z, 0));
}

TEST_F(TableFolder, MissingFileIsNamed) {
  fs::remove(dir / "Z.csv");
  expect_error({"Z.csv", "cannot open the file"});
}

TEST_F(TableFolder, NonSquareZ) {
  write("Z.csv", "code,A,M,S\nA,1,2,3\nM,1,2,3\n");
  expect_error({"Z.csv", "not square", "2 rows and 3 columns", "expected 3 x 3"});
}

TEST_F(TableFolder, HeaderCodesDifferingFromSectorsCsv) {
  replace("Z.csv", "code,A,M,S", "code,A,MFG,S");
  expect_error({"Z.csv:1", "not in sectors.csv: MFG"});
}

TEST_F(TableFolder, DuplicateSectorCodes) {
  replace("sectors.csv", "S,services", "M,services");
  expect_error({"sectors.csv:4", "duplicate sector code 'M'", "first on line 3"});
}

TEST_F(TableFolder, NonNumericCell) {
  replace("Z.csv", "M,20,", "M,abc,");
  expect_error({"Z.csv:3", "column 'A'", "expected a number, found 'abc'"});
}

TEST_F(TableFolder, EmptyCell) {
  replace("Z.csv", "M,20,", "M,,");
  expect_error({"Z.csv:3", "column 'A'", "empty cell"});
}

TEST_F(TableFolder, NaNAndInfAreRejected) {
  replace("final_demand.csv", "A,35,", "A,nan,");
  expect_error({"final_demand.csv:2", "column 'household'", "NaN and Inf are not allowed"});
  replace("final_demand.csv", "A,nan,", "A,inf,");
  expect_error({"final_demand.csv:2", "NaN and Inf"});
}

TEST_F(TableFolder, NegativeIntermediateFlow) {
  replace("Z.csv", "M,20,", "M,-20,");
  expect_error({"Z.csv:3", "column 'A'", "negative intermediate flow -20"});
}

TEST_F(TableFolder, NegativeImports) {
  replace("imports.csv", "imports,5,", "imports,-5,");
  expect_error({"imports.csv:2", "negative value -5"});
}

TEST_F(TableFolder, UnbalancedTableNamesTheSectorAndTheGap) {
  replace("Z.csv", "M,20,", "M,25,");  // row M up by 5, column A up by 5: A and M now off
  expect_error({"not balanced in 2 sector(s)", "'A' (农业)", "'M' (制造业)", "off by"});
}

TEST_F(TableFolder, ColumnOfASummingToOneViolatesHawkinsSimon) {
  // Sector A buys 70 more from S (S sells that much less to final demand), so A's local inputs
  // (105) plus imports (5) exceed its output (100): value added must be -10 to balance.
  auto t = test::three_sector();
  t.Z(2, 0) += 70;
  t.final_demand.values(2, 0) -= 70;
  t.value_added.values(0, 0) = 0;
  t.value_added.values(1, 0) = t.total_output()(0) - t.Z.col(0).sum() - t.imports.values(0, 0);
  ASSERT_NEAR(t.value_added.values(1, 0), -10.0, 1e-12);
  io::save_table_folder(t, dir.string());
  expect_error<ModelError>({"Hawkins-Simon", "'A' (农业) sums to 1.05"});
}

TEST_F(TableFolder, SatelliteColumnsMustMatchTheSectors) {
  write("satellites.csv", "indicator,unit,A,M\nemployment,persons,1,2\n");
  expect_error({"satellites.csv:1", "2 sector columns, expected 3", "missing: S"});
}

TEST_F(TableFolder, RaggedRowsAreReported) {
  replace("Z.csv", "M,20,", "M,20,1,");
  expect_error({"Z.csv:3", "expected 4 fields as in the header, found 5"});
}

TEST_F(TableFolder, BridgeColumnsMustNotExceedOne) {
  write("gfcf_bridge.csv", "code,A,M,S\nA,0.5,0,0\nM,0.6,0,0\nS,0,0,0\n");
  expect_error({"gfcf_bridge column 'A'", "sums to 1.1", "expected <= 1"});
}

TEST_F(TableFolder, TableTomlErrorsNameTheKeyAndLine) {
  write(
      "table.toml",
      "name = \"x\"\nregion = \"r\"\nyear = 2017\nmoney_unit = \"m\"\nsource = \"s\"\nyaer = 1\n");
  expect_error({"table.toml:6", "unknown key 'yaer'"});
  write("table.toml",
        "name = \"x\"\nregion = \"r\"\nyear = \"2017\"\nmoney_unit = \"m\"\nsource = \"s\"\n");
  expect_error({"table.toml:3", "'year': expected an integer"});
  write("table.toml", "name = \"x\"\nregion = \"r\"\nmoney_unit = \"m\"\nsource = \"s\"\n");
  expect_error({"table.toml", "missing key 'year'"});
  write("table.toml", "name = \"x\nregion");
  expect_error({"table.toml:1", "not valid TOML"});
}

TEST_F(TableFolder, Utf8BomAndChineseNamesSimplyWork) {
  write("sectors.csv",
        "\xEF\xBB\xBF"
        "code,name,name_zh\nA,agriculture,农林牧渔产品和服务\n"
        "M,manufacturing,\"通信设备、计算机和其他电子设备\"\nS,services,服务业\n");
  write("Z.csv", "\xEF\xBB\xBF" + read("Z.csv"));
  auto t = io::load_table(dir.string());
  EXPECT_EQ(t.names_zh[0], "农林牧渔产品和服务");
  EXPECT_EQ(t.names_zh[1], "通信设备、计算机和其他电子设备");
  EXPECT_EQ(t.codes[0], "A");
}

TEST_F(TableFolder, ZeroOutputSectorLoadsWithZeroCoefficients) {
  // Sector M does not exist in the region (like oil and gas extraction in Zhejiang 2017).
  auto t = test::three_sector();
  t.final_demand.values(0, 0) += t.Z(0, 1);  // A's former sales to M go to final demand
  t.final_demand.values(2, 0) += t.Z(2, 1);
  t.Z.row(1).setZero();
  t.Z.col(1).setZero();
  t.final_demand.values.row(1).setZero();
  t.imports.values.col(1).setZero();
  t.value_added.values.col(1).setZero();
  t.satellites.values.col(1).setZero();
  const Eigen::VectorXd x = t.total_output();
  for (int j : {0, 2})  // rebalance value added of A and S
    t.value_added.values(0, j) =
        x(j) - t.Z.col(j).sum() - t.imports.values(0, j) - t.value_added.values(1, j);
  io::save_table_folder(t, dir.string());
  auto r = io::load_table(dir.string());
  EXPECT_EQ(r.total_output()(1), 0.0);
  EXPECT_TRUE(r.technical_coefficients().col(1).isZero());
  EXPECT_TRUE(r.technical_coefficients().allFinite());
}

TEST(PymrioFormat, TestMrioLoadsAsMultiRegionTable) {
  const std::string dir = std::string(ICSIM_SOURCE_DIR) + "/scenarios/data/tables/pymrio_test_mrio";
  if (!fs::exists(dir)) GTEST_SKIP() << "test MRIO not shipped yet";
  auto t = io::load_table(dir);
  EXPECT_EQ(t.size(), 48u);
  EXPECT_EQ(t.regions().size(), 6u);
  EXPECT_EQ(t.codes[0], "reg1/food");
  EXPECT_EQ(t.sector_region[47], "reg6");
  EXPECT_EQ(t.final_demand.size(), 42u);  // 6 regions x 7 categories
  EXPECT_EQ(t.meta.money_unit, "Mill USD");
  EXPECT_GE(t.satellites.size(), 2u);
}

// ---- hostile inputs: each refused with the file, the line or the cell ---------------------------

TEST_F(TableFolder, HexadecimalAndOverflowingNumbersAreRefused) {
  replace("Z.csv", "M,20,", "M,0x14,");
  expect_error({"Z.csv:3", "column 'A'", "found '0x14'", "hexadecimal"});
  replace("Z.csv", "M,0x14,", "M,1e400,");
  expect_error({"Z.csv:3", "column 'A'", "'1e400' is too large"});
  replace("Z.csv", "M,1e400,", "M,infinity,");
  expect_error({"Z.csv:3", "NaN and Inf are not allowed"});
}

TEST_F(TableFolder, DecimalCommasAndSemicolonsAreExplained) {
  replace("Z.csv", "M,20,", "M,\"20,5\",");
  expect_error({"Z.csv:3", "found '20,5'", "decimal commas"});
  write("sectors.csv", "code;name\nA;agriculture\nM;manufacturing\nS;services\n");
  expect_error({"sectors.csv:1", "separated by ';'", "'.' as the decimal point"});
}

TEST_F(TableFolder, TotalsThatOverflowNameTheCell) {
  auto t = test::three_sector();
  t.Z(1, 0) = 1.5e308;
  t.Z(1, 2) = 1.5e308;  // every cell finite, row M's total is not
  io::save_table_folder(t, dir.string());
  expect_error({"row total of sector 'M'", "overflows", "1.5e+308", "to sector 'A'"});
}

TEST_F(TableFolder, ZeroOutputSectorWithPurchasesIsRefused) {
  auto t = test::three_sector();
  t.final_demand.values(0, 0) += t.Z(0, 1);
  t.final_demand.values(2, 0) += t.Z(2, 1);
  t.Z.row(1).setZero();
  t.final_demand.values.row(1).setZero();
  // M keeps buying 40 from A; a negative value added balances its column at zero output.
  t.Z.col(1).setZero();
  t.Z(0, 1) = 40;
  t.imports.values.col(1).setZero();
  t.value_added.values.col(1).setZero();
  t.value_added.values(0, 1) = -40;
  const Eigen::VectorXd x = t.total_output();
  for (int j : {0, 2})
    t.value_added.values(0, j) =
        x(j) - t.Z.col(j).sum() - t.imports.values(0, j) - t.value_added.values(1, j);
  io::save_table_folder(t, dir.string());
  expect_error({"sector 'M' (制造业) has zero total output", "Z.csv row 'A' (农业) = 40"});
}

TEST_F(TableFolder, LabelsCollidingWithReservedOrEachOtherAreRefused) {
  replace("satellites.csv", "employment,", "output,");
  expect_error({"label 'output'", "satellites.csv"});
  replace("satellites.csv", "output,", "investment,");
  expect_error({"label 'investment'", "investment_multiplier"});
  replace("satellites.csv", "investment,", "compensation_investment,");
  expect_error({"label 'compensation_investment'", "collides with label 'compensation'",
                "compensation_investment_multiplier"});
  replace("satellites.csv", "compensation_investment,", "\"a/b\",");
  expect_error({"label 'a/b'", "'/'"});
}

TEST_F(TableFolder, YearMustBeAPlausibleYear) {
  replace("table.toml", "year = 2020", "year = 1000000000000");
  expect_error(
      {"table.toml:3", "key 'year': expected a year from 1900 to 2200", "got 1000000000000"});
}

TEST_F(TableFolder, GbkNamesAreRefusedWithLineAndAdvice) {
  write(
      "sectors.csv",
      "code,name,name_zh\nA,agriculture,\xD6\xC6\xD4\xEC\xD2\xB5\nM,manufacturing,\nS,services,\n");
  expect_error({"sectors.csv:2: column 15", "GB18030/GBK", "制造业", "re-save the file as UTF-8"});
}

TEST_F(TableFolder, FoldersWhereFilesShouldBeAreNamed) {
  fs::remove(dir / "Z.csv");
  fs::create_directory(dir / "Z.csv");
  expect_error({"Z.csv", "is a folder"});
  fs::remove(dir / "table.toml");
  fs::create_directory(dir / "table.toml");
  expect_error({"table.toml", "is a folder"});
}

TEST_F(TableFolder, SymbolicLinkLoopsAreInputErrors) {
  fs::create_symlink(dir / "imports2.csv", dir / "imports1.csv");
  fs::create_symlink(dir / "imports1.csv", dir / "imports2.csv");
  fs::remove(dir / "imports.csv");
  fs::create_symlink(dir / "imports1.csv", dir / "imports.csv");
  expect_error({"imports.csv", "loop of symbolic links"});
}

TEST_F(TableFolder, DeeplyNestedTableTomlIsRefusedBeforeParsing) {
  std::string key = "a";
  for (int i = 0; i < 100000; ++i) key += ".a";
  write("table.toml", read("table.toml") + "[" + key + "]\n");
  expect_error({"table.toml:11", "nested more than 64 levels"});
}

TEST_F(TableFolder, SavingOverAFileOrAForeignFolderIsRefused) {
  const fs::path file = dir / "Z.csv";
  EXPECT_THROW(io::save_table_folder(test::three_sector(), file.string()), InputError);
  const fs::path other = dir.string() + "_other";
  fs::create_directories(other);
  std::ofstream(other / "notes.txt") << "mine";
  EXPECT_THROW(io::save_table_folder(test::three_sector(), other.string()), InputError);
  EXPECT_TRUE(fs::exists(other / "notes.txt"));
  fs::remove_all(other);
}

TEST_F(TableFolder, ReplacingATableFolderRemovesFilesTheNewTableLacks) {
  auto t = test::three_sector();
  t.imports.labels.clear();
  t.imports.values.resize(0, 3);
  t.value_added.values.row(0) += Eigen::RowVector3d(5, 80, 20);  // imports become value added
  io::save_table_folder(t, dir.string());
  EXPECT_FALSE(fs::exists(dir / "imports.csv"));
  EXPECT_EQ(io::load_table(dir.string()).imports.size(), 0u);
}
