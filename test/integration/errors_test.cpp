// Every row of API.md's error table the core can produce, through nginx: status, the one
// JSON error shape with a request_id, and the extra headers (WWW-Authenticate, Allow).
#include <cppunit/extensions/HelperMacros.h>

#include <string>
#include <vector>

#include "expect.hpp"
#include "http_client.hpp"

namespace tudushka::itest {
namespace {

constexpr std::size_t kBodyLimit = 1048576;

class ErrorsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ErrorsTest);
  CPPUNIT_TEST(testBadJsonSyntax);
  CPPUNIT_TEST(testBadJsonTrailingGarbage);
  CPPUNIT_TEST(testBadJsonNulByte);
  CPPUNIT_TEST(testBadJsonEmptyBody);
  CPPUNIT_TEST(testBadJsonInvalidUtf8InValue);
  CPPUNIT_TEST(testBadJsonInvalidUtf8InKey);
  CPPUNIT_TEST(testBadJsonArrayTopLevel);
  CPPUNIT_TEST(testBadJsonScalarTopLevel);
  CPPUNIT_TEST(testBadJsonOnRegister);
  CPPUNIT_TEST(testBadJsonOnPatch);
  CPPUNIT_TEST(testUnauthorizedWithoutToken);
  CPPUNIT_TEST(testUnauthorizedUnknownToken);
  CPPUNIT_TEST(testUnauthorizedTamperedToken);
  CPPUNIT_TEST(testUnauthorizedWrongScheme);
  CPPUNIT_TEST(testUnauthorizedEmptyBearer);
  CPPUNIT_TEST(testUnauthorizedAfterLogout);
  CPPUNIT_TEST(testUnauthorizedOnEveryProtectedRoute);
  CPPUNIT_TEST(testUnauthorizedLoginWrongPassword);
  CPPUNIT_TEST(testNotFoundUnknownRoute);
  CPPUNIT_TEST(testNotFoundMissingTask);
  CPPUNIT_TEST(testNotFoundNonNumericTaskId);
  CPPUNIT_TEST(testNotFoundOverflowingTaskId);
  CPPUNIT_TEST(testNotFoundOtherUsersTaskGet);
  CPPUNIT_TEST(testNotFoundOtherUsersTaskPatch);
  CPPUNIT_TEST(testNotFoundOtherUsersTaskDelete);
  CPPUNIT_TEST(testMethodNotAllowedOnCollection);
  CPPUNIT_TEST(testMethodNotAllowedOnItem);
  CPPUNIT_TEST(testMethodNotAllowedOnRegister);
  CPPUNIT_TEST(testConflictUsernameTaken);
  CPPUNIT_TEST(testPreconditionFailedIfMatch);
  CPPUNIT_TEST(testTooLargeBody);
  CPPUNIT_TEST(testBodyAtLimitIsNotTooLarge);
  CPPUNIT_TEST(testUnsupportedMediaTypeTextPlain);
  CPPUNIT_TEST(testUnsupportedMediaTypeMissing);
  CPPUNIT_TEST(testUnsupportedMediaTypeForm);
  CPPUNIT_TEST(testJsonWithCharsetAccepted);
  CPPUNIT_TEST(testTitleMissing);
  CPPUNIT_TEST(testTitleEmpty);
  CPPUNIT_TEST(testTitleWrongType);
  CPPUNIT_TEST(testTitle500CharsAccepted);
  CPPUNIT_TEST(testTitle501CharsRejected);
  CPPUNIT_TEST(testTitle500CyrillicCharsAccepted);
  CPPUNIT_TEST(testTitle501CyrillicCharsRejected);
  CPPUNIT_TEST(testTitle500EmojiAccepted);
  CPPUNIT_TEST(testDescription10000Accepted);
  CPPUNIT_TEST(testDescription10001Rejected);
  CPPUNIT_TEST(testTwentyTagsAccepted);
  CPPUNIT_TEST(testTwentyOneTagsRejected);
  CPPUNIT_TEST(testTag50CharsAccepted);
  CPPUNIT_TEST(testTag51CharsRejected);
  CPPUNIT_TEST(testPriorityOutOfRange);
  CPPUNIT_TEST(testPriorityInRangeAccepted);
  CPPUNIT_TEST(testBadDueDate);
  CPPUNIT_TEST(testBadDueAt);
  CPPUNIT_TEST(testDueDateAndDueAtExclusive);
  CPPUNIT_TEST(testBadRecurrence);
  CPPUNIT_TEST(testSeveralBadFieldsAllNamed);
  CPPUNIT_TEST(testPatchValidationLeavesTaskUnchanged);
  CPPUNIT_TEST(testRegisterBadUsername);
  CPPUNIT_TEST(testRegisterShortPassword);
  CPPUNIT_TEST(testRegisterBadTimezone);
  CPPUNIT_TEST(testRegisterBadLanguage);
  CPPUNIT_TEST(testPatchMeBadTimezone);
  CPPUNIT_TEST(testPatchMeBadLanguage);
  CPPUNIT_TEST(testPatchMeAnthropicRejected);
  CPPUNIT_TEST(testRequestIdsDiffer);
  CPPUNIT_TEST(testDeeplyNestedJsonIsAClientError);
  CPPUNIT_TEST(testHugeNumbersAreClientErrors);
  CPPUNIT_TEST(testNulInTitleIsAClientError);
  CPPUNIT_TEST(testTagsWrongShape);
  CPPUNIT_TEST(testCompletedWrongType);
  CPPUNIT_TEST(testBadQueryEncodingIsAClientError);
  CPPUNIT_TEST(testHugeHeaderGetsJsonError);
  CPPUNIT_TEST(testLeapDays);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { token_ = RegisterUser(); }

  Response Post(const std::string& body, Headers extra = {}) {
    return Call("POST", "/api/tasks/", body, AuthHeader(token_, std::move(extra)));
  }

  void testBadJsonSyntax() { IT_ASSERT_ERROR(Post(R"({"title": )"), 400, "bad_json"); }

  void testBadJsonTrailingGarbage() {
    IT_ASSERT_ERROR(Post(R"({"title":"a"} x)"), 400, "bad_json");
  }

  // RapidJSON stops at a NUL as if the text ended there: what follows must not be ignored.
  void testBadJsonNulByte() {
    IT_ASSERT_ERROR(Post(std::string("{\"title\":\"a\"}\0{\"title\":\"b\"}", 27)), 400, "bad_json");
  }

  void testBadJsonEmptyBody() { IT_ASSERT_ERROR(Post(""), 400, "bad_json"); }

  void testBadJsonInvalidUtf8InValue() {
    const std::vector<std::string> bad = {
        "\xff",              // never valid
        "\xc3\x28",          // bad continuation
        "\xc0\xaf",          // overlong '/'
        "\xed\xa0\x80",      // UTF-16 surrogate
        "\xe2\x82",          // truncated sequence
        "\xf4\x90\x80\x80",  // above U+10FFFF
    };
    for (const auto& bytes : bad) {
      Response r = Post("{\"title\":\"x" + bytes + "y\"}");
      IT_ASSERT_ERROR(r, 400, "bad_json");
    }
  }

  void testBadJsonInvalidUtf8InKey() {
    IT_ASSERT_ERROR(Post("{\"ti\xfftle\":\"x\"}"), 400, "bad_json");
  }

  void testBadJsonArrayTopLevel() { IT_ASSERT_ERROR(Post(R"([{"title":"a"}])"), 400, "bad_json"); }

  void testBadJsonScalarTopLevel() {
    for (const char* body : {R"("title")", "42", "null", "true"}) {
      IT_ASSERT_ERROR(Post(body), 400, "bad_json");
    }
  }

  void testBadJsonOnRegister() {
    IT_ASSERT_ERROR(Call("POST", "/api/auth/register", R"({"username":)"), 400, "bad_json");
  }

  void testBadJsonOnPatch() {
    std::int64_t id = CreateTitled(token_, "patch me");
    Response r = Call("PATCH", TaskPath(id), "[]", AuthHeader(token_));
    IT_ASSERT_ERROR(r, 400, "bad_json");
  }

  static void AssertUnauthorized(const Response& r) {
    IT_ASSERT_ERROR(r, 401, "unauthorized");
    IT_ASSERT_MSG(r, r.Header("WWW-Authenticate").rfind("Bearer", 0) == 0);
  }

  void testUnauthorizedWithoutToken() { AssertUnauthorized(Call("GET", "/api/tasks/")); }

  void testUnauthorizedUnknownToken() {
    AssertUnauthorized(Call("GET", "/api/tasks/", "", AuthHeader(RandomHex(43))));
  }

  void testUnauthorizedTamperedToken() {
    // Same length and alphabet as a real token, one character changed: looks genuine.
    std::string token = token_;
    char& last = token.back();
    last = last == 'A' ? 'B' : 'A';
    AssertUnauthorized(Call("GET", "/api/tasks/", "", AuthHeader(token)));
  }

  void testUnauthorizedWrongScheme() {
    AssertUnauthorized(
        Call("GET", "/api/tasks/", "", {"Authorization: Basic dXNlcjpwYXNzd29yZA=="}));
    AssertUnauthorized(Call("GET", "/api/tasks/", "", {"Authorization: " + token_}));
  }

  void testUnauthorizedEmptyBearer() {
    AssertUnauthorized(Call("GET", "/api/tasks/", "", {"Authorization: Bearer "}));
  }

  void testUnauthorizedAfterLogout() {
    std::string token = RegisterUser();
    IT_ASSERT_STATUS(Call("GET", "/api/users/me", "", AuthHeader(token)), 200);
    IT_ASSERT_STATUS(Call("POST", "/api/auth/logout", "", AuthHeader(token)), 204);
    AssertUnauthorized(Call("GET", "/api/users/me", "", AuthHeader(token)));
    AssertUnauthorized(Call("GET", "/api/tasks/", "", AuthHeader(token)));
  }

  void testUnauthorizedOnEveryProtectedRoute() {
    std::int64_t id = CreateTitled(token_, "mine");
    std::string item = TaskPath(id);
    struct Route {
      const char* method;
      std::string path;
      std::string body;
    };
    const std::vector<Route> routes = {
        {"GET", "/api/users/me", ""},
        {"PATCH", "/api/users/me", R"({"language":"ru"})"},
        {"POST", "/api/users/me/password", R"({"old_password":"a","new_password":"b"})"},
        {"POST", "/api/users/me/telegram-link", ""},
        {"POST", "/api/auth/logout", ""},
        {"GET", "/api/tasks/", ""},
        {"POST", "/api/tasks/", R"({"title":"x"})"},
        {"GET", item, ""},
        {"PATCH", item, R"({"title":"stolen"})"},
        {"DELETE", item, ""},
    };
    for (const auto& route : routes) AssertUnauthorized(Call(route.method, route.path, route.body));
    // And nothing changed.
    Response r = Call("GET", item, "", AuthHeader(token_));
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("mine"), Str(r.json, "title"));
  }

  void testUnauthorizedLoginWrongPassword() {
    TestUser user = NewUser();
    Response r =
        Call("POST", "/api/auth/login",
             "{\"username\":" + Quote(user.username) + ",\"password\":\"wrong password\"}");
    IT_ASSERT_ERROR(r, 401, "unauthorized");
  }

  void testNotFoundUnknownRoute() {
    for (const char* path : {"/api/nope", "/api/nope/", "/api/tasks/1/extra", "/api/userz/me"}) {
      IT_ASSERT_ERROR(Call("GET", path, "", AuthHeader(token_)), 404, "not_found");
    }
  }

  void testNotFoundMissingTask() {
    IT_ASSERT_ERROR(Call("GET", "/api/tasks/999999999999", "", AuthHeader(token_)), 404,
                    "not_found");
  }

  void testNotFoundNonNumericTaskId() {
    for (const char* path : {"/api/tasks/abc", "/api/tasks/1x", "/api/tasks/-1"}) {
      IT_ASSERT_ERROR(Call("GET", path, "", AuthHeader(token_)), 404, "not_found");
    }
  }

  void testNotFoundOverflowingTaskId() {
    IT_ASSERT_ERROR(Call("GET", "/api/tasks/99999999999999999999999999", "", AuthHeader(token_)),
                    404, "not_found");
  }

  void testNotFoundOtherUsersTaskGet() {
    std::int64_t id = CreateTitled(token_, "private");
    std::string other = RegisterUser();
    IT_ASSERT_ERROR(Call("GET", TaskPath(id), "", AuthHeader(other)), 404, "not_found");
  }

  void testNotFoundOtherUsersTaskPatch() {
    std::int64_t id = CreateTitled(token_, "private");
    std::string path = TaskPath(id);
    std::string other = RegisterUser();
    IT_ASSERT_ERROR(
        Call("PATCH", path, R"({"title":"hijacked","completed":true})", AuthHeader(other)), 404,
        "not_found");
    Response r = Call("GET", path, "", AuthHeader(token_));
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("private"), Str(r.json, "title"));
    CPPUNIT_ASSERT(!Bool(r.json, "completed"));
  }

  void testNotFoundOtherUsersTaskDelete() {
    std::int64_t id = CreateTitled(token_, "private");
    std::string path = TaskPath(id);
    std::string other = RegisterUser();
    IT_ASSERT_ERROR(Call("DELETE", path, "", AuthHeader(other)), 404, "not_found");
    IT_ASSERT_STATUS(Call("GET", path, "", AuthHeader(token_)), 200);
  }

  static bool AllowHas(const Response& r, const std::string& method) {
    std::string allow = r.Header("Allow");
    std::size_t pos = 0;
    while (pos <= allow.size()) {
      std::size_t comma = allow.find(',', pos);
      if (comma == std::string::npos) comma = allow.size();
      std::string item = allow.substr(pos, comma - pos);
      while (!item.empty() && item.front() == ' ') item.erase(item.begin());
      while (!item.empty() && item.back() == ' ') item.pop_back();
      if (item == method) return true;
      pos = comma + 1;
    }
    return false;
  }

  void testMethodNotAllowedOnCollection() {
    for (const char* method : {"PUT", "DELETE"}) {
      Response r = Call(method, "/api/tasks/", R"({"title":"x"})", AuthHeader(token_));
      IT_ASSERT_ERROR(r, 405, "method_not_allowed");
      IT_ASSERT_MSG(r, AllowHas(r, "GET") && AllowHas(r, "POST"));
      IT_ASSERT_MSG(r, !AllowHas(r, "DELETE"));
    }
  }

  void testMethodNotAllowedOnItem() {
    std::int64_t id = CreateTitled(token_, "item");
    for (const char* method : {"POST", "PUT"}) {
      Response r = Call(method, TaskPath(id), R"({"title":"x"})", AuthHeader(token_));
      IT_ASSERT_ERROR(r, 405, "method_not_allowed");
      IT_ASSERT_MSG(r, AllowHas(r, "GET") && AllowHas(r, "PATCH") && AllowHas(r, "DELETE"));
    }
  }

  void testMethodNotAllowedOnRegister() {
    Response r = Call("GET", "/api/auth/register");
    IT_ASSERT_ERROR(r, 405, "method_not_allowed");
    IT_ASSERT_MSG(r, AllowHas(r, "POST"));
  }

  void testConflictUsernameTaken() {
    TestUser user = NewUser();
    Response r =
        Call("POST", "/api/auth/register",
             "{\"username\":" + Quote(user.username) + ",\"password\":\"another password\"}");
    IT_ASSERT_ERROR(r, 409, "conflict");
    // The original account still logs in with its own password.
    Response login = Call(
        "POST", "/api/auth/login",
        "{\"username\":" + Quote(user.username) + ",\"password\":" + Quote(user.password) + "}");
    IT_ASSERT_STATUS(login, 200);
  }

  void testPreconditionFailedIfMatch() {
    std::int64_t id = CreateTitled(token_, "guarded");
    std::string path = TaskPath(id);
    Response r = Call("PATCH", path, R"({"title":"changed"})",
                      AuthHeader(token_, {"If-Match: \"definitely-not-the-etag\""}));
    IT_ASSERT_ERROR(r, 412, "precondition_failed");
    Response get = Call("GET", path, "", AuthHeader(token_));
    CPPUNIT_ASSERT_EQUAL(std::string("guarded"), Str(get.json, "title"));
  }

  // A syntactically valid JSON body of exactly `size` bytes (a long description).
  static std::string BodyOfSize(std::size_t size) {
    std::string head = R"({"title":"big","description":")";
    std::string tail = R"("})";
    return head + std::string(size - head.size() - tail.size(), 'a') + tail;
  }

  void testTooLargeBody() {
    // nginx's client_max_body_size equals the API's limit: whichever answers must use the
    // JSON error shape, and both name the same limit in bytes (scripts/stack gives nginx
    // the API's TUDUSHKA_BODY_LIMIT).
    for (std::size_t size : {kBodyLimit + 1, 3 * kBodyLimit}) {
      Response r = Post(BodyOfSize(size));
      IT_ASSERT_ERROR(r, 413, "too_large");
      std::string message = Str(Member(r.json, "error"), "message");
      IT_ASSERT_MSG(r, message.find(std::to_string(kBodyLimit) + " bytes") != std::string::npos);
    }
  }

  void testBodyAtLimitIsNotTooLarge() {
    // Exactly at the limit the body is read and judged: the description is too long.
    Response r = Post(BodyOfSize(kBodyLimit));
    IT_ASSERT_FIELDS(r, "description");
  }

  void testUnsupportedMediaTypeTextPlain() {
    IT_ASSERT_ERROR(Post(R"({"title":"x"})", {"Content-Type: text/plain"}), 415,
                    "unsupported_media_type");
  }

  void testUnsupportedMediaTypeMissing() {
    IT_ASSERT_ERROR(Post(R"({"title":"x"})", {"Content-Type:"}), 415, "unsupported_media_type");
  }

  void testUnsupportedMediaTypeForm() {
    IT_ASSERT_ERROR(Post("title=x", {"Content-Type: application/x-www-form-urlencoded"}), 415,
                    "unsupported_media_type");
  }

  void testJsonWithCharsetAccepted() {
    Response r = Post(R"({"title":"charset"})", {"Content-Type: application/json; charset=utf-8"});
    IT_ASSERT_STATUS(r, 201);
  }

  void testTitleMissing() { IT_ASSERT_FIELDS(Post(R"({"description":"no title"})"), "title"); }
  void testTitleEmpty() { IT_ASSERT_FIELDS(Post(R"({"title":""})"), "title"); }
  void testTitleWrongType() {
    IT_ASSERT_FIELDS(Post(R"({"title":42})"), "title");
    IT_ASSERT_FIELDS(Post(R"({"title":null})"), "title");
  }

  void testTitle500CharsAccepted() {
    std::string title(500, 't');
    Response r = Post("{\"title\":" + Quote(title) + "}");
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(title, Str(r.json, "title"));
  }

  void testTitle501CharsRejected() {
    IT_ASSERT_FIELDS(Post("{\"title\":" + Quote(std::string(501, 't')) + "}"), "title");
  }

  void testTitle500CyrillicCharsAccepted() {
    std::string title = Repeat("я", 500);  // 1000 bytes, 500 characters
    Response r = Post("{\"title\":" + Quote(title) + "}");
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(title, Str(r.json, "title"));
  }

  void testTitle501CyrillicCharsRejected() {
    IT_ASSERT_FIELDS(Post("{\"title\":" + Quote(Repeat("я", 501)) + "}"), "title");
  }

  void testTitle500EmojiAccepted() {
    // 500 code points, 2000 bytes, 1000 UTF-16 units: characters are code points.
    std::string title = Repeat("\xF0\x9F\xA5\x9B", 500);
    Response r = Post("{\"title\":" + Quote(title) + "}");
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(title, Str(r.json, "title"));
  }

  void testDescription10000Accepted() {
    std::string description = Repeat("ж", 10000);
    Response r = Post("{\"title\":\"d\",\"description\":" + Quote(description) + "}");
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(description, Str(r.json, "description"));
  }

  void testDescription10001Rejected() {
    IT_ASSERT_FIELDS(
        Post("{\"title\":\"d\",\"description\":" + Quote(std::string(10001, 'd')) + "}"),
        "description");
  }

  static std::string Tags(std::size_t n, std::size_t length = 3) {
    std::string out = "[";
    for (std::size_t i = 0; i < n; ++i) {
      std::string tag = "t" + std::to_string(i);
      while (tag.size() < length) tag.push_back('x');
      out += (i != 0 ? "," : "") + Quote(tag);
    }
    return out + "]";
  }

  void testTwentyTagsAccepted() {
    Response r = Post("{\"title\":\"tags\",\"tags\":" + Tags(20) + "}");
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(static_cast<rapidjson::SizeType>(20), Member(r.json, "tags").Size());
  }

  void testTwentyOneTagsRejected() {
    IT_ASSERT_FIELDS(Post("{\"title\":\"tags\",\"tags\":" + Tags(21) + "}"), "tags");
  }

  void testTag50CharsAccepted() {
    std::string tag = Repeat("д", 50);
    Response r = Post("{\"title\":\"tag\",\"tags\":[" + Quote(tag) + "]}");
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(tag, std::string(Member(r.json, "tags")[0].GetString()));
  }

  void testTag51CharsRejected() {
    IT_ASSERT_FIELDS(Post("{\"title\":\"tag\",\"tags\":[" + Quote(std::string(51, 'x')) + "]}"),
                     "tags");
  }

  void testPriorityOutOfRange() {
    for (const char* p : {"4", "-1", "1.5", "\"high\""}) {
      IT_ASSERT_FIELDS(Post(std::string("{\"title\":\"p\",\"priority\":") + p + "}"), "priority");
    }
  }

  void testPriorityInRangeAccepted() {
    for (int p = 0; p <= 3; ++p) {
      Response r = Post("{\"title\":\"p\",\"priority\":" + std::to_string(p) + "}");
      IT_ASSERT_STATUS(r, 201);
      CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(p), Int(r.json, "priority"));
    }
  }

  void testBadDueDate() {
    for (const char* d :
         {"2026-13-01", "2026-02-30", "tomorrow", "2026-1-1", "2026-12-01T10:00:00Z", ""}) {
      IT_ASSERT_FIELDS(Post(std::string("{\"title\":\"d\",\"due_date\":") + Quote(d) + "}"),
                       "due_date");
    }
  }

  void testBadDueAt() {
    for (const char* d :
         {"not a time", "2026-12-01", "2026-12-01T25:00:00Z", "2026-12-01T10:00:00"}) {
      IT_ASSERT_FIELDS(Post(std::string("{\"title\":\"d\",\"due_at\":") + Quote(d) + "}"),
                       "due_at");
    }
  }

  void testDueDateAndDueAtExclusive() {
    Response r =
        Post(R"({"title":"both","due_date":"2026-12-01","due_at":"2026-12-01T10:00:00Z"})");
    IT_ASSERT_ERROR(r, 422, "validation_failed");
    const auto& fields = Member(Member(r.json, "error"), "fields");
    IT_ASSERT_MSG(
        r, fields.IsObject() && (fields.HasMember("due_date") || fields.HasMember("due_at")));
  }

  void testBadRecurrence() {
    for (const char* rule : {"FREQ=SOMETIMES", "every day", "FREQ=WEEKLY;BYDAY=XX", "INTERVAL=2"}) {
      IT_ASSERT_FIELDS(
          Post(std::string("{\"title\":\"r\",\"due_date\":\"2026-12-01\",\"recurrence\":") +
               Quote(rule) + "}"),
          "recurrence");
    }
  }

  void testSeveralBadFieldsAllNamed() {
    IT_ASSERT_FIELDS(Post(R"({"title":"","priority":9,"due_date":"nope"})"), "title", "priority",
                     "due_date");
  }

  void testPatchValidationLeavesTaskUnchanged() {
    std::int64_t id = CreateTask(token_, R"({"title":"keep","priority":1})");
    std::string path = TaskPath(id);
    IT_ASSERT_FIELDS(Call("PATCH", path, R"({"title":"new","priority":7})", AuthHeader(token_)),
                     "priority");
    Response r = Call("GET", path, "", AuthHeader(token_));
    CPPUNIT_ASSERT_EQUAL(std::string("keep"), Str(r.json, "title"));
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(1), Int(r.json, "priority"));
  }

  static Response Register(const std::string& fields) {
    return Call("POST", "/api/auth/register", "{" + fields + "}");
  }

  void testRegisterBadUsername() {
    for (const char* name : {"ab", "has space", "semi;colon", ""}) {
      IT_ASSERT_FIELDS(Register("\"username\":" + Quote(name) + ",\"password\":\"long enough pw\""),
                       "username");
    }
    IT_ASSERT_FIELDS(Register("\"username\":" + Quote(std::string(65, 'u')) +
                              ",\"password\":\"long enough pw\""),
                     "username");
  }

  void testRegisterShortPassword() {
    IT_ASSERT_FIELDS(
        Register("\"username\":" + Quote("it_" + RandomHex()) + ",\"password\":\"1234567\""),
        "password");
  }

  void testRegisterBadTimezone() {
    IT_ASSERT_FIELDS(Register("\"username\":" + Quote("it_" + RandomHex()) +
                              ",\"password\":\"long enough pw\",\"timezone\":\"Mars/Olympus\""),
                     "timezone");
  }

  void testRegisterBadLanguage() {
    IT_ASSERT_FIELDS(Register("\"username\":" + Quote("it_" + RandomHex()) +
                              ",\"password\":\"long enough pw\",\"language\":\"de\""),
                     "language");
  }

  void testPatchMeBadTimezone() {
    IT_ASSERT_FIELDS(
        Call("PATCH", "/api/users/me", R"({"timezone":"Europe/Atlantis"})", AuthHeader(token_)),
        "timezone");
  }

  void testPatchMeBadLanguage() {
    IT_ASSERT_FIELDS(Call("PATCH", "/api/users/me", R"({"language":"fr"})", AuthHeader(token_)),
                     "language");
  }

  void testPatchMeAnthropicRejected() {
    IT_ASSERT_FIELDS(
        Call("PATCH", "/api/users/me", R"({"ai_provider":"anthropic"})", AuthHeader(token_)),
        "ai_provider");
    Response me = Call("GET", "/api/users/me", "", AuthHeader(token_));
    IT_ASSERT_MSG(me, IsNull(me.json, "ai_provider"));
  }

  void testRequestIdsDiffer() {
    Response a = Call("GET", "/api/nope", "", AuthHeader(token_));
    Response b = Call("GET", "/api/nope", "", AuthHeader(token_));
    IT_ASSERT_ERROR(a, 404, "not_found");
    IT_ASSERT_ERROR(b, 404, "not_found");
    CPPUNIT_ASSERT_MESSAGE(a.body + "\n" + b.body,
                           Str(a.json, "request_id") != Str(b.json, "request_id"));
  }

  // Anything a client sends is answered by the client-error rows: never a 5xx, never a
  // dead worker.
  void AssertClientError(const Response& r) {
    IT_ASSERT_MSG(r, r.status >= 400 && r.status < 500);
    IT_ASSERT_MSG(r, !r.ErrorCode().empty());
    Response after = Call("GET", "/api/tasks/", "", AuthHeader(token_));
    IT_ASSERT_STATUS(after, 200);
  }

  void testDeeplyNestedJsonIsAClientError() {
    // 200 000 levels in 400 KB: a recursive parser without a depth limit overflows its
    // stack and the worker dies (502).
    std::string body =
        R"({"title":"deep","extra":)" + std::string(200000, '[') + std::string(200000, ']') + "}";
    Response r = Post(body);
    IT_ASSERT_MSG(r, r.status < 500);
    Response after = Call("GET", "/api/tasks/", "", AuthHeader(token_));
    IT_ASSERT_STATUS(after, 200);
  }

  void testHugeNumbersAreClientErrors() {
    AssertClientError(Post(R"({"title":"n","priority":1e400})"));
    AssertClientError(Post(R"({"title":"n","priority":99999999999999999999})"));
    AssertClientError(Post(R"({"title":"n","priority":-9223372036854775809})"));
  }

  void testNulInTitleIsAClientError() {
    // PostgreSQL text cannot hold U+0000: the API must refuse it, not fail on INSERT.
    AssertClientError(Post(R"({"title":"a\u0000b"})"));
    AssertClientError(Post(R"({"title":"ok","tags":["a\u0000"]})"));
    AssertClientError(Post(R"({"title":"ok","description":"x\u0000"})"));
  }

  void testTagsWrongShape() {
    IT_ASSERT_FIELDS(Post(R"({"title":"t","tags":"home"})"), "tags");
    IT_ASSERT_FIELDS(Post(R"({"title":"t","tags":[1]})"), "tags");
    IT_ASSERT_FIELDS(Post(R"({"title":"t","tags":{"a":1}})"), "tags");
  }

  void testCompletedWrongType() {
    IT_ASSERT_FIELDS(Post(R"({"title":"c","completed":"yes"})"), "completed");
    IT_ASSERT_FIELDS(Post(R"({"title":"c","completed":1})"), "completed");
  }

  void testBadQueryEncodingIsAClientError() {
    for (const char* query : {"q=%ZZ", "q=%00", "tag=%00", "q=%C3%28", "q=%ff"}) {
      Response r = Call("GET", std::string("/api/tasks/?") + query, "", AuthHeader(token_));
      // 200 (no match) or a JSON 4xx are both fine; a 5xx is not.
      IT_ASSERT_MSG(r, r.status == 200 || (r.status >= 400 && r.status < 500 && r.is_json));
    }
  }

  void testHugeHeaderGetsJsonError() {
    // Too large for nginx's header buffers: nginx answers, and it must say why in JSON.
    Response r =
        Call("GET", "/api/tasks/", "", {"Authorization: Bearer " + std::string(20000, 'a')});
    IT_ASSERT_MSG(r, r.status >= 400 && r.status < 500);
    IT_ASSERT_MSG(r, !r.ErrorCode().empty());
  }

  void testLeapDays() {
    IT_ASSERT_FIELDS(Post(R"({"title":"leap","due_date":"2026-02-29"})"), "due_date");
    Response ok = Post(R"({"title":"leap","due_date":"2028-02-29"})");
    IT_ASSERT_STATUS(ok, 201);
    CPPUNIT_ASSERT_EQUAL(std::string("2028-02-29"), Str(ok.json, "due_date"));
  }

 private:
  std::string token_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ErrorsTest);

}  // namespace
}  // namespace tudushka::itest
