// Accounts through nginx: register, login, logout, the user object, PATCH /users/me,
// write-only AI keys, password change revoking the other sessions, Telegram link codes.
#include <cppunit/extensions/HelperMacros.h>

#include <string>

#include "expect.hpp"
#include "http_client.hpp"

namespace tudushka::itest {
namespace {

class AccountsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AccountsTest);
  CPPUNIT_TEST(testRegisterReturnsTokenAndDefaults);
  CPPUNIT_TEST(testRegisterWithOptionalFields);
  CPPUNIT_TEST(testRegisterCyrillicUsername);
  CPPUNIT_TEST(testRegisterNeverReturnsPassword);
  CPPUNIT_TEST(testLoginIssuesAnotherWorkingToken);
  CPPUNIT_TEST(testLoginUnknownUser);
  CPPUNIT_TEST(testLogoutRevokesOnlyThatToken);
  CPPUNIT_TEST(testMeReturnsUser);
  CPPUNIT_TEST(testPatchMeChangesGivenFields);
  CPPUNIT_TEST(testPatchMeKeepsOtherFields);
  CPPUNIT_TEST(testPatchMeEmailNullClears);
  CPPUNIT_TEST(testAiProviderAndModel);
  CPPUNIT_TEST(testOpenAiKeyIsWriteOnly);
  CPPUNIT_TEST(testPerplexityKeyIsWriteOnly);
  CPPUNIT_TEST(testKeyNullClears);
  CPPUNIT_TEST(testPasswordChangeRevokesOtherSessions);
  CPPUNIT_TEST(testPasswordChangeSwapsCredentials);
  CPPUNIT_TEST(testPasswordChangeWrongOld);
  CPPUNIT_TEST(testPasswordChangeShortNew);
  CPPUNIT_TEST(testTelegramLinkCode);
  CPPUNIT_TEST(testTelegramLinkCodesDiffer);
  CPPUNIT_TEST(testTelegramUnlink);
  CPPUNIT_TEST(testPasswordLengthLimits);
  CPPUNIT_TEST(testUsername64CyrillicCharsAccepted);
  CPPUNIT_TEST_SUITE_END();

 public:
  static Response Login(const std::string& username, const std::string& password) {
    return Call("POST", "/api/auth/login",
                "{\"username\":" + Quote(username) + ",\"password\":" + Quote(password) + "}");
  }

  static Response Me(const std::string& token) {
    return Call("GET", "/api/users/me", "", AuthHeader(token));
  }

  static Response PatchMe(const std::string& token, const std::string& body) {
    return Call("PATCH", "/api/users/me", body, AuthHeader(token));
  }

  void testRegisterReturnsTokenAndDefaults() {
    std::string username = "it_" + RandomHex();
    Response r = Call("POST", "/api/auth/register",
                      "{\"username\":" + Quote(username) + ",\"password\":\"long enough pw\"}");
    IT_ASSERT_STATUS(r, 201);
    IT_ASSERT_MSG(r, !Str(r.json, "token").empty());
    IT_ASSERT_MSG(r, IsUtcTimestamp(Str(r.json, "expires_at")));
    const auto& user = Member(r.json, "user");
    IT_ASSERT_MSG(r, Int(user, "id") > 0);
    CPPUNIT_ASSERT_EQUAL(username, Str(user, "username"));
    IT_ASSERT_MSG(r, IsNull(user, "email"));
    CPPUNIT_ASSERT_EQUAL(std::string("en"), Str(user, "language"));
    CPPUNIT_ASSERT_EQUAL(std::string("UTC"), Str(user, "timezone"));
    IT_ASSERT_MSG(r, IsNull(user, "ai_provider"));
    IT_ASSERT_MSG(r, IsNull(user, "ai_model"));
    IT_ASSERT_MSG(r, !Bool(user, "has_openai_key"));
    IT_ASSERT_MSG(r, !Bool(user, "has_perplexity_key"));
    IT_ASSERT_MSG(r, !Bool(user, "telegram_linked"));
    IT_ASSERT_MSG(r, IsUtcTimestamp(Str(user, "created_at")));
  }

  void testRegisterWithOptionalFields() {
    TestUser user =
        NewUser(R"("email":"ann@example.org","language":"ru","timezone":"Europe/Moscow")");
    Response me = Me(user.token);
    IT_ASSERT_STATUS(me, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("ann@example.org"), Str(me.json, "email"));
    CPPUNIT_ASSERT_EQUAL(std::string("ru"), Str(me.json, "language"));
    CPPUNIT_ASSERT_EQUAL(std::string("Europe/Moscow"), Str(me.json, "timezone"));
  }

  void testRegisterCyrillicUsername() {
    std::string username = "Маша_" + RandomHex(6);
    Response r = Call("POST", "/api/auth/register",
                      "{\"username\":" + Quote(username) + ",\"password\":\"long enough pw\"}");
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(username, Str(Member(r.json, "user"), "username"));
    IT_ASSERT_STATUS(Login(username, "long enough pw"), 200);
  }

  void testRegisterNeverReturnsPassword() {
    std::string username = "it_" + RandomHex();
    std::string password = "secret-" + RandomHex(16);
    Response r =
        Call("POST", "/api/auth/register",
             "{\"username\":" + Quote(username) + ",\"password\":" + Quote(password) + "}");
    IT_ASSERT_STATUS(r, 201);
    IT_ASSERT_MSG(r, r.body.find(password) == std::string::npos);
    IT_ASSERT_MSG(r, r.body.find("password") == std::string::npos);
    Response login = Login(username, password);
    IT_ASSERT_MSG(login, login.body.find(password) == std::string::npos);
    Response me = Me(Str(r.json, "token"));
    IT_ASSERT_MSG(me, me.body.find("password") == std::string::npos);
  }

  void testLoginIssuesAnotherWorkingToken() {
    TestUser user = NewUser();
    Response r = Login(user.username, user.password);
    IT_ASSERT_STATUS(r, 200);
    std::string second = Str(r.json, "token");
    IT_ASSERT_MSG(r, !second.empty() && second != user.token);
    IT_ASSERT_MSG(r, IsUtcTimestamp(Str(r.json, "expires_at")));
    CPPUNIT_ASSERT_EQUAL(user.id, Int(Member(r.json, "user"), "id"));
    IT_ASSERT_STATUS(Me(second), 200);
    IT_ASSERT_STATUS(Me(user.token), 200);
  }

  void testLoginUnknownUser() {
    IT_ASSERT_ERROR(Login("nobody_" + RandomHex(), "whatever pw"), 401, "unauthorized");
  }

  void testLogoutRevokesOnlyThatToken() {
    TestUser user = NewUser();
    std::string second = Str(Login(user.username, user.password).json, "token");
    Response out = Call("POST", "/api/auth/logout", "", AuthHeader(user.token));
    IT_ASSERT_STATUS(out, 204);
    IT_ASSERT_MSG(out, out.body.empty());
    IT_ASSERT_ERROR(Me(user.token), 401, "unauthorized");
    IT_ASSERT_STATUS(Me(second), 200);
  }

  void testMeReturnsUser() {
    TestUser user = NewUser();
    Response me = Me(user.token);
    IT_ASSERT_STATUS(me, 200);
    CPPUNIT_ASSERT_EQUAL(user.id, Int(me.json, "id"));
    CPPUNIT_ASSERT_EQUAL(user.username, Str(me.json, "username"));
    for (const char* key :
         {"email", "language", "timezone", "ai_provider", "ai_model", "has_openai_key",
          "has_perplexity_key", "telegram_linked", "created_at"}) {
      IT_ASSERT_MSG(me, me.json.HasMember(key));
    }
  }

  void testPatchMeChangesGivenFields() {
    TestUser user = NewUser();
    Response r = PatchMe(user.token,
                         R"({"email":"bob@example.org","language":"ru","timezone":"Asia/Tokyo"})");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("ru"), Str(r.json, "language"));
    Response me = Me(user.token);
    CPPUNIT_ASSERT_EQUAL(std::string("bob@example.org"), Str(me.json, "email"));
    CPPUNIT_ASSERT_EQUAL(std::string("ru"), Str(me.json, "language"));
    CPPUNIT_ASSERT_EQUAL(std::string("Asia/Tokyo"), Str(me.json, "timezone"));
  }

  void testPatchMeKeepsOtherFields() {
    TestUser user = NewUser(R"("email":"keep@example.org","timezone":"Europe/Berlin")");
    IT_ASSERT_STATUS(PatchMe(user.token, R"({"language":"ru"})"), 200);
    Response me = Me(user.token);
    CPPUNIT_ASSERT_EQUAL(std::string("keep@example.org"), Str(me.json, "email"));
    CPPUNIT_ASSERT_EQUAL(std::string("Europe/Berlin"), Str(me.json, "timezone"));
    CPPUNIT_ASSERT_EQUAL(std::string("ru"), Str(me.json, "language"));
  }

  void testPatchMeEmailNullClears() {
    TestUser user = NewUser(R"("email":"gone@example.org")");
    IT_ASSERT_STATUS(PatchMe(user.token, R"({"email":null})"), 200);
    Response me = Me(user.token);
    IT_ASSERT_MSG(me, IsNull(me.json, "email"));
  }

  void testAiProviderAndModel() {
    TestUser user = NewUser();
    Response r = PatchMe(user.token, R"({"ai_provider":"perplexity","ai_model":"sonar"})");
    IT_ASSERT_STATUS(r, 200);
    Response me = Me(user.token);
    CPPUNIT_ASSERT_EQUAL(std::string("perplexity"), Str(me.json, "ai_provider"));
    CPPUNIT_ASSERT_EQUAL(std::string("sonar"), Str(me.json, "ai_model"));
    IT_ASSERT_STATUS(PatchMe(user.token, R"({"ai_provider":"openai"})"), 200);
    CPPUNIT_ASSERT_EQUAL(std::string("openai"), Str(Me(user.token).json, "ai_provider"));
    IT_ASSERT_STATUS(PatchMe(user.token, R"({"ai_provider":null,"ai_model":null})"), 200);
    me = Me(user.token);
    IT_ASSERT_MSG(me, IsNull(me.json, "ai_provider") && IsNull(me.json, "ai_model"));
  }

  void CheckKeyWriteOnly(const char* field, const char* flag) {
    TestUser user = NewUser();
    std::string key = "sk-test-" + RandomHex(32);
    Response patch = PatchMe(user.token, std::string("{\"") + field + "\":" + Quote(key) + "}");
    IT_ASSERT_STATUS(patch, 200);
    IT_ASSERT_MSG(patch, Bool(patch.json, flag));
    IT_ASSERT_MSG(patch, patch.body.find(key) == std::string::npos);
    IT_ASSERT_MSG(patch, !patch.json.HasMember(field));
    Response me = Me(user.token);
    IT_ASSERT_MSG(me, Bool(me.json, flag));
    IT_ASSERT_MSG(me, me.body.find(key) == std::string::npos);
    IT_ASSERT_MSG(me, me.body.find(key.substr(8, 12)) == std::string::npos);  // no partial echo
    IT_ASSERT_MSG(me, !me.json.HasMember(field));
    Response login = Login(user.username, user.password);
    IT_ASSERT_MSG(login, login.body.find(key) == std::string::npos);
    IT_ASSERT_MSG(login, Bool(Member(login.json, "user"), flag));
  }

  void testOpenAiKeyIsWriteOnly() { CheckKeyWriteOnly("openai_api_key", "has_openai_key"); }

  void testPerplexityKeyIsWriteOnly() {
    CheckKeyWriteOnly("perplexity_api_key", "has_perplexity_key");
  }

  void testKeyNullClears() {
    TestUser user = NewUser();
    IT_ASSERT_STATUS(PatchMe(user.token, R"({"openai_api_key":"sk-test-1234567890"})"), 200);
    Response set = Me(user.token);
    IT_ASSERT_MSG(set, Bool(set.json, "has_openai_key"));
    // Changing something else leaves the key in place.
    IT_ASSERT_STATUS(PatchMe(user.token, R"({"language":"ru"})"), 200);
    Response kept = Me(user.token);
    IT_ASSERT_MSG(kept, Bool(kept.json, "has_openai_key"));
    IT_ASSERT_STATUS(PatchMe(user.token, R"({"openai_api_key":null})"), 200);
    Response me = Me(user.token);
    IT_ASSERT_MSG(me, !Bool(me.json, "has_openai_key"));
  }

  static Response ChangePassword(const std::string& token, const std::string& old_password,
                                 const std::string& new_password) {
    return Call("POST", "/api/users/me/password",
                "{\"old_password\":" + Quote(old_password) +
                    ",\"new_password\":" + Quote(new_password) + "}",
                AuthHeader(token));
  }

  void testPasswordChangeRevokesOtherSessions() {
    TestUser user = NewUser();
    std::string other = Str(Login(user.username, user.password).json, "token");
    IT_ASSERT_STATUS(Me(other), 200);
    IT_ASSERT_STATUS(ChangePassword(user.token, user.password, "brand new password"), 204);
    IT_ASSERT_ERROR(Me(other), 401, "unauthorized");
    IT_ASSERT_STATUS(Me(user.token), 200);  // the session that changed it stays
  }

  void testPasswordChangeSwapsCredentials() {
    TestUser user = NewUser();
    IT_ASSERT_STATUS(ChangePassword(user.token, user.password, "brand new password"), 204);
    IT_ASSERT_ERROR(Login(user.username, user.password), 401, "unauthorized");
    IT_ASSERT_STATUS(Login(user.username, "brand new password"), 200);
  }

  void testPasswordChangeWrongOld() {
    TestUser user = NewUser();
    IT_ASSERT_FIELDS(ChangePassword(user.token, "not my password", "brand new password"),
                     "old_password");
    IT_ASSERT_STATUS(Login(user.username, user.password), 200);
  }

  void testPasswordChangeShortNew() {
    TestUser user = NewUser();
    IT_ASSERT_FIELDS(ChangePassword(user.token, user.password, "short"), "new_password");
    IT_ASSERT_STATUS(Login(user.username, user.password), 200);
  }

  void testTelegramLinkCode() {
    TestUser user = NewUser();
    Response r = Call("POST", "/api/users/me/telegram-link", "", AuthHeader(user.token));
    IT_ASSERT_STATUS(r, 201);
    std::string code = Str(r.json, "code");
    IT_ASSERT_MSG(r, code.size() >= 6);
    IT_ASSERT_MSG(r, IsUtcTimestamp(Str(r.json, "expires_at")));
    std::string url = Str(r.json, "url");
    IT_ASSERT_MSG(r, url.rfind("https://t.me/", 0) == 0);
    std::string suffix = "?start=" + code;
    IT_ASSERT_MSG(r, url.size() > suffix.size() + 13 &&
                         url.compare(url.size() - suffix.size(), suffix.size(), suffix) == 0);
    IT_ASSERT_MSG(r, !Bool(Me(user.token).json, "telegram_linked"));
  }

  void testTelegramLinkCodesDiffer() {
    std::string a = Str(
        Call("POST", "/api/users/me/telegram-link", "", AuthHeader(RegisterUser())).json, "code");
    std::string b = Str(
        Call("POST", "/api/users/me/telegram-link", "", AuthHeader(RegisterUser())).json, "code");
    CPPUNIT_ASSERT(a != b);
  }

  void testTelegramUnlink() {
    TestUser user = NewUser();
    Response r = Call("DELETE", "/api/users/me/telegram-link", "", AuthHeader(user.token));
    IT_ASSERT_STATUS(r, 204);
    IT_ASSERT_MSG(r, !Bool(Me(user.token).json, "telegram_linked"));
  }

  static Response Register(const std::string& username, const std::string& password) {
    return Call("POST", "/api/auth/register",
                "{\"username\":" + Quote(username) + ",\"password\":" + Quote(password) + "}");
  }

  void testPasswordLengthLimits() {
    // 8..1024 bytes.
    IT_ASSERT_STATUS(Register("it_" + RandomHex(), "12345678"), 201);
    std::string longest = Repeat("я", 512);  // 1024 bytes
    std::string name = "it_" + RandomHex();
    IT_ASSERT_STATUS(Register(name, longest), 201);
    IT_ASSERT_STATUS(Login(name, longest), 200);
    IT_ASSERT_FIELDS(Register("it_" + RandomHex(), std::string(1025, 'p')), "password");
  }

  void testUsername64CyrillicCharsAccepted() {
    std::string name = Repeat("ж", 52) + RandomHex(12);  // 64 characters, 116 bytes
    Response r = Register(name, "long enough pw");
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(name, Str(Member(r.json, "user"), "username"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AccountsTest);

}  // namespace
}  // namespace tudushka::itest
