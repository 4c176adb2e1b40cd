#include "tudushka/app/users.hpp"

#include "tudushka/app/errors.hpp"
#include "tudushka/core/crypto.hpp"
#include "tudushka/core/time.hpp"
#include "tudushka/json/json.hpp"

namespace tudushka::app {
namespace {

constexpr const char* kUserColumns =
    "id, username, email, language, timezone, ai_provider, ai_model, "
    "openai_key_box IS NOT NULL, perplexity_key_box IS NOT NULL, telegram_chat_id IS NOT NULL, "
    "created_at, digest_hour";

const db::Statement kInsertUser{
    "user_insert",
    "INSERT INTO users (username, password_hash, email, language, timezone) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id"};
const db::Statement kUserByName{
    "user_by_name", "SELECT id, password_hash FROM users WHERE lower(username) = lower($1)"};
const std::string kSelectUserSql =
    std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1";
const db::Statement kSelectUser{"user_get", kSelectUserSql.c_str()};
const db::Statement kInsertSession{
    "session_insert",
    "INSERT INTO sessions (token_hash, user_id, expires_at) "
    "VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING expires_at"};
const db::Statement kAuthenticate{
    "session_auth",
    "SELECT s.user_id, u.timezone, u.language, floor(extract(epoch FROM s.expires_at))::bigint "
    "FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.token_hash = $1 AND s.expires_at > now()"};
const db::Statement kRevoke{"session_revoke", "DELETE FROM sessions WHERE token_hash = $1"};
const db::Statement kRevokeOthers{"session_revoke_others",
                                  "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2"};
const db::Statement kUpdateProfile{
    "user_update",
    "UPDATE users SET email = $2, language = $3, timezone = $4, ai_provider = $5, ai_model = $6, "
    "openai_key_box = CASE WHEN $7::boolean THEN $8::bytea ELSE openai_key_box END, "
    "perplexity_key_box = CASE WHEN $9::boolean THEN $10::bytea ELSE perplexity_key_box END, "
    "digest_hour = $11 "
    "WHERE id = $1"};
const db::Statement kPasswordHash{"user_password", "SELECT password_hash FROM users WHERE id = $1"};
const db::Statement kSetPassword{"user_set_password",
                                 "UPDATE users SET password_hash = $2 WHERE id = $1"};
const db::Statement kDeleteLinkCodes{"tg_codes_delete",
                                     "DELETE FROM telegram_link_codes WHERE user_id = $1"};
const db::Statement kInsertLinkCode{
    "tg_code_insert",
    "INSERT INTO telegram_link_codes (code, user_id, expires_at) "
    "VALUES ($1, $2, now() + interval '15 minutes') RETURNING expires_at"};
const db::Statement kUnlink{"tg_unlink", "UPDATE users SET telegram_chat_id = NULL WHERE id = $1"};

User ReadUser(const db::Result& r) {
  User u;
  u.id = r.GetInt(0, 0);
  u.username = r.Get(0, 1);
  u.email = r.GetOpt(0, 2);
  u.language = r.Get(0, 3);
  u.timezone = r.Get(0, 4);
  u.ai_provider = r.GetOpt(0, 5);
  u.ai_model = r.GetOpt(0, 6);
  u.has_openai_key = r.GetBool(0, 7);
  u.has_perplexity_key = r.GetBool(0, 8);
  u.telegram_linked = r.GetBool(0, 9);
  u.created_at = r.GetTimestamp(0, 10);
  if (!r.IsNull(0, 11)) u.digest_hour = static_cast<int>(r.GetInt(0, 11));
  return u;
}

// bytea parameters in text format are "\x" + hex.
std::optional<std::string> SealedParam(const std::optional<std::string>& key,
                                       const std::string& secret_key) {
  if (!key) return std::nullopt;
  return "\\x" + core::HexEncode(core::SealSecret(secret_key, *key));
}

bool ValidEmail(const std::string& email) {
  auto at = email.find('@');
  return at != std::string::npos && at > 0 && at + 1 < email.size() &&
         email.find('@', at + 1) == std::string::npos &&
         email.find_first_of(" \t\r\n") == std::string::npos;
}

}  // namespace

const std::vector<const db::Statement*>& UserStatements() {
  static const std::vector<const db::Statement*> all = {
      &kInsertUser,      &kUserByName,     &kSelectUser,    &kInsertSession, &kAuthenticate,
      &kRevoke,          &kRevokeOthers,   &kUpdateProfile, &kPasswordHash,  &kSetPassword,
      &kDeleteLinkCodes, &kInsertLinkCode, &kUnlink};
  return all;
}

bool ValidUsername(const std::string& username) {
  std::size_t n = json::CountChars(username);
  if (n < 3 || n > 64) return false;
  for (unsigned char c : username) {
    if (c >= 0x80) continue;  // letters of other scripts (UTF-8 already validated)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

bool ValidLanguage(const std::string& language) { return language == "en" || language == "ru"; }

User Register(db::Connection& db, const Registration& r) {
  std::map<std::string, std::string> bad;
  if (!ValidUsername(r.username))
    bad["username"] = "must be 3 to 64 letters, digits, '.', '_' or '-'";
  if (json::CountChars(r.password) < 8) bad["password"] = "must be at least 8 characters";
  if (r.password.size() > 1024) bad["password"] = "must be at most 1024 bytes";
  if (r.email && !ValidEmail(*r.email)) bad["email"] = "is not an email address";
  if (!ValidLanguage(r.language)) bad["language"] = "must be \"ru\" or \"en\"";
  if (!core::FindZone(r.timezone))
    bad["timezone"] = "is not an IANA time zone (e.g. Europe/Moscow)";
  if (!bad.empty()) throw Invalid(bad);
  std::string hash = core::HashPassword(r.password);
  try {
    auto res = db.Exec(kInsertUser.name, {r.username, hash, r.email, r.language, r.timezone});
    return GetUser(db, res.GetInt(0, 0));
  } catch (const db::UniqueViolation&) {
    throw Conflict("username '" + r.username + "' is already taken");
  }
}

User CheckCredentials(db::Connection& db, const std::string& username,
                      const std::string& password) {
  auto res = db.Exec(kUserByName.name, {username});
  if (res.Empty() || !core::VerifyPassword(res.Get(0, 1), password))
    throw Unauthorized("invalid username or password");
  return GetUser(db, res.GetInt(0, 0));
}

Session CreateSession(db::Connection& db, std::int64_t user_id, long ttl_seconds) {
  Session s;
  s.token = core::RandomToken(32);
  auto res = db.Exec(kInsertSession.name,
                     {core::Sha256Hex(s.token), user_id, static_cast<std::int64_t>(ttl_seconds)});
  s.expires_at = res.GetTimestamp(0, 0);
  return s;
}

std::optional<Caller> Authenticate(db::Connection& db, const std::string& token) {
  if (token.empty() || token.size() > 256) return std::nullopt;
  Caller c;
  c.token_hash = core::Sha256Hex(token);
  auto res = db.Exec(kAuthenticate.name, {c.token_hash});
  if (res.Empty()) return std::nullopt;
  c.user_id = res.GetInt(0, 0);
  c.timezone = res.Get(0, 1);
  c.language = res.Get(0, 2);
  c.expires_at = res.GetInt(0, 3);
  return c;
}

void RevokeSession(db::Connection& db, const std::string& token_hash) {
  db.Exec(kRevoke.name, {token_hash});
}

User GetUser(db::Connection& db, std::int64_t user_id) {
  auto res = db.Exec(kSelectUser.name, {user_id});
  if (res.Empty()) throw NotFound("user not found");
  return ReadUser(res);
}

User UpdateProfile(db::Connection& db, std::int64_t user_id, const ProfilePatch& p,
                   const std::string& secret_key) {
  std::map<std::string, std::string> bad;
  if (p.email && *p.email && !ValidEmail(**p.email)) bad["email"] = "is not an email address";
  if (p.language && !ValidLanguage(*p.language)) bad["language"] = "must be \"ru\" or \"en\"";
  if (p.timezone && !core::FindZone(*p.timezone))
    bad["timezone"] = "is not an IANA time zone (e.g. Europe/Moscow)";
  if (p.ai_provider && *p.ai_provider && **p.ai_provider != "openai" &&
      **p.ai_provider != "perplexity")
    bad["ai_provider"] = "must be \"openai\" or \"perplexity\"";
  if (p.digest_hour && *p.digest_hour && (**p.digest_hour < 0 || **p.digest_hour > 23))
    bad["digest_hour"] = "must be an hour from 0 to 23, or null";
  if (!bad.empty()) throw Invalid(bad);
  bool keys =
      (p.openai_api_key && *p.openai_api_key) || (p.perplexity_api_key && *p.perplexity_api_key);
  if (keys && secret_key.size() != 32)
    throw std::runtime_error("TUDUSHKA_SECRET_KEY is not configured: cannot store API keys");

  return db.InTransaction([&] {
    User u = GetUser(db, user_id);
    std::optional<std::string> email = p.email ? *p.email : u.email;
    std::optional<std::string> provider = p.ai_provider ? *p.ai_provider : u.ai_provider;
    std::optional<std::string> model = p.ai_model ? *p.ai_model : u.ai_model;
    std::optional<std::string> openai = p.openai_api_key ? *p.openai_api_key : std::nullopt;
    std::optional<std::string> perplexity =
        p.perplexity_api_key ? *p.perplexity_api_key : std::nullopt;
    db.Exec(kUpdateProfile.name,
            {user_id, email, p.language.value_or(u.language), p.timezone.value_or(u.timezone),
             provider, model, p.openai_api_key.has_value(), SealedParam(openai, secret_key),
             p.perplexity_api_key.has_value(), SealedParam(perplexity, secret_key),
             p.digest_hour ? *p.digest_hour : u.digest_hour});
    return GetUser(db, user_id);
  });
}

void ChangePassword(db::Connection& db, const Caller& caller, const std::string& old_password,
                    const std::string& new_password) {
  auto res = db.Exec(kPasswordHash.name, {caller.user_id});
  if (res.Empty() || !core::VerifyPassword(res.Get(0, 0), old_password))
    throw Invalid("old_password", "is not your current password");
  if (json::CountChars(new_password) < 8)
    throw Invalid("new_password", "must be at least 8 characters");
  if (new_password.size() > 1024) throw Invalid("new_password", "must be at most 1024 bytes");
  std::string hash = core::HashPassword(new_password);
  db.InTransaction([&] {
    db.Exec(kSetPassword.name, {caller.user_id, hash});
    db.Exec(kRevokeOthers.name, {caller.user_id, caller.token_hash});
  });
}

TelegramLink CreateTelegramLink(db::Connection& db, std::int64_t user_id) {
  return db.InTransaction([&] {
    db.Exec(kDeleteLinkCodes.name, {user_id});
    TelegramLink link;
    link.code = core::RandomCode(8);
    auto res = db.Exec(kInsertLinkCode.name, {link.code, user_id});
    link.expires_at = res.GetTimestamp(0, 0);
    return link;
  });
}

void UnlinkTelegram(db::Connection& db, std::int64_t user_id) {
  db.InTransaction([&] {
    db.Exec(kUnlink.name, {user_id});
    db.Exec(kDeleteLinkCodes.name, {user_id});
  });
}

}  // namespace tudushka::app
