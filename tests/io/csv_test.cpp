#include "icsim/io/csv.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "icsim/common/error.hpp"
#include "support/checks.hpp"

using namespace icsim;

TEST(Csv, FieldsAreViewsWithLinesQuotesAndBom) {
  const io::CsvText csv = io::parse_csv_text(
      "\xEF\xBB\xBF"
      "code, name ,value\r\n"
      "a,\"Agriculture, forestry\",1.5\r\n"
      "\n"
      "b,\"say \"\"hi\"\"\nsecond line\",  -2e3 \n"
      ",,\n"
      "c,plain,+7\n",
      "t.csv");
  ASSERT_EQ(csv.header, (std::vector<std::string>{"code", "name", "value"}));
  ASSERT_EQ(csv.rows(), 3u);
  EXPECT_EQ(csv.line(0), 2);
  EXPECT_EQ(csv.field(0, 1), "Agriculture, forestry");
  EXPECT_EQ(csv.line(1), 4);
  EXPECT_EQ(csv.field(1, 1), "say \"hi\"\nsecond line");
  EXPECT_EQ(csv.line(2), 7);
  EXPECT_DOUBLE_EQ(csv.number(0, 2), 1.5);
  EXPECT_DOUBLE_EQ(csv.number(1, 2), -2000.0);
  EXPECT_DOUBLE_EQ(csv.number(2, 2), 7.0);
  EXPECT_EQ(csv.column("value"), 2);
}

TEST(Csv, NumbersAreStrictAndLocated) {
  const io::CsvText csv =
      io::parse_csv_text("code,v\na,0x1p3\nb,inf\nc,1e400\nd,\"1,5\"\n", "t.csv");
  EXPECT_NE(test::input_error_of([&] { csv.number(0, 1); }).find("t.csv:2: column 'v'"),
            std::string::npos);
  EXPECT_NE(test::input_error_of([&] { csv.number(0, 1); }).find("hexadecimal"), std::string::npos);
  EXPECT_NE(test::input_error_of([&] { csv.number(1, 1); }).find("NaN and Inf"), std::string::npos);
  EXPECT_NE(test::input_error_of([&] { csv.number(2, 1); }).find("too large"), std::string::npos);
  EXPECT_NE(test::input_error_of([&] { csv.number(3, 1); }).find("decimal commas"),
            std::string::npos);
}

TEST(Csv, ShortestRoundTripDecimalsParseExactly) {
  const io::CsvText csv =
      io::parse_csv_text("v\n0.0000466136032771287\n0.1\n4.66e-05\n1.7976931348623157e308\n", "t");
  EXPECT_EQ(csv.number(0, 0), 0.0000466136032771287);
  EXPECT_EQ(csv.number(1, 0), 0.1);
  EXPECT_EQ(csv.number(2, 0), 4.66e-05);
  EXPECT_EQ(csv.number(3, 0), 1.7976931348623157e308);
}

TEST(Csv, StructuralProblemsNameTheLine) {
  EXPECT_NE(test::input_error_of([] {
              io::parse_csv_text("a,b\n1,2\n3,\"x\n", "t.csv");
            }).find("t.csv:3: not valid CSV (unterminated quote?)"),
            std::string::npos);
  const std::string ragged =
      test::input_error_of([] { io::parse_csv_text("a,b\n1,2\n3,4,5\n", "t.csv"); });
  EXPECT_NE(ragged.find("t.csv:3: expected 2 fields as in the header, found 3"), std::string::npos);
  EXPECT_NE(ragged.find("decimal comma"), std::string::npos);
  EXPECT_NE(test::input_error_of([] {
              io::parse_csv_text("a;b\n1,5;2\n", "t.csv");
            }).find("t.csv:1: the fields are separated by ';'"),
            std::string::npos);
  EXPECT_NE(test::input_error_of([] {
              io::parse_csv_text("a\tb\n1\t2\n", "t.csv");
            }).find("separated by tabs"),
            std::string::npos);
  EXPECT_NE(
      test::input_error_of([] { io::parse_csv_text("\n\n", "t.csv"); }).find("the file is empty"),
      std::string::npos);
  // Tab-separated files are read when the tab is the delimiter.
  const io::CsvText tsv = io::parse_csv_text("a\tb\n 1 \t2\n", "t.tsv", '\t');
  EXPECT_EQ(tsv.field(0, 0), "1");
}

TEST(Csv, CsvFileCopiesTheFields) {
  const io::CsvFile f = io::parse_csv("code,name\n01,\"A, B\"\n", "t.csv");
  ASSERT_EQ(f.rows.size(), 1u);
  EXPECT_EQ(f.rows[0].line, 2);
  EXPECT_EQ(f.rows[0].fields[1], "A, B");
}
