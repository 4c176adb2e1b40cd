#include "tudushka/json/json.hpp"

#include <rapidjson/error/en.h>

namespace tudushka::json {

rapidjson::Document ParseObject(std::string_view body) {
  rapidjson::Document doc;
  if (body.empty()) throw BadJson("request body is empty; expected a JSON object");
  // RapidJSON takes a NUL for the end of the text and would ignore whatever follows it.
  if (auto nul = body.find('\0'); nul != std::string_view::npos)
    throw BadJson("request body contains a NUL byte (at byte " + std::to_string(nul) + ")");
  // Iterative: a deeply nested body must not recurse the worker's stack away.
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(body.data(),
                                                                                    body.size());
  if (doc.HasParseError()) {
    std::string at = " (at byte " + std::to_string(doc.GetErrorOffset()) + ")";
    switch (doc.GetParseError()) {
      case rapidjson::kParseErrorStringInvalidEncoding:
        throw BadJson("request body is not valid UTF-8" + at);
      case rapidjson::kParseErrorDocumentRootNotSingular:
        throw BadJson("request body has data after the JSON value" + at);
      default:
        throw BadJson(std::string("request body is not valid JSON: ") +
                      rapidjson::GetParseError_En(doc.GetParseError()) + at);
    }
  }
  if (!doc.IsObject()) throw BadJson("request body must be a JSON object");
  return doc;
}

bool ValidUtf8(std::string_view s) {
  static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    std::size_t n;  // continuation bytes
    if (c < 0x80)
      n = 0;
    else if ((c >> 5) == 0x6)
      n = 1;
    else if ((c >> 4) == 0xE)
      n = 2;
    else if ((c >> 3) == 0x1E)
      n = 3;
    else
      return false;
    if (s.size() - i <= n) return false;
    std::uint32_t cp = n == 0 ? c : c & (0x3F >> n);
    for (std::size_t k = 1; k <= n; ++k) {
      unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if (cp < kMin[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return false;
    i += n + 1;
  }
  return true;
}

std::size_t CountChars(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

const rapidjson::Value* ObjectReader::Member(const char* name) {
  auto it = object_.FindMember(name);
  return it == object_.MemberEnd() ? nullptr : &it->value;
}

Field<std::string> ObjectReader::String(const char* name, std::size_t min_chars,
                                        std::size_t max_chars, bool nullable) {
  Field<std::string> f;
  const auto* v = Member(name);
  if (!v) return f;
  if (v->IsNull()) {
    if (!nullable) {
      Fail(name, "must not be null");
      return f;
    }
    f.present = f.null = true;
    return f;
  }
  if (!v->IsString()) {
    Fail(name, "must be a string");
    return f;
  }
  std::string_view s(v->GetString(), v->GetStringLength());
  if (s.find('\0') != std::string_view::npos) {
    Fail(name, "must not contain NUL characters");
    return f;
  }
  std::size_t n = CountChars(s);
  if (n < min_chars) {
    Fail(name, min_chars == 1 ? "must not be empty"
                              : "must be at least " + std::to_string(min_chars) + " characters");
    return f;
  }
  if (n > max_chars) {
    Fail(name, "must be at most " + std::to_string(max_chars) + " characters");
    return f;
  }
  f.present = true;
  f.value.assign(s);
  return f;
}

Field<bool> ObjectReader::Bool(const char* name) {
  Field<bool> f;
  const auto* v = Member(name);
  if (!v) return f;
  if (!v->IsBool()) {
    Fail(name, "must be true or false");
    return f;
  }
  f.present = true;
  f.value = v->GetBool();
  return f;
}

Field<std::int64_t> ObjectReader::Int(const char* name, std::int64_t min, std::int64_t max,
                                      bool nullable) {
  Field<std::int64_t> f;
  const auto* v = Member(name);
  if (!v) return f;
  if (v->IsNull() && nullable) {
    f.present = f.null = true;
    return f;
  }
  if (!v->IsInt64()) {
    Fail(name, "must be an integer");
    return f;
  }
  std::int64_t n = v->GetInt64();
  if (n < min || n > max) {
    Fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return f;
  }
  f.present = true;
  f.value = n;
  return f;
}

Field<std::vector<std::string>> ObjectReader::StringArray(const char* name, std::size_t max_items,
                                                          std::size_t max_chars) {
  Field<std::vector<std::string>> f;
  const auto* v = Member(name);
  if (!v) return f;
  if (v->IsNull()) {
    f.present = true;  // null means "no tags"
    return f;
  }
  if (!v->IsArray()) {
    Fail(name, "must be an array of strings");
    return f;
  }
  if (v->Size() > max_items) {
    Fail(name, "must have at most " + std::to_string(max_items) + " items");
    return f;
  }
  for (const auto& item : v->GetArray()) {
    if (!item.IsString()) {
      Fail(name, "must be an array of strings");
      return f;
    }
    std::string_view s(item.GetString(), item.GetStringLength());
    std::size_t n = CountChars(s);
    if (n == 0 || n > max_chars || s.find('\0') != std::string_view::npos) {
      Fail(name, "each item must be 1 to " + std::to_string(max_chars) + " characters");
      return f;
    }
    f.value.emplace_back(s);
  }
  f.present = true;
  return f;
}

}  // namespace tudushka::json
