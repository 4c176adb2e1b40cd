// Private to the parser: UTF-8 decoding, case folding and tokenizing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tudushka::parser::detail {

// Code points of `utf8`; every byte that is not part of a well-formed sequence (overlong,
// surrogate, truncated, > U+10FFFF) becomes one U+FFFD.
std::u32string Decode(std::string_view utf8);
void AppendUtf8(char32_t cp, std::string* out);
std::string Encode(std::u32string_view text);

bool IsSpace(char32_t cp);
bool IsWordChar(char32_t cp);  // letters and digits of any script, '_'
// Lower case for ASCII and Cyrillic, with 'ё' folded to 'е' (people type both).
char32_t Fold(char32_t cp);

enum class TokenKind { kWord, kPunct, kTag, kPriority };

struct Token {
  TokenKind kind;
  int start;  // code-point offsets [start, end)
  int end;
  std::string text;  // folded; for tags the name without '#'
  std::string raw;   // tags only: the name as typed
  int level = 0;     // priorities: 1..3
};

// Words are runs of word characters; digits joined by ':' '.' '/' '-' stay one word
// ("18:00", "25.12.2027", "9:30pm"). '#name' after a non-word character is a tag, '!level'
// (!1..!3, !low, !high, !urgent, !важно, !срочно) a priority.
std::vector<Token> Tokenize(std::u32string_view text);

}  // namespace tudushka::parser::detail
