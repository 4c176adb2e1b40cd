#include "tudushka/telegram/update.hpp"

#include "tudushka/json/json.hpp"

namespace tudushka::telegram {
namespace {

const rapidjson::Value* Member(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

// A required integer member; throws MalformedUpdate naming it.
std::int64_t Int(const rapidjson::Value& v, const char* name, std::optional<std::int64_t> id) {
  const auto* m = v.IsObject() ? Member(v, name) : nullptr;
  if (!m || !m->IsInt64()) throw MalformedUpdate(std::string(name) + " is not an integer", id);
  return m->GetInt64();
}

const rapidjson::Value& Object(const rapidjson::Value& v, const char* name,
                               std::optional<std::int64_t> id) {
  const auto* m = v.IsObject() ? Member(v, name) : nullptr;
  if (!m || !m->IsObject()) throw MalformedUpdate(std::string(name) + " is not an object", id);
  return *m;
}

// An optional string member: absent is "", any other type is malformed.
std::string OptString(const rapidjson::Value& v, const char* name, std::optional<std::int64_t> id) {
  const auto* m = Member(v, name);
  if (!m || m->IsNull()) return "";
  if (!m->IsString()) throw MalformedUpdate(std::string(name) + " is not a string", id);
  return {m->GetString(), m->GetStringLength()};
}

void WriteKeyboard(json::Writer& w, const Keyboard& keyboard) {
  w.Key("reply_markup");
  w.StartObject();
  w.Key("inline_keyboard");
  w.StartArray();
  for (const auto& row : keyboard) {
    w.StartArray();
    for (const auto& b : row) {
      w.StartObject();
      w.Key("text");
      json::String(w, b.text);
      w.Key("callback_data");
      json::String(w, b.data);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

Update ParseUpdate(const rapidjson::Value& v) {
  if (!v.IsObject()) throw MalformedUpdate("update is not an object", std::nullopt);
  Update u;
  u.update_id = Int(v, "update_id", std::nullopt);
  std::optional<std::int64_t> id = u.update_id;
  if (Member(v, "message")) {
    const auto& m = Object(v, "message", id);
    u.kind = Update::Kind::kMessage;
    u.chat_id = Int(Object(m, "chat", id), "id", id);
    u.text = OptString(m, "text", id);
    if (const auto* from = Member(m, "from"); from && from->IsObject())
      u.language_code = OptString(*from, "language_code", id);
    if (u.text.empty()) u.kind = Update::Kind::kOther;  // photos, stickers, ...
  } else if (Member(v, "callback_query")) {
    const auto& q = Object(v, "callback_query", id);
    u.kind = Update::Kind::kCallback;
    const auto* cid = Member(q, "id");
    if (!cid || !(cid->IsString() || cid->IsInt64()))
      throw MalformedUpdate("callback_query.id is missing", id);
    u.callback_id = cid->IsString() ? cid->GetString() : std::to_string(cid->GetInt64());
    u.data = OptString(q, "data", id);
    const auto& m = Object(q, "message", id);
    u.message_id = Int(m, "message_id", id);
    u.chat_id = Int(Object(m, "chat", id), "id", id);
    if (const auto* from = Member(q, "from"); from && from->IsObject())
      u.language_code = OptString(*from, "language_code", id);
  }
  return u;
}

Outgoing SendMessage(std::int64_t chat_id, const std::string& text, const Keyboard& keyboard) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("chat_id");
  w.Int64(chat_id);
  w.Key("text");
  json::String(w, text);
  if (!keyboard.empty()) WriteKeyboard(w, keyboard);
  w.EndObject();
  return {"sendMessage", buf.GetString()};
}

Outgoing EditMessage(std::int64_t chat_id, std::int64_t message_id, const std::string& text,
                     const Keyboard& keyboard) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("chat_id");
  w.Int64(chat_id);
  w.Key("message_id");
  w.Int64(message_id);
  w.Key("text");
  json::String(w, text);
  WriteKeyboard(w, keyboard);  // an empty keyboard removes the buttons
  w.EndObject();
  return {"editMessageText", buf.GetString()};
}

Outgoing AnswerCallback(const std::string& callback_id, const std::string& text) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("callback_query_id");
  json::String(w, callback_id);
  if (!text.empty()) {
    w.Key("text");
    json::String(w, text);
  }
  w.EndObject();
  return {"answerCallbackQuery", buf.GetString()};
}

}  // namespace tudushka::telegram
