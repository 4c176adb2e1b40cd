#include "tudushka/app/users.hpp"

#include "handlers.hpp"
#include "tudushka/core/crypto.hpp"
#include "views.hpp"

namespace tudushka::api {
namespace {

std::string TokenResponse(const app::Session& s, const app::User& u) {
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("token");
  json::String(w, s.token);
  w.Key("expires_at");
  json::String(w, s.expires_at);
  w.Key("user");
  WriteUser(w, u);
  w.EndObject();
  return buf.GetString();
}

}  // namespace

void Register(Context& c) {
  auto body = JsonBody(c);
  json::FieldErrors errors;
  json::ObjectReader in(body, errors);
  auto username = in.String("username", 1, 200);
  auto password = in.String("password", 1, 1024);
  auto email = in.String("email", 1, 254, true);
  auto language = in.String("language", 1, 8);
  auto timezone = in.String("timezone", 1, 64);
  in.Require("username", username);
  in.Require("password", password);
  ThrowIfInvalid(errors);
  app::Registration r;
  r.username = username.value;
  r.password = password.value;
  if (email.HasValue()) r.email = email.value;
  if (language.present) r.language = language.value;
  if (timezone.present) r.timezone = timezone.value;
  app::User user = app::Register(c.db, r);
  Reply(c, 201, TokenResponse(app::CreateSession(c.db, user.id, c.config.token_ttl), user));
}

void Login(Context& c) {
  auto body = JsonBody(c);
  json::FieldErrors errors;
  json::ObjectReader in(body, errors);
  auto username = in.String("username", 1, 200);
  auto password = in.String("password", 1, 1024);
  in.Require("username", username);
  in.Require("password", password);
  ThrowIfInvalid(errors);
  app::User user = app::CheckCredentials(c.db, username.value, password.value);
  Reply(c, 200, TokenResponse(app::CreateSession(c.db, user.id, c.config.token_ttl), user));
}

void Logout(Context& c) {
  app::RevokeSession(c.db, c.Caller().token_hash);
  c.res.status = 204;
}

void GetMe(Context& c) { Reply(c, 200, UserJson(app::GetUser(c.db, c.Caller().user_id))); }

void PatchMe(Context& c) {
  const app::Caller& caller = c.Caller();
  auto body = JsonBody(c);
  json::FieldErrors errors;
  json::ObjectReader in(body, errors);
  app::ProfilePatch p;
  p.email = json::AsPatch(in.String("email", 1, 254, true));
  auto language = in.String("language", 1, 8);
  if (language.present) p.language = language.value;
  auto timezone = in.String("timezone", 1, 64);
  if (timezone.present) p.timezone = timezone.value;
  p.ai_provider = json::AsPatch(in.String("ai_provider", 1, 32, true));
  p.ai_model = json::AsPatch(in.String("ai_model", 1, 100, true));
  p.openai_api_key = json::AsPatch(in.String("openai_api_key", 1, 400, true));
  p.perplexity_api_key = json::AsPatch(in.String("perplexity_api_key", 1, 400, true));
  auto digest_hour = in.Int("digest_hour", 0, 23, true);
  if (digest_hour.present)
    p.digest_hour = digest_hour.null ? std::optional<int>{} : static_cast<int>(digest_hour.value);
  ThrowIfInvalid(errors);
  Reply(c, 200, UserJson(app::UpdateProfile(c.db, caller.user_id, p, c.config.secret_key)));
}

void ChangePassword(Context& c) {
  const app::Caller& caller = c.Caller();
  auto body = JsonBody(c);
  json::FieldErrors errors;
  json::ObjectReader in(body, errors);
  auto old_password = in.String("old_password", 1, 1024);
  auto new_password = in.String("new_password", 1, 1024);
  in.Require("old_password", old_password);
  in.Require("new_password", new_password);
  ThrowIfInvalid(errors);
  app::ChangePassword(c.db, caller, old_password.value, new_password.value);
  c.res.status = 204;
}

void CreateTelegramLink(Context& c) {
  app::TelegramLink link = app::CreateTelegramLink(c.db, c.Caller().user_id);
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("code");
  json::String(w, link.code);
  w.Key("expires_at");
  json::String(w, link.expires_at);
  w.Key("url");
  if (c.config.telegram_bot_username.empty())
    w.Null();
  else
    json::String(w, "https://t.me/" + c.config.telegram_bot_username + "?start=" + link.code);
  w.EndObject();
  Reply(c, 201, buf.GetString());
}

void DeleteTelegramLink(Context& c) {
  app::UnlinkTelegram(c.db, c.Caller().user_id);
  c.res.status = 204;
}

}  // namespace tudushka::api
