#include "tudushka/json/json.hpp"

#include <cppunit/extensions/HelperMacros.h>

using namespace tudushka::json;

class JsonTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(JsonTest);
  CPPUNIT_TEST(parsesObjects);
  CPPUNIT_TEST(rejectsNonObjects);
  CPPUNIT_TEST(rejectsInvalidUtf8);
  CPPUNIT_TEST(rejectsTrailingData);
  CPPUNIT_TEST(rejectsNulBytes);
  CPPUNIT_TEST(stringLengthCountsCharacters);
  CPPUNIT_TEST(typeErrorsAreRecordedPerField);
  CPPUNIT_TEST(nullableAndAbsentAreDistinct);
  CPPUNIT_TEST(arraysAreChecked);
  CPPUNIT_TEST(requireFlagsMissing);
  CPPUNIT_TEST(deepNestingDoesNotRecurse);
  CPPUNIT_TEST(utf8Validation);
  CPPUNIT_TEST_SUITE_END();

 public:
  void parsesObjects() {
    auto d = ParseObject(R"({"a": 1, "b": "x"})");
    CPPUNIT_ASSERT(d.IsObject());
    CPPUNIT_ASSERT_EQUAL(1, d["a"].GetInt());
  }
  void rejectsNonObjects() {
    CPPUNIT_ASSERT_THROW(ParseObject("[1,2]"), BadJson);
    CPPUNIT_ASSERT_THROW(ParseObject("\"s\""), BadJson);
    CPPUNIT_ASSERT_THROW(ParseObject(""), BadJson);
    CPPUNIT_ASSERT_THROW(ParseObject("{"), BadJson);
  }
  void rejectsInvalidUtf8() {
    try {
      ParseObject("{\"a\": \"\xff\xfe\"}");
      CPPUNIT_FAIL("expected BadJson");
    } catch (const BadJson& e) {
      CPPUNIT_ASSERT(std::string(e.what()).find("UTF-8") != std::string::npos);
    }
  }
  void rejectsTrailingData() { CPPUNIT_ASSERT_THROW(ParseObject("{} {}"), BadJson); }
  // RapidJSON reads a NUL as the end of the text, which would hide what follows it.
  void rejectsNulBytes() {
    using namespace std::string_literals;
    CPPUNIT_ASSERT_THROW(ParseObject("{}\0garbage \xff"s), BadJson);
    CPPUNIT_ASSERT_THROW(ParseObject("{}\0"s), BadJson);
    CPPUNIT_ASSERT_THROW(ParseObject("{\"a\": \"x\0y\"}"s), BadJson);
  }
  void stringLengthCountsCharacters() {
    CPPUNIT_ASSERT_EQUAL(std::size_t(6), CountChars("привет"));
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), CountChars("🥛"));
    std::string cyrillic;
    for (int i = 0; i < 500; ++i) cyrillic += "я";
    auto d = ParseObject("{\"t\": \"" + cyrillic + "\"}");
    FieldErrors errors;
    ObjectReader r(d, errors);
    auto t = r.String("t", 1, 500);
    CPPUNIT_ASSERT(t.HasValue());
    CPPUNIT_ASSERT(errors.empty());
    auto too_long = ObjectReader(d, errors).String("t", 1, 499);
    CPPUNIT_ASSERT(!too_long.present);
    CPPUNIT_ASSERT_EQUAL(std::string("must be at most 499 characters"), errors["t"]);
  }
  void typeErrorsAreRecordedPerField() {
    auto d = ParseObject(R"({"title": 5, "done": "yes", "n": 1.5, "p": 9})");
    FieldErrors errors;
    ObjectReader r(d, errors);
    r.String("title", 1, 10);
    r.Bool("done");
    r.Int("n", 0, 10);
    r.Int("p", 0, 3);
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), errors.size());
    CPPUNIT_ASSERT_EQUAL(std::string("must be a string"), errors["title"]);
    CPPUNIT_ASSERT_EQUAL(std::string("must be true or false"), errors["done"]);
    CPPUNIT_ASSERT_EQUAL(std::string("must be an integer"), errors["n"]);
    CPPUNIT_ASSERT_EQUAL(std::string("must be between 0 and 3"), errors["p"]);
  }
  void nullableAndAbsentAreDistinct() {
    auto d = ParseObject(R"({"a": null})");
    FieldErrors errors;
    ObjectReader r(d, errors);
    auto a = r.String("a", 1, 10, true);
    auto b = r.String("b", 1, 10, true);
    CPPUNIT_ASSERT(a.present && a.null);
    CPPUNIT_ASSERT(!b.present);
    r.String("a", 1, 10, false);
    CPPUNIT_ASSERT_EQUAL(std::string("must not be null"), errors["a"]);
  }
  void arraysAreChecked() {
    auto d = ParseObject(R"({"tags": ["a", "b"], "bad": ["a", 1], "many": [1,2,3]})");
    FieldErrors errors;
    ObjectReader r(d, errors);
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), r.StringArray("tags", 20, 50).value.size());
    r.StringArray("bad", 20, 50);
    r.StringArray("many", 2, 50);
    CPPUNIT_ASSERT_EQUAL(std::string("must be an array of strings"), errors["bad"]);
    CPPUNIT_ASSERT_EQUAL(std::string("must have at most 2 items"), errors["many"]);
  }
  void deepNestingDoesNotRecurse() {
    // 200 000 levels overflowed a worker's stack with the recursive parser.
    std::string deep = R"({"a":)" + std::string(200000, '[') + std::string(200000, ']') + "}";
    CPPUNIT_ASSERT(ParseObject(deep).IsObject());
    CPPUNIT_ASSERT_THROW(ParseObject(R"({"a":)" + std::string(200000, '[') + "}"), BadJson);
  }
  void utf8Validation() {
    CPPUNIT_ASSERT(ValidUtf8("plain ascii"));
    CPPUNIT_ASSERT(ValidUtf8("молоко 🥛"));
    CPPUNIT_ASSERT(!ValidUtf8("\xc3\x28"));          // bad continuation
    CPPUNIT_ASSERT(!ValidUtf8("\xff"));              // never valid
    CPPUNIT_ASSERT(!ValidUtf8("x\xe2\x82"));         // truncated
    CPPUNIT_ASSERT(!ValidUtf8("\xc0\xaf"));          // overlong '/'
    CPPUNIT_ASSERT(!ValidUtf8("\xed\xa0\x80"));      // surrogate
    CPPUNIT_ASSERT(!ValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  }
  void requireFlagsMissing() {
    auto d = ParseObject("{}");
    FieldErrors errors;
    ObjectReader r(d, errors);
    auto t = r.String("title", 1, 10);
    r.Require("title", t);
    CPPUNIT_ASSERT_EQUAL(std::string("required"), errors["title"]);
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(JsonTest);
