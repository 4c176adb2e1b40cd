#include "handlers.hpp"

namespace tudushka::api {

const std::vector<Router::Route>& Routes() {
  static const std::vector<Router::Route> routes = {
      {"GET", "/api/", {ApiRoot}, "root"},
      {"GET", "/api/health", {Health, Effect::kProbe}, "health"},
      {"GET", "/api/metrics", {MetricsText}, "metrics"},
      {"POST", "/api/auth/register", {Register}, "auth.register"},
      {"POST", "/api/auth/login", {Login}, "auth.login"},
      {"POST", "/api/auth/logout", {Logout, Effect::kAccounts}, "auth.logout"},
      {"GET", "/api/users/me", {GetMe}, "users.me"},
      {"PATCH", "/api/users/me", {PatchMe, Effect::kAccounts}, "users.me.update"},
      {"POST", "/api/users/me/password", {ChangePassword, Effect::kAccounts}, "users.me.password"},
      {"POST", "/api/users/me/telegram-link", {CreateTelegramLink}, "users.me.telegram_link"},
      {"DELETE",
       "/api/users/me/telegram-link",
       {DeleteTelegramLink, Effect::kAccounts},
       "users.me.telegram_unlink"},
      {"GET", "/api/tasks/", {ListTasks}, "tasks.list"},
      {"POST", "/api/tasks/", {CreateTask, Effect::kTasks, Commit::kGroup}, "tasks.create"},
      {"POST", "/api/tasks/parse", {ParseTask}, "tasks.parse"},
      {"POST", "/api/tasks/quick", {QuickAddTask, Effect::kTasks, Commit::kGroup}, "tasks.quick"},
      {"GET", "/api/tasks/{id}", {GetTask}, "tasks.get"},
      {"PATCH", "/api/tasks/{id}", {PatchTask, Effect::kTasks}, "tasks.update"},
      {"DELETE", "/api/tasks/{id}", {DeleteTask, Effect::kTasks}, "tasks.delete"},
  };
  return routes;
}

}  // namespace tudushka::api
