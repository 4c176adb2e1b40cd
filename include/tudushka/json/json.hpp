// RapidJSON helpers: strict parsing of request bodies, typed field readers that
// collect per-field validation errors, and a writer alias for responses.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tudushka::json {

// The body is not JSON, not UTF-8, or not the expected top-level type.
class BadJson : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses `body` as one JSON object (UTF-8 validated). Throws BadJson with a
// message that says what is wrong and where.
rapidjson::Document ParseObject(std::string_view body);

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or stray bytes).
bool ValidUtf8(std::string_view s);

// Number of Unicode code points in valid UTF-8 text.
std::size_t CountChars(std::string_view utf8);

// field name -> short reason ("required", "must be a string", ...).
using FieldErrors = std::map<std::string, std::string>;

// A member as sent: absent, null, or a value.
template <class T>
struct Field {
  bool present = false;
  bool null = false;
  T value{};
  bool HasValue() const { return present && !null; }
};

// PATCH semantics of a nullable member: absent -> nullopt (leave as is), null -> an
// empty inner optional (clear), a value -> that value.
template <class T>
std::optional<std::optional<T>> AsPatch(const Field<T>& f) {
  if (!f.present) return std::nullopt;
  if (f.null) return std::optional<T>{};
  return std::optional<T>{f.value};
}

// Reads typed members of one object; every problem is recorded in `errors`
// (the first per field wins) and the field comes back as absent.
class ObjectReader {
 public:
  ObjectReader(const rapidjson::Value& object, FieldErrors& errors)
      : object_(object), errors_(errors) {}

  Field<std::string> String(const char* name, std::size_t min_chars, std::size_t max_chars,
                            bool nullable = false);
  Field<bool> Bool(const char* name);
  Field<std::int64_t> Int(const char* name, std::int64_t min, std::int64_t max,
                          bool nullable = false);
  Field<std::vector<std::string>> StringArray(const char* name, std::size_t max_items,
                                              std::size_t max_chars);
  // Records "required" when `field` was not sent (or was null).
  template <class T>
  void Require(const char* name, const Field<T>& field) {
    if (!field.HasValue() && !errors_.count(name)) errors_[name] = "required";
  }
  void Fail(const std::string& name, const std::string& reason) {
    if (!errors_.count(name)) errors_[name] = reason;
  }

 private:
  const rapidjson::Value* Member(const char* name);

  const rapidjson::Value& object_;
  FieldErrors& errors_;
};

using Buffer = rapidjson::StringBuffer;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline void String(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
inline void NullableString(Writer& w, const std::optional<std::string>& s) {
  if (s)
    String(w, *s);
  else
    w.Null();
}

}  // namespace tudushka::json
