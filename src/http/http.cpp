#include "tudushka/http/http.hpp"

#include <cctype>
#include <cstdio>

#include "tudushka/core/crypto.hpp"
#include "tudushka/json/json.hpp"

namespace tudushka::http {

HttpError ValidationFailed(std::map<std::string, std::string> fields) {
  std::string message;
  for (const auto& [name, reason] : fields) {
    if (!message.empty()) message += "; ";
    message += name + " " + (reason == "required" ? "is required" : reason);
  }
  return HttpError(422, "validation_failed", message, std::move(fields));
}

HttpError NotFound(const std::string& what) { return HttpError(404, "not_found", what); }

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key == name) return value;
  return {};
}

std::map<std::string, std::string> Request::Query() const {
  std::map<std::string, std::string> out;
  std::string_view rest = query_string;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = UrlDecode(pair.substr(0, eq), true);
    auto value = UrlDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value)
      throw HttpError(422, "validation_failed", "query string has a malformed %-escape",
                      {{"query", "malformed percent-encoding"}});
    if (!json::ValidUtf8(*key) || !json::ValidUtf8(*value) ||
        value->find('\0') != std::string::npos) {
      std::string name = json::ValidUtf8(*key) ? *key : "query";
      throw HttpError(422, "validation_failed",
                      "query parameter " + name + " must be UTF-8 text without NUL characters",
                      {{name, "must be UTF-8 text without NUL characters"}});
    }
    out[*key] = *value;
  }
  return out;
}

const char* StatusText(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
  }
  return "Unknown";
}

std::string ErrorBody(const HttpError& error, std::string_view request_id) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  json::String(w, error.code());
  w.Key("message");
  json::String(w, error.what());
  if (!error.fields().empty()) {
    w.Key("fields");
    w.StartObject();
    for (const auto& [name, reason] : error.fields()) {
      json::String(w, name);
      json::String(w, reason);
    }
    w.EndObject();
  }
  w.EndObject();
  w.Key("request_id");
  json::String(w, request_id);
  w.EndObject();
  return buf.GetString();
}

Response ErrorResponse(const HttpError& error, std::string_view request_id) {
  Response res;
  res.status = error.status();
  res.headers = error.headers;
  res.body = ErrorBody(error, request_id);
  return res;
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> UrlDecode(std::string_view s, bool form) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (s[i] == '+' && form) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string ETagFor(std::string_view body) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"",
                static_cast<unsigned long long>(core::Fingerprint(body)));
  return buf;
}

bool ETagListMatches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.rfind("W/", 0) == 0) item.remove_prefix(2);  // weak comparison for If-None-Match
    if (item == "*" || item == etag) return true;
  }
  return false;
}

std::string_view TrimTrailingSlash(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace tudushka::http
