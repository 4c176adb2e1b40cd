// A small libcurl client for the black-box integration suites: one keep-alive CURL
// handle per thread, responses with case-insensitive header lookup and the body parsed
// as JSON (RapidJSON) when it is JSON.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tudushka::itest {

// Raw request header lines, "Name: value". "Name:" (nothing after the colon) removes a
// header libcurl would otherwise add (e.g. "Content-Type:").
using Headers = std::vector<std::string>;

struct CallOptions {
  long timeout_ms = 15000;
  // Let libcurl ask for and decode gzip (Accept-Encoding: gzip). Without it the body is
  // returned exactly as sent by the server.
  bool decode_gzip = false;
  // Add "Content-Type: application/json" when a body is sent and `headers` set none.
  bool default_json_content_type = true;
};

struct Response {
  std::string method;
  std::string path;
  long status = 0;  // 0: no HTTP answer at all (see transport_error)
  std::string transport_error;
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;
  bool is_json = false;      // body parsed as JSON
  rapidjson::Document json;  // the parsed body (Null when !is_json)

  // Value of the first header named `name` (case-insensitive); "" when absent.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  // "METHOD path -> status; headers; body (first 600 bytes)": for assertion messages.
  std::string Describe() const;
  // "METHOD path -> status [Retry-After: x] body (first 300 bytes)": no other headers.
  std::string Brief() const;
  // error.code of an error body, "" when the body has none.
  std::string ErrorCode() const;
};

// Base URL without a trailing slash: env TUDUSHKA_BASE_URL or http://127.0.0.1:18080.
std::string BaseUrl();

// Performs one request on this thread's keep-alive handle. `path` starts with '/'.
Response Call(const std::string& method, const std::string& path, const std::string& body = "",
              const Headers& headers = {}, const CallOptions& options = {});

// Sends `bytes` as they are (a malformed request, say) on a new connection to BaseUrl()'s
// host and port, and reads the answer until the server closes the connection (or
// `timeout_ms`). The answer is parsed as Call's (method "RAW", path: the first line sent).
Response RawCall(const std::string& bytes, long timeout_ms = 5000);

// {"Authorization: Bearer <token>"} plus `extra`.
Headers AuthHeader(const std::string& token, Headers extra = {});

// A fresh random identifier of `length` lowercase hex digits.
std::string RandomHex(std::size_t length = 12);

struct TestUser {
  std::int64_t id = 0;
  std::string username;
  std::string password;
  std::string token;
};

// Registers a new user with a unique random username. `extra_fields` is spliced into the
// register body (e.g. R"("language":"ru")"). Throws on anything but 201.
TestUser NewUser(const std::string& extra_fields = "");
// NewUser().token
std::string RegisterUser();

// True for "YYYY-MM-DDTHH:MM:SSZ" (the API's time format: UTC, seconds precision).
bool IsUtcTimestamp(std::string_view s);
// JSON-quotes `s` (a complete JSON string literal, quotes included).
std::string Quote(std::string_view s);
// `s` repeated `n` times.
std::string Repeat(std::string_view s, std::size_t n);
// Percent-encodes `s` for a query string.
std::string UrlEncode(std::string_view s);

// Typed readers that throw std::runtime_error naming the key when it is missing or of
// the wrong type (CppUnit reports the exception as a failed test).
const rapidjson::Value& Member(const rapidjson::Value& object, const char* key);
std::string Str(const rapidjson::Value& object, const char* key);
std::int64_t Int(const rapidjson::Value& object, const char* key);
bool Bool(const rapidjson::Value& object, const char* key);
bool IsNull(const rapidjson::Value& object, const char* key);
// Serialises a JSON value (for messages and comparisons).
std::string ToJson(const rapidjson::Value& value);

// Creates a task from a JSON object body; returns its id. Throws unless 201.
std::int64_t CreateTask(const std::string& token, const std::string& body);
// Convenience: a task with just a title.
std::int64_t CreateTitled(const std::string& token, const std::string& title);
// "/api/tasks/<id>".
std::string TaskPath(std::int64_t id);

}  // namespace tudushka::itest
