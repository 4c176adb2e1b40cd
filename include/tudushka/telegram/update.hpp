// Telegram updates in (the few fields the bot uses) and Bot API calls out.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tudushka::telegram {

struct Update {
  enum class Kind { kMessage, kCallback, kOther };
  std::int64_t update_id = 0;
  Kind kind = Kind::kOther;
  std::int64_t chat_id = 0;
  std::string text;             // message text (kMessage)
  std::string language_code;    // the sender's Telegram language, for chats not linked yet
  std::string callback_id;      // kCallback
  std::string data;             // callback data
  std::int64_t message_id = 0;  // the message the button belongs to (kCallback)
};

// An update the bot cannot read; `update_id` is set when at least that was readable.
class MalformedUpdate : public std::runtime_error {
 public:
  MalformedUpdate(const std::string& why, std::optional<std::int64_t> id)
      : std::runtime_error(why), update_id(id) {}
  std::optional<std::int64_t> update_id;
};

// Reads one element of getUpdates' result. Kinds the bot does not handle (edited
// messages, stickers without text, ...) come back as kOther. Throws MalformedUpdate.
Update ParseUpdate(const rapidjson::Value& v);

struct Button {
  std::string text;
  std::string data;  // callback data, at most 64 bytes
};
using Keyboard = std::vector<std::vector<Button>>;

// One Bot API call, made after the update's transaction has committed.
struct Outgoing {
  std::string method;
  std::string body;  // JSON
};

Outgoing SendMessage(std::int64_t chat_id, const std::string& text, const Keyboard& keyboard = {});
// Replaces text and buttons of a message the bot sent earlier.
Outgoing EditMessage(std::int64_t chat_id, std::int64_t message_id, const std::string& text,
                     const Keyboard& keyboard = {});
Outgoing AnswerCallback(const std::string& callback_id, const std::string& text = "");

}  // namespace tudushka::telegram
