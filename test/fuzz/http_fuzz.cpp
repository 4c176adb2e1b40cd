// libFuzzer target for what the API reads from a request before any handler runs: the
// query string, conditional-request headers and the JSON body. Any bytes must give an
// answer or the API's own error (422 / bad JSON), never a crash, a sanitizer report or
// another exception.
#include "fuzz_support.hpp"
#include "tudushka/http/http.hpp"
#include "tudushka/json/json.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace http = tudushka::http;
namespace json = tudushka::json;

using tudushka::fuzz::Check;

// Pops the text up to the next '\n' (or all of it) off `rest`.
std::string_view NextLine(std::string_view& rest) {
  auto nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Line 1: a query string; line 2: an If-None-Match value; the rest: a request body.
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view query = NextLine(rest), if_none_match = NextLine(rest), body = rest;

  http::Request req;
  req.query_string = std::string(query);
  try {
    for (const auto& [name, value] : req.Query())
      Check(json::ValidUtf8(name) && json::ValidUtf8(value) && value.find('\0') == value.npos);
  } catch (const http::HttpError& e) {
    Check(e.status() == 422 && e.code() == "validation_failed");
  }

  // Whatever a client sends round-trips through the link builder's encoding.
  for (bool form : {false, true}) {
    auto decoded = http::UrlDecode(http::UrlEncode(body), form);
    Check(decoded && *decoded == body);
  }

  std::string etag = http::ETagFor(body);
  Check(http::ETagListMatches(etag, etag) && http::ETagListMatches("*", etag));
  (void)http::ETagListMatches(if_none_match, etag);

  try {
    rapidjson::Document doc = json::ParseObject(body);
    Check(doc.IsObject() && json::ValidUtf8(body));
  } catch (const json::BadJson&) {
  }
  if (json::ValidUtf8(body)) Check(json::CountChars(body) <= body.size());
  return 0;
}
