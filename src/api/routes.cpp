#include "handlers.hpp"

namespace tudushka::api {

const std::vector<Router::Route>& Routes() {
  static const std::vector<Router::Route> routes = {
      {"GET", "/api/", ApiRoot, "root"},
      {"GET", "/api/health", Health, "health"},
      {"GET", "/api/metrics", MetricsText, "metrics"},
      {"POST", "/api/auth/register", Register, "auth.register"},
      {"POST", "/api/auth/login", Login, "auth.login"},
      {"POST", "/api/auth/logout", Logout, "auth.logout"},
      {"GET", "/api/users/me", GetMe, "users.me"},
      {"PATCH", "/api/users/me", PatchMe, "users.me.update"},
      {"POST", "/api/users/me/password", ChangePassword, "users.me.password"},
      {"POST", "/api/users/me/telegram-link", CreateTelegramLink, "users.me.telegram_link"},
      {"DELETE", "/api/users/me/telegram-link", DeleteTelegramLink, "users.me.telegram_unlink"},
      {"GET", "/api/tasks/", ListTasks, "tasks.list"},
      {"POST", "/api/tasks/", CreateTask, "tasks.create"},
      {"POST", "/api/tasks/parse", ParseTask, "tasks.parse"},
      {"POST", "/api/tasks/quick", QuickAddTask, "tasks.quick"},
      {"GET", "/api/tasks/{id}", GetTask, "tasks.get"},
      {"PATCH", "/api/tasks/{id}", PatchTask, "tasks.update"},
      {"DELETE", "/api/tasks/{id}", DeleteTask, "tasks.delete"},
  };
  return routes;
}

}  // namespace tudushka::api
