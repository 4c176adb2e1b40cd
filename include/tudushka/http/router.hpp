// The route table as data: {method, pattern, handler, name}. Patterns are
// "/api/tasks/{id}"; a {param} matches one segment of digits (ids). A trailing
// slash is optional on every route. Lookup tells 404 from 405 (with Allow).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tudushka/http/http.hpp"

namespace tudushka::http {

template <class Handler>
class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
    std::string name;  // for metrics and logs, e.g. "tasks.list"
  };

  struct Match {
    const Route* route = nullptr;  // null: see `allow`
    int index = -1;                // position in the table (metrics slot)
    std::map<std::string, std::string> params;
    std::string allow;  // when the path exists but not for this method: "GET, PATCH"
  };

  explicit Router(std::vector<Route> routes) : routes_(std::move(routes)) {
    for (auto& r : routes_) r.pattern = std::string(TrimTrailingSlash(r.pattern));
  }

  Match Find(std::string_view method, std::string_view path) const {
    Match m;
    path = TrimTrailingSlash(path);
    // HEAD is answered by the GET handler (nginx drops the body).
    std::string_view effective = method == "HEAD" ? std::string_view("GET") : method;
    for (size_t i = 0; i < routes_.size(); ++i) {
      std::map<std::string, std::string> params;
      if (!PathMatches(routes_[i].pattern, path, params)) continue;
      if (routes_[i].method == effective) {
        m.route = &routes_[i];
        m.index = static_cast<int>(i);
        m.params = std::move(params);
        return m;
      }
      if (m.allow.find(routes_[i].method) == std::string::npos) {
        if (!m.allow.empty()) m.allow += ", ";
        m.allow += routes_[i].method;
        if (routes_[i].method == "GET") m.allow += ", HEAD";
      }
    }
    return m;
  }

  const std::vector<Route>& routes() const { return routes_; }

 private:
  static bool PathMatches(std::string_view pattern, std::string_view path,
                          std::map<std::string, std::string>& params) {
    while (!pattern.empty() || !path.empty()) {
      std::string_view p = NextSegment(pattern), s = NextSegment(path);
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != s.npos) return false;
        params[std::string(p.substr(1, p.size() - 2))] = std::string(s);
      } else if (p != s) {
        return false;
      }
    }
    return true;
  }

  // Pops the next "/segment" off `rest`; returns the segment without its slash.
  static std::string_view NextSegment(std::string_view& rest) {
    if (rest.empty()) return {};
    if (rest.front() == '/') rest.remove_prefix(1);
    auto slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    return seg;
  }

  std::vector<Route> routes_;
};

}  // namespace tudushka::http
