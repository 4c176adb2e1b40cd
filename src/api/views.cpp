#include "views.hpp"

namespace tudushka::api {

void WriteUser(json::Writer& w, const app::User& u) {
  w.StartObject();
  w.Key("id");
  w.Int64(u.id);
  w.Key("username");
  json::String(w, u.username);
  w.Key("email");
  json::NullableString(w, u.email);
  w.Key("language");
  json::String(w, u.language);
  w.Key("timezone");
  json::String(w, u.timezone);
  w.Key("ai_provider");
  json::NullableString(w, u.ai_provider);
  w.Key("ai_model");
  json::NullableString(w, u.ai_model);
  w.Key("has_openai_key");
  w.Bool(u.has_openai_key);
  w.Key("has_perplexity_key");
  w.Bool(u.has_perplexity_key);
  w.Key("telegram_linked");
  w.Bool(u.telegram_linked);
  w.Key("digest_hour");
  if (u.digest_hour)
    w.Int(*u.digest_hour);
  else
    w.Null();
  w.Key("created_at");
  json::String(w, u.created_at);
  w.EndObject();
}

void WriteTask(json::Writer& w, const app::Task& t) {
  w.StartObject();
  w.Key("id");
  w.Int64(t.id);
  w.Key("title");
  json::String(w, t.title);
  w.Key("description");
  json::String(w, t.description);
  w.Key("completed");
  w.Bool(t.completed);
  w.Key("completed_at");
  json::NullableString(w, t.completed_at);
  w.Key("priority");
  w.Int(t.priority);
  w.Key("due_date");
  json::NullableString(w, t.due_date);
  w.Key("due_at");
  json::NullableString(w, t.due_at);
  w.Key("remind_at");
  json::NullableString(w, t.remind_at);
  w.Key("recurrence");
  json::NullableString(w, t.recurrence);
  w.Key("tags");
  w.RawValue(t.tags_json.data(), t.tags_json.size(), rapidjson::kArrayType);
  w.Key("position");
  w.Int64(t.position);
  w.Key("created_at");
  json::String(w, t.created_at);
  w.Key("updated_at");
  json::String(w, t.updated_at);
  w.EndObject();
}

std::string TaskJson(const app::Task& t) {
  json::Buffer buf;
  json::Writer w(buf);
  WriteTask(w, t);
  return buf.GetString();
}

std::string UserJson(const app::User& u) {
  json::Buffer buf;
  json::Writer w(buf);
  WriteUser(w, u);
  return buf.GetString();
}

}  // namespace tudushka::api
