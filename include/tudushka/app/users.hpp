// Accounts and sessions: registration, login, bearer tokens (stored as SHA-256),
// profile updates with write-only AI keys sealed under the server key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tudushka/db/db.hpp"

namespace tudushka::app {

struct User {
  std::int64_t id = 0;
  std::string username;
  std::optional<std::string> email;
  std::string language;
  std::string timezone;
  std::optional<std::string> ai_provider;
  std::optional<std::string> ai_model;
  bool has_openai_key = false;
  bool has_perplexity_key = false;
  bool telegram_linked = false;
  std::string created_at;
  std::optional<int> digest_hour;  // local hour of the bot's morning digest; nullopt = off
};

struct Session {
  std::string token;
  std::string expires_at;
};

// Who a bearer token belongs to (enough to serve most requests without another query).
struct Caller {
  std::int64_t user_id = 0;
  std::string timezone;
  std::string language;
  std::string token_hash;
  std::int64_t expires_at = 0;  // when the token expires, Unix seconds
};

struct Registration {
  std::string username;
  std::string password;
  std::optional<std::string> email;
  std::string language = "en";
  std::string timezone = "UTC";
};

// A PATCH of the profile: each member set only when the client sent it;
// an inner nullopt means "clear".
struct ProfilePatch {
  std::optional<std::optional<std::string>> email;
  std::optional<std::string> language;
  std::optional<std::string> timezone;
  std::optional<std::optional<std::string>> ai_provider;
  std::optional<std::optional<std::string>> ai_model;
  std::optional<std::optional<std::string>> openai_api_key;
  std::optional<std::optional<std::string>> perplexity_api_key;
  std::optional<std::optional<int>> digest_hour;  // 0..23, or inner nullopt = off
};

struct TelegramLink {
  std::string code;
  std::string expires_at;
};

// SQL used by this file, prepared on every connection.
const std::vector<const db::Statement*>& UserStatements();

// Throws Invalid (bad fields) or Conflict (username taken).
User Register(db::Connection& db, const Registration& r);
// Throws Unauthorized on a wrong username or password (same message for both).
User CheckCredentials(db::Connection& db, const std::string& username, const std::string& password);
Session CreateSession(db::Connection& db, std::int64_t user_id, long ttl_seconds);
// nullopt for unknown or expired tokens.
std::optional<Caller> Authenticate(db::Connection& db, const std::string& token);
void RevokeSession(db::Connection& db, const std::string& token_hash);

User GetUser(db::Connection& db, std::int64_t user_id);
// Validates and applies; AI keys are sealed with `secret_key`. Throws Invalid.
User UpdateProfile(db::Connection& db, std::int64_t user_id, const ProfilePatch& patch,
                   const std::string& secret_key);
// Verifies the old password, stores the new one and revokes every other session.
void ChangePassword(db::Connection& db, const Caller& caller, const std::string& old_password,
                    const std::string& new_password);

// A fresh one-time code (15 minutes); older codes of the user stop working.
TelegramLink CreateTelegramLink(db::Connection& db, std::int64_t user_id);
void UnlinkTelegram(db::Connection& db, std::int64_t user_id);

// Field rules shared with other callers (the bot, tests).
bool ValidUsername(const std::string& username);
bool ValidLanguage(const std::string& language);

}  // namespace tudushka::app
