#include "handlers.hpp"

namespace tudushka::api {

void ApiRoot(Context& c) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("name");
  w.String("tudushka");
  w.Key("version");
  w.String(TUDUSHKA_VERSION);
  w.Key("openapi");
  w.String("/api/openapi.yaml");
  w.Key("endpoints");
  w.StartObject();
  for (const auto& r : Routes()) {
    json::String(w, r.name);
    std::string entry = r.method + " " + r.pattern;
    json::String(w, entry);
  }
  w.EndObject();
  w.EndObject();
  Reply(c, 200, buf.GetString());
}

void Health(Context& c) {
  try {
    c.db.Run("SELECT 1");  // the connection was (re)opened before dispatch
    Reply(c, 200, R"({"status":"ok","db":"ok"})");
  } catch (const db::Error&) {
    Reply(c, 503, R"({"status":"unavailable","db":"unreachable"})");
    c.res.SetHeader("Retry-After", "1");
  }
}

void MetricsText(Context& c) {
  std::vector<std::string> names;
  for (const auto& r : Routes()) names.push_back(r.name);
  c.res.content_type = "text/plain; version=0.0.4; charset=utf-8";
  c.res.body = c.service.metrics() ? c.service.metrics()->Render(names) : "";
}

}  // namespace tudushka::api
