// Service routes and what nginx adds in front of the API: the API root, health, metrics,
// request ids, security headers, gzip, the OpenAPI file and unknown Host headers.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "expect.hpp"
#include "fixture.hpp"
#include "http_client.hpp"

namespace tudushka::itest {
namespace {

// "name{labels}" -> value for every sample line of a Prometheus text exposition.
std::map<std::string, double> ParseMetrics(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    // The value follows the series; labels may contain spaces inside quotes.
    std::size_t end = line.find('}');
    std::size_t space = line.find(' ', end == std::string::npos ? 0 : end);
    if (space == std::string::npos) continue;
    std::string series = line.substr(0, space);
    std::string rest = line.substr(space + 1);
    char* stop = nullptr;
    double value = std::strtod(rest.c_str(), &stop);
    if (stop == rest.c_str()) continue;
    samples[series] = value;
  }
  return samples;
}

std::string SeriesName(const std::string& series) { return series.substr(0, series.find('{')); }

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class ServiceTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ServiceTest);
  CPPUNIT_TEST(testApiRootListsEndpoints);
  CPPUNIT_TEST(testApiRootWithoutSlash);
  CPPUNIT_TEST(testHealthOk);
  CPPUNIT_TEST(testMetricsIsPrometheusText);
  CPPUNIT_TEST(testMetricsCountersGrow);
  CPPUNIT_TEST(testMetricsCountersNeverGoBack);
  CPPUNIT_TEST(testErrorRequestIdsDifferAndMatchHeader);
  CPPUNIT_TEST(testNosniffOnSuccess);
  CPPUNIT_TEST(testNosniffOnErrors);
  CPPUNIT_TEST(testJsonContentTypeOnSuccess);
  CPPUNIT_TEST(testGzipOnLargeList);
  CPPUNIT_TEST(testGzipResponseStillRevalidates);
  CPPUNIT_TEST(testUnknownHostGetsClearError);
  CPPUNIT_TEST(testMalformedHttpGetsJsonErrors);
  CPPUNIT_TEST(testOpenApiServed);
  CPPUNIT_TEST(testRequestIdIsNginxsAndLogged);
  CPPUNIT_TEST(testCorsOffByDefault);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testApiRootListsEndpoints() {
    Response r = Call("GET", "/api/");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("tudushka"), Str(r.json, "name"));
    IT_ASSERT_MSG(r, !Str(r.json, "version").empty());
    const auto& endpoints = Member(r.json, "endpoints");
    IT_ASSERT_MSG(r, endpoints.IsObject() && endpoints.MemberCount() >= 3);
    IT_ASSERT_MSG(r, r.body.find("/api/tasks") != std::string::npos);
  }

  void testApiRootWithoutSlash() {
    Response r = Call("GET", "/api");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("tudushka"), Str(r.json, "name"));
  }

  void testHealthOk() {
    for (const char* path : {"/api/health", "/api/health/"}) {
      Response r = Call("GET", path);
      IT_ASSERT_STATUS(r, 200);
      CPPUNIT_ASSERT_EQUAL(std::string("ok"), Str(r.json, "status"));
      CPPUNIT_ASSERT_EQUAL(std::string("ok"), Str(r.json, "db"));
      // A probe is never answered from a client's cache: no validator to revalidate with.
      IT_ASSERT_MSG(r, r.Header("ETag").empty());
    }
  }

  void testMetricsIsPrometheusText() {
    Response r = Call("GET", "/api/metrics");
    IT_ASSERT_STATUS(r, 200);
    IT_ASSERT_MSG(r, r.Header("Content-Type").rfind("text/plain", 0) == 0);
    IT_ASSERT_MSG(r, r.body.find("# TYPE ") != std::string::npos);
    bool has_counter = false;
    for (const auto& [series, value] : ParseMetrics(r.body)) {
      has_counter = has_counter || EndsWith(SeriesName(series), "_total");
    }
    IT_ASSERT_MSG(r, has_counter);
  }

  // Sums of every *_total series, by series.
  static std::map<std::string, double> Counters() {
    Response r = Call("GET", "/api/metrics");
    if (r.status != 200) throw std::runtime_error("metrics: " + r.Describe());
    std::map<std::string, double> counters;
    for (const auto& [series, value] : ParseMetrics(r.body)) {
      if (EndsWith(SeriesName(series), "_total")) counters[series] = value;
    }
    return counters;
  }

  void testMetricsCountersGrow() {
    auto before = Counters();
    std::string token = RegisterUser();
    for (int i = 0; i < 20; ++i) Call("GET", "/api/tasks/", "", AuthHeader(token));
    auto after = Counters();
    double grown = 0;
    for (const auto& [series, value] : after) {
      auto it = before.find(series);
      grown += value - (it == before.end() ? 0 : it->second);
    }
    CPPUNIT_ASSERT_MESSAGE("request counters did not grow by the 20 requests made", grown >= 20);
  }

  void testMetricsCountersNeverGoBack() {
    // Every scrape may land on a different worker: counters must still be the pool's
    // totals, never one worker's share.
    auto previous = Counters();
    for (int scrape = 0; scrape < 12; ++scrape) {
      Call("GET", "/api/health");
      auto current = Counters();
      for (const auto& [series, value] : previous) {
        auto it = current.find(series);
        CPPUNIT_ASSERT_MESSAGE(series + " disappeared between scrapes", it != current.end());
        CPPUNIT_ASSERT_MESSAGE(series + " went back from " + std::to_string(value) + " to " +
                                   std::to_string(it->second),
                               it->second >= value);
      }
      previous = current;
    }
  }

  void testErrorRequestIdsDifferAndMatchHeader() {
    Response a = Call("GET", "/api/tasks/");
    Response b = Call("GET", "/api/tasks/");
    IT_ASSERT_ERROR(a, 401, "unauthorized");
    IT_ASSERT_ERROR(b, 401, "unauthorized");
    std::string id_a = Str(a.json, "request_id");
    std::string id_b = Str(b.json, "request_id");
    CPPUNIT_ASSERT_MESSAGE(id_a + " == " + id_b, id_a != id_b);
    if (a.HasHeader("X-Request-Id")) CPPUNIT_ASSERT_EQUAL(id_a, a.Header("X-Request-Id"));
  }

  void testNosniffOnSuccess() {
    std::string token = RegisterUser();
    for (const char* path : {"/api/", "/api/health", "/api/tasks/", "/api/users/me"}) {
      Response r = Call("GET", path, "", AuthHeader(token));
      IT_ASSERT_STATUS(r, 200);
      IT_ASSERT_MSG(r, r.Header("X-Content-Type-Options") == "nosniff");
    }
  }

  void testNosniffOnErrors() {
    Response not_found = Call("GET", "/api/nope");
    IT_ASSERT_MSG(not_found, not_found.status == 404 || not_found.status == 401);
    IT_ASSERT_MSG(not_found, not_found.Header("X-Content-Type-Options") == "nosniff");
    Response unauthorized = Call("GET", "/api/tasks/");
    IT_ASSERT_STATUS(unauthorized, 401);
    IT_ASSERT_MSG(unauthorized, unauthorized.Header("X-Content-Type-Options") == "nosniff");
    Response too_large =
        Call("POST", "/api/tasks/", std::string(1048576 + 10, ' '), AuthHeader(RegisterUser()));
    IT_ASSERT_STATUS(too_large, 413);
    IT_ASSERT_MSG(too_large, too_large.Header("X-Content-Type-Options") == "nosniff");
  }

  void testJsonContentTypeOnSuccess() {
    Response r = Call("GET", "/api/tasks/", "", AuthHeader(RegisterUser()));
    IT_ASSERT_STATUS(r, 200);
    IT_ASSERT_MSG(r, r.Header("Content-Type").rfind("application/json", 0) == 0);
  }

  // A user with enough tasks for a list of tens of kilobytes.
  static std::string UserWithLargeList() {
    std::string token = RegisterUser();
    std::string description = Repeat("Подробное описание задачи. ", 20);
    for (int i = 0; i < 40; ++i) {
      CreateTask(token, "{\"title\":\"task " + std::to_string(i) +
                            "\",\"description\":" + Quote(description) + "}");
    }
    return token;
  }

  void testGzipOnLargeList() {
    std::string token = UserWithLargeList();
    Response plain = Call("GET", "/api/tasks/", "", AuthHeader(token));
    IT_ASSERT_STATUS(plain, 200);
    IT_ASSERT_MSG(plain, plain.body.size() > 20000);
    Response raw = Call("GET", "/api/tasks/", "", AuthHeader(token, {"Accept-Encoding: gzip"}));
    IT_ASSERT_STATUS(raw, 200);
    IT_ASSERT_MSG(raw, raw.Header("Content-Encoding") == "gzip");
    IT_ASSERT_MSG(raw, raw.body.size() >= 2 && static_cast<unsigned char>(raw.body[0]) == 0x1f &&
                           static_cast<unsigned char>(raw.body[1]) == 0x8b);
    IT_ASSERT_MSG(raw, raw.body.size() * 2 < plain.body.size());
    CallOptions decode;
    decode.decode_gzip = true;
    Response decoded = Call("GET", "/api/tasks/", "", AuthHeader(token), decode);
    IT_ASSERT_STATUS(decoded, 200);
    IT_ASSERT_MSG(decoded, decoded.is_json);
    CPPUNIT_ASSERT_EQUAL(ToJson(plain.json), ToJson(decoded.json));
  }

  void testGzipResponseStillRevalidates() {
    // nginx weakens the ETag of a gzipped answer (W/"..."): a browser sends that back and
    // must still get a 304.
    std::string token = UserWithLargeList();
    Response first = Call("GET", "/api/tasks/", "", AuthHeader(token, {"Accept-Encoding: gzip"}));
    IT_ASSERT_STATUS(first, 200);
    std::string etag = first.Header("ETag");
    IT_ASSERT_MSG(first, !etag.empty());
    Response again = Call("GET", "/api/tasks/", "",
                          AuthHeader(token, {"Accept-Encoding: gzip", "If-None-Match: " + etag}));
    IT_ASSERT_STATUS(again, 304);
  }

  void testUnknownHostGetsClearError() {
    Response r = Call("GET", "/api/health", "", {"Host: unknown.invalid"});
    IT_ASSERT_MSG(r, r.status >= 400 && r.status < 500);
    IT_ASSERT_MSG(r, r.is_json && r.json.IsObject() && r.json.HasMember("error"));
    IT_ASSERT_MSG(r, !r.ErrorCode().empty());
    IT_ASSERT_MSG(r, !Str(Member(r.json, "error"), "message").empty());
  }

  // Errors nginx finds before it knows the Host go to the default server: they must answer
  // in the API's error shape too, never nginx's HTML page.
  void testMalformedHttpGetsJsonErrors() {
    struct Case {
      std::string bytes;
      long status;
      std::string code;
    };
    const std::string host = "Host: 127.0.0.1\r\n";
    for (const Case& c : std::vector<Case>{
             {"GARBAGE\r\n\r\n", 400, "bad_request"},
             {"GET /api/health HTTP/1.1\r\n\r\n", 400, "bad_request"},  // no Host
             {"GET /api/health HTTP/1.1\r\n" + host + "Content-Length: abc\r\n\r\n", 400,
              "bad_request"},
             {"POST /api/tasks/ HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
              400, "bad_request"},
             {"GET /api/health?" + std::string(9000, 'a') + " HTTP/1.1\r\n" + host + "\r\n", 414,
              "too_large"},
             {"GET /api/health HTTP/1.0\r\n\r\n", 421, "misdirected_request"},
         }) {
      Response r = RawCall(c.bytes);
      IT_ASSERT_STATUS(r, c.status);
      IT_ASSERT_MSG(r, r.Header("Content-Type").rfind("application/json", 0) == 0);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), c.code, r.ErrorCode());
      IT_ASSERT_MSG(r, !Str(Member(r.json, "error"), "message").empty());
      IT_ASSERT_MSG(r, r.Header("X-Content-Type-Options") == "nosniff");
    }
    // The same long URI through libcurl, which sends Host only after the request line.
    Response r = Call("GET", "/api/tasks/?q=" + std::string(9000, 'a'));
    IT_ASSERT_STATUS(r, 414);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("too_large"), r.ErrorCode());
  }

  void testOpenApiServed() {
    Response r = Call("GET", "/api/openapi.yaml");
    IT_ASSERT_STATUS(r, 200);
    IT_ASSERT_MSG(r, r.body.find("openapi:") != std::string::npos);
    IT_ASSERT_MSG(r, r.body.find("/tasks") != std::string::npos);
  }

  // The last line of `file` containing `needle` ("" if none), polling briefly: log lines
  // are written when the request finishes, which may trail the answer by a moment.
  static std::string FindLogLine(const std::string& file, const std::string& needle) {
    std::string found;
    PollUntil(milliseconds(2000), [&] {
      std::ifstream in(file);
      std::string line;
      while (std::getline(in, line)) {
        if (line.find(needle) != std::string::npos) found = line;
      }
      return !found.empty();
    });
    return found;
  }

  void testRequestIdIsNginxsAndLogged() {
    // One id ties nginx's access log, the API's log and the client's error body together.
    std::string marker = "/api/no-such-route-" + RandomHex(10);
    Response r = Call("GET", marker);
    IT_ASSERT_ERROR(r, 404, "not_found");
    std::string id = Str(r.json, "request_id");
    std::string nginx_pidfile = Env("TUDUSHKA_NGINX_PIDFILE");
    CPPUNIT_ASSERT_MESSAGE("TUDUSHKA_NGINX_PIDFILE is not set", !nginx_pidfile.empty());
    std::string access_log = nginx_pidfile.substr(0, nginx_pidfile.rfind('/')) + "/access.log";
    std::string line = FindLogLine(access_log, marker);
    CPPUNIT_ASSERT_MESSAGE("no line for " + marker + " in " + access_log, !line.empty());
    CPPUNIT_ASSERT_MESSAGE("nginx logged another id than the body's " + id + ":\n" + line,
                           line.find(id) != std::string::npos);
    std::string api_log = Env("TUDUSHKA_API_LOG");
    if (!api_log.empty()) {
      std::string api_line = FindLogLine(api_log, id);
      CPPUNIT_ASSERT_MESSAGE("request id " + id + " not in " + api_log, !api_line.empty());
    }
  }

  void testCorsOffByDefault() {
    // TUDUSHKA_CORS_ORIGINS is empty on the test stack: no origin is allowed.
    std::string token = RegisterUser();
    Response r =
        Call("GET", "/api/tasks/", "", AuthHeader(token, {"Origin: https://evil.example"}));
    IT_ASSERT_STATUS(r, 200);
    IT_ASSERT_MSG(r, !r.HasHeader("Access-Control-Allow-Origin"));
    IT_ASSERT_MSG(r, !r.HasHeader("Access-Control-Allow-Credentials"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ServiceTest);

}  // namespace
}  // namespace tudushka::itest
