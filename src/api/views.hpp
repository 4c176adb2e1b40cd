// JSON representations of app objects (private to the api module).
#pragma once

#include <string>

#include "tudushka/app/tasks.hpp"
#include "tudushka/app/users.hpp"
#include "tudushka/json/json.hpp"

namespace tudushka::api {

void WriteUser(json::Writer& w, const app::User& u);
void WriteTask(json::Writer& w, const app::Task& t);
std::string TaskJson(const app::Task& t);
std::string UserJson(const app::User& u);

}  // namespace tudushka::api
