#include "http_client.hpp"

#include <curl/curl.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

namespace tudushka::itest {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_ALL); });
}

// One handle per thread: libcurl keeps the connection cache in the handle, so reusing it
// (curl_easy_reset keeps live connections) gives keep-alive.
class ThreadHandle {
 public:
  ThreadHandle() {
    GlobalInit();
    handle_ = curl_easy_init();
  }
  ~ThreadHandle() {
    if (handle_ != nullptr) curl_easy_cleanup(handle_);
  }
  ThreadHandle(const ThreadHandle&) = delete;
  ThreadHandle& operator=(const ThreadHandle&) = delete;
  CURL* get() const { return handle_; }

 private:
  CURL* handle_ = nullptr;
};

CURL* Handle() {
  thread_local ThreadHandle handle;
  if (handle.get() == nullptr) throw std::runtime_error("curl_easy_init failed");
  return handle.get();
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
    --e;
  return std::string(s.substr(b, e - b));
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  std::string_view line(data, size * count);
  // A new status line (after a 100 Continue, say) starts a new header block.
  if (line.substr(0, 5) == "HTTP/") {
    headers->clear();
    return size * count;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    headers->emplace_back(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  }
  return size * count;
}

bool HeaderGiven(const Headers& headers, std::string_view name) {
  for (const auto& line : headers) {
    auto colon = line.find(':');
    if (colon != std::string::npos && EqualsNoCase(Trim(line.substr(0, colon)), name)) return true;
  }
  return false;
}

std::string TypeName(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "bool";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      return "number";
  }
  return "?";
}

// Fills response.json from the body when the body is JSON.
void ParseJsonBody(Response& response) {
  if (response.body.empty()) return;
  response.json.Parse(response.body.data(), response.body.size());
  response.is_json = !response.json.HasParseError();
  if (!response.is_json) response.json.SetNull();
}

}  // namespace

std::string Response::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsNoCase(key, name)) return value;
  }
  return "";
}

bool Response::HasHeader(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsNoCase(key, name)) return true;
  }
  return false;
}

std::string Response::Describe() const {
  std::string out = method + " " + path + " -> " + std::to_string(status);
  if (!transport_error.empty()) out += " (transport error: " + transport_error + ")";
  out += "\n  headers:";
  for (const auto& [key, value] : headers) out += " [" + key + ": " + value + "]";
  out += "\n  body: ";
  if (body.size() > 600) {
    out += body.substr(0, 600) + "... (" + std::to_string(body.size()) + " bytes)";
  } else {
    out += body;
  }
  return out;
}

std::string Response::Brief() const {
  std::string out = method + " " + path + " -> " + std::to_string(status);
  if (!transport_error.empty()) out += " (transport error: " + transport_error + ")";
  if (HasHeader("Retry-After")) out += " [Retry-After: " + Header("Retry-After") + "]";
  out += " " + body.substr(0, 300);
  return out;
}

std::string Response::ErrorCode() const {
  if (!is_json || !json.IsObject()) return "";
  auto error = json.FindMember("error");
  if (error == json.MemberEnd() || !error->value.IsObject()) return "";
  auto code = error->value.FindMember("code");
  if (code == error->value.MemberEnd() || !code->value.IsString()) return "";
  return code->value.GetString();
}

// Behind the validating proxy (prism, TUDUSHKA_CONTRACT_URL), every answer is checked
// against openapi.yaml and the findings come back in an sl-violations header. A finding
// about the response is drift between the server and its spec: the test fails on it.
// (Findings about the request are expected: the suites send bad requests on purpose.)
void CheckContract(const Response& response) {
  std::string violations = response.Header("sl-violations");
  if (violations.empty()) return;
  rapidjson::Document doc;
  doc.Parse(violations.data(), violations.size());
  if (doc.HasParseError() || !doc.IsArray()) return;
  for (const auto& v : doc.GetArray()) {
    if (!v.IsObject() || !v.HasMember("location") || !v["location"].IsArray() ||
        v["location"].Empty() || !v["location"][0].IsString())
      continue;
    if (std::string(v["location"][0].GetString()) != "response") continue;
    if (v.HasMember("severity") && v["severity"].IsString() &&
        std::string(v["severity"].GetString()) != "Error")
      continue;
    throw std::runtime_error("the response breaks openapi.yaml: " + violations + "\n" +
                             response.Describe());
  }
}

std::string BaseUrl() {
  const char* contract = std::getenv("TUDUSHKA_CONTRACT_URL");
  const char* env =
      contract != nullptr && *contract != '\0' ? contract : std::getenv("TUDUSHKA_BASE_URL");
  std::string url = env != nullptr && *env != '\0' ? env : "http://127.0.0.1:18080";
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Response Call(const std::string& method, const std::string& path, const std::string& body,
              const Headers& headers, const CallOptions& options) {
  CURL* curl = Handle();
  curl_easy_reset(curl);

  Response response;
  response.method = method;
  response.path = path;
  std::string url = BaseUrl() + path;

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (options.decode_gzip) curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "gzip");

  bool has_body = !body.empty() || method == "POST" || method == "PATCH" || method == "PUT";
  if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (method == "GET" && body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    if (has_body) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    if (method != "POST" || !has_body) {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
  }

  curl_slist* list = nullptr;
  for (const auto& line : headers) list = curl_slist_append(list, line.c_str());
  if (has_body && options.default_json_content_type && !HeaderGiven(headers, "Content-Type")) {
    list = curl_slist_append(list, "Content-Type: application/json");
  }
  // Never wait for 100 Continue: send the body at once whatever its size.
  if (!HeaderGiven(headers, "Expect")) list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);

  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    response.transport_error = curl_easy_strerror(rc);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);

  ParseJsonBody(response);
  CheckContract(response);
  return response;
}

Response RawCall(const std::string& bytes, long timeout_ms) {
  Response response;
  response.method = "RAW";
  response.path = bytes.substr(0, bytes.find("\r\n")).substr(0, 120);
  CURL* curl = curl_easy_init();
  if (curl == nullptr) throw std::runtime_error("curl_easy_init failed");
  std::string url = BaseUrl() + "/";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  CURLcode rc = curl_easy_perform(curl);
  std::string raw;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (std::size_t sent = 0; rc == CURLE_OK && sent < bytes.size();) {
    std::size_t n = 0;
    rc = curl_easy_send(curl, bytes.data() + sent, bytes.size() - sent, &n);
    sent += n;
    if (rc == CURLE_AGAIN && std::chrono::steady_clock::now() < deadline) {
      rc = CURLE_OK;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  while (rc == CURLE_OK || rc == CURLE_AGAIN) {
    char buffer[4096];
    std::size_t n = 0;
    rc = curl_easy_recv(curl, buffer, sizeof buffer, &n);
    if (rc == CURLE_OK && n == 0) break;  // the server closed the connection
    raw.append(buffer, n);
    if (rc == CURLE_AGAIN) {
      if (std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  if (rc != CURLE_OK && rc != CURLE_AGAIN) response.transport_error = curl_easy_strerror(rc);
  curl_easy_cleanup(curl);

  auto end_of_head = raw.find("\r\n\r\n");
  std::string head = raw.substr(0, end_of_head);
  if (head.rfind("HTTP/", 0) == 0 && head.size() > 12)
    response.status = std::strtol(head.c_str() + head.find(' ') + 1, nullptr, 10);
  for (std::size_t at = head.find("\r\n"); at != std::string::npos;) {
    std::size_t next = head.find("\r\n", at + 2);
    std::string line = head.substr(at + 2, next == std::string::npos ? next : next - at - 2);
    OnHeader(line.data(), 1, line.size(), &response.headers);
    at = next;
  }
  if (end_of_head != std::string::npos) response.body = raw.substr(end_of_head + 4);
  ParseJsonBody(response);
  return response;
}

Headers AuthHeader(const std::string& token, Headers extra) {
  extra.insert(extra.begin(), "Authorization: Bearer " + token);
  return extra;
}

std::string RandomHex(std::size_t length) {
  thread_local std::mt19937_64 rng(
      std::random_device{}() ^
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) out.push_back(digits[rng() & 15]);
  return out;
}

TestUser NewUser(const std::string& extra_fields) {
  TestUser user;
  user.username = "it_" + RandomHex(12);
  user.password = "correct horse " + RandomHex(8);
  std::string body = "{\"username\":" + Quote(user.username) +
                     ",\"password\":" + Quote(user.password) +
                     (extra_fields.empty() ? "" : "," + extra_fields) + "}";
  // nginx rate-limits the auth routes: honour a 429 for a while instead of failing.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    Response r = Call("POST", "/api/auth/register", body);
    if (r.status == 429 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    if (r.status != 201 || !r.is_json || !r.json.IsObject()) {
      throw std::runtime_error("register failed: " + r.Describe());
    }
    user.token = Str(r.json, "token");
    user.id = Int(Member(r.json, "user"), "id");
    return user;
  }
}

std::string RegisterUser() { return NewUser().token; }

bool IsUtcTimestamp(std::string_view s) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
  if (s.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool ok = kShape[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == kShape[i];
    if (!ok) return false;
  }
  return true;
}

std::string Quote(std::string_view s) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out.append(s);
  return out;
}

std::string UrlEncode(std::string_view s) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

const rapidjson::Value& Member(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) {
    throw std::runtime_error(std::string("not an object (looking for '") + key +
                             "'): " + ToJson(object));
  }
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) {
    throw std::runtime_error(std::string("missing member '") + key + "' in " + ToJson(object));
  }
  return it->value;
}

std::string Str(const rapidjson::Value& object, const char* key) {
  const auto& v = Member(object, key);
  if (!v.IsString()) {
    throw std::runtime_error(std::string("'") + key + "' is " + TypeName(v) +
                             ", expected string: " + ToJson(object));
  }
  return std::string(v.GetString(), v.GetStringLength());
}

std::int64_t Int(const rapidjson::Value& object, const char* key) {
  const auto& v = Member(object, key);
  if (!v.IsInt64()) {
    throw std::runtime_error(std::string("'") + key + "' is " + TypeName(v) +
                             ", expected integer: " + ToJson(object));
  }
  return v.GetInt64();
}

bool Bool(const rapidjson::Value& object, const char* key) {
  const auto& v = Member(object, key);
  if (!v.IsBool()) {
    throw std::runtime_error(std::string("'") + key + "' is " + TypeName(v) +
                             ", expected bool: " + ToJson(object));
  }
  return v.GetBool();
}

bool IsNull(const rapidjson::Value& object, const char* key) {
  return Member(object, key).IsNull();
}

std::string ToJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::int64_t CreateTask(const std::string& token, const std::string& body) {
  Response r = Call("POST", "/api/tasks/", body, AuthHeader(token));
  if (r.status != 201 || !r.is_json)
    throw std::runtime_error("create task failed: " + r.Describe());
  return Int(r.json, "id");
}

std::int64_t CreateTitled(const std::string& token, const std::string& title) {
  return CreateTask(token, "{\"title\":" + Quote(title) + "}");
}

std::string TaskPath(std::int64_t id) { return "/api/tasks/" + std::to_string(id); }

}  // namespace tudushka::itest
