#include "tudushka/http/fastcgi.hpp"

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "tudushka/core/crypto.hpp"

namespace tudushka::http {

Request ReadRequest(FCGX_Request& fcgi, std::size_t body_limit, bool& body_too_large) {
  Request req;
  body_too_large = false;
  std::size_t content_length = 0;
  for (char** p = fcgi.envp; p && *p; ++p) {
    const char* entry = *p;
    const char* eq = std::strchr(entry, '=');
    if (!eq) continue;
    std::string_view key(entry, eq - entry);
    const char* value = eq + 1;
    if (key == "REQUEST_METHOD") {
      req.method = value;
    } else if (key == "REQUEST_URI") {
      std::string_view uri(value);
      std::string_view path = uri.substr(0, uri.find('?'));
      auto decoded = UrlDecode(path, false);
      req.path = decoded ? *decoded : std::string(path);
    } else if (key == "QUERY_STRING") {
      req.query_string = value;
    } else if (key == "REQUEST_ID") {
      req.request_id = value;
    } else if (key == "CONTENT_LENGTH") {
      content_length = std::strtoull(value, nullptr, 10);
      req.headers.emplace_back("content-length", value);
    } else if (key == "CONTENT_TYPE") {
      req.headers.emplace_back("content-type", value);
    } else if (key.size() > 5 && key.substr(0, 5) == "HTTP_") {
      std::string name(key.substr(5));
      for (auto& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
      req.headers.emplace_back(std::move(name), value);
    }
  }
  if (req.request_id.empty()) req.request_id = core::RandomToken(12);
  if (content_length > body_limit) {
    body_too_large = true;
    return req;
  }
  if (content_length > 0) {
    req.body.resize(content_length);
    int n = FCGX_GetStr(req.body.data(), static_cast<int>(content_length), fcgi.in);
    req.body.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  }
  return req;
}

void WriteResponse(FCGX_Request& fcgi, const Request& request, const Response& response) {
  std::string head;
  head.reserve(256);
  head += "Status: ";
  head += std::to_string(response.status);
  head += ' ';
  head += StatusText(response.status);
  head += "\r\n";
  bool has_body = response.status != 204 && response.status != 304;
  if (has_body) {
    head += "Content-Type: ";
    head += response.content_type;
    head += "\r\nContent-Length: ";
    head += std::to_string(response.body.size());
    head += "\r\n";
  }
  for (const auto& [name, value] : response.headers) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  head += "\r\n";
  FCGX_PutStr(head.data(), static_cast<int>(head.size()), fcgi.out);
  if (has_body && request.method != "HEAD")
    FCGX_PutStr(response.body.data(), static_cast<int>(response.body.size()), fcgi.out);
}

}  // namespace tudushka::http
