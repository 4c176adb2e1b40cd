// HTTP request/response objects, the error every failure becomes, and the
// helpers shared by all handlers (query parsing, ETags, status text).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tudushka::http {

// A failure a client can see: status, API error code, message, per-field reasons.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string code, const std::string& message,
            std::map<std::string, std::string> fields = {})
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        fields_(std::move(fields)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::map<std::string, std::string>& fields() const { return fields_; }
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Allow, Retry-After

 private:
  int status_;
  std::string code_;
  std::map<std::string, std::string> fields_;
};

HttpError ValidationFailed(std::map<std::string, std::string> fields);
HttpError NotFound(const std::string& what = "no such route");

struct Request {
  std::string method;
  std::string path;          // without the query string, percent-decoded
  std::string query_string;  // raw
  std::string body;
  std::string request_id;
  std::vector<std::pair<std::string, std::string>> headers;  // lowercase names
  std::map<std::string, std::string> params;                 // from the route pattern

  // Header value by lowercase name, or empty.
  std::string_view Header(std::string_view lowercase_name) const;
  // Decoded query parameters (the last value wins for repeated names).
  std::map<std::string, std::string> Query() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  void SetHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

const char* StatusText(int status);

// Serialises the API error shape: {"error":{code,message,fields?},"request_id"}.
std::string ErrorBody(const HttpError& error, std::string_view request_id);
// The whole answer for `error`: its status, its headers and the JSON body.
Response ErrorResponse(const HttpError& error, std::string_view request_id);

// Percent-decoding; '+' becomes a space when `form` is set. nullopt on bad escapes.
std::optional<std::string> UrlDecode(std::string_view s, bool form);
std::string UrlEncode(std::string_view s);

// Strong ETag for a representation, e.g. "\"8c3f0a9b1d2e4f60\"".
std::string ETagFor(std::string_view body);
// True when an If-None-Match / If-Match header value lists `etag` (or is "*").
bool ETagListMatches(std::string_view header, std::string_view etag);

// The path with trailing slashes removed ("/api/tasks/" -> "/api/tasks").
std::string_view TrimTrailingSlash(std::string_view path);

}  // namespace tudushka::http
