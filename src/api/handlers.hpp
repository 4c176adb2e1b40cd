// Handlers, one file per resource (private to the api module). Each reads like a
// sentence: parse -> call app -> write JSON.
#pragma once

#include "tudushka/api/service.hpp"
#include "tudushka/json/json.hpp"

namespace tudushka::api {

// service_routes.cpp
void ApiRoot(Context& c);
void Health(Context& c);
void MetricsText(Context& c);
// users.cpp
void Register(Context& c);
void Login(Context& c);
void Logout(Context& c);
void GetMe(Context& c);
void PatchMe(Context& c);
void ChangePassword(Context& c);
void CreateTelegramLink(Context& c);
void DeleteTelegramLink(Context& c);
// tasks.cpp
void ListTasks(Context& c);
void CreateTask(Context& c);
void GetTask(Context& c);
void PatchTask(Context& c);
void DeleteTask(Context& c);
void ParseTask(Context& c);
void QuickAddTask(Context& c);

// Shared by handlers: the JSON object body (415 without a JSON content type,
// 400 when it is not a JSON object).
rapidjson::Document JsonBody(const Context& c);
// Throws 422 when `errors` is not empty.
void ThrowIfInvalid(const json::FieldErrors& errors);
// Sets a 200/201 JSON body.
void Reply(Context& c, int status, std::string body);

}  // namespace tudushka::api
