#include "text.hpp"

#include <array>
#include <utility>

namespace tudushka::parser::detail {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Length of the sequence a lead byte starts and the smallest code point it may encode
// (anything below is an overlong form).
std::pair<int, char32_t> SequenceShape(unsigned char lead) {
  if (lead < 0x80) return {1, 0};
  if ((lead & 0xE0) == 0xC0) return {2, 0x80};
  if ((lead & 0xF0) == 0xE0) return {3, 0x800};
  if ((lead & 0xF8) == 0xF0) return {4, 0x10000};
  return {0, 0};
}

bool IsAsciiDigit(char32_t cp) { return cp >= '0' && cp <= '9'; }

bool IsJoiner(char32_t cp) { return cp == ':' || cp == '.' || cp == '/' || cp == '-'; }

struct PriorityWord {
  std::u32string_view word;
  int level;
};
constexpr std::array<PriorityWord, 7> kPriorityWords = {
    {{U"1", 1}, {U"2", 2}, {U"3", 3}, {U"low", 1}, {U"high", 2}, {U"важно", 2}, {U"urgent", 3}}};

int PriorityLevel(std::u32string_view folded) {
  if (folded == U"срочно") return 3;
  for (const PriorityWord& p : kPriorityWords) {
    if (p.word == folded) return p.level;
  }
  return 0;
}

std::u32string FoldAll(std::u32string_view s) {
  std::u32string out(s);
  for (char32_t& c : out) c = Fold(c);
  return out;
}

int WordEnd(std::u32string_view text, int from) {
  int n = static_cast<int>(text.size());
  while (from < n && IsWordChar(text[from])) ++from;
  return from;
}

bool StartsAfterBoundary(std::u32string_view text, int i) {
  return i == 0 || !IsWordChar(text[i - 1]);
}

}  // namespace

std::u32string Decode(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  size_t i = 0;
  while (i < utf8.size()) {
    auto lead = static_cast<unsigned char>(utf8[i]);
    auto [len, min] = SequenceShape(lead);
    if (len == 1) {
      out.push_back(lead);
      ++i;
      continue;
    }
    char32_t cp = len == 0 ? 0 : lead & (0x7F >> len);
    bool ok = len > 0 && i + len <= utf8.size();
    for (int k = 1; ok && k < len; ++k) {
      auto b = static_cast<unsigned char>(utf8[i + k]);
      ok = (b & 0xC0) == 0x80;
      cp = (cp << 6) | (b & 0x3F);
    }
    ok = ok && cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    out.push_back(ok ? cp : kReplacement);
    i += ok ? len : 1;
  }
  return out;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string Encode(std::u32string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (char32_t cp : text) AppendUtf8(cp, &out);
  return out;
}

bool IsSpace(char32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

bool IsWordChar(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || IsAsciiDigit(cp) || cp == '_';
  }
  // Non-ASCII counts as a letter unless it is a space, a C1 control, Latin-1 punctuation,
  // general punctuation (dashes, quotes, ellipsis) or the replacement character.
  if (IsSpace(cp) || cp < 0xA0 || cp == kReplacement) return false;
  if (cp <= 0xBF) return false;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2010 && cp <= 0x205E) return false;
  if (cp >= 0x3000 && cp <= 0x303F) return false;
  return true;
}

char32_t Fold(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + ('a' - 'A');
  if (cp >= 0x410 && cp <= 0x42F)
    cp += 0x20;  // А..Я
  else if (cp >= 0x400 && cp <= 0x40F)
    cp += 0x50;                               // Ѐ..Џ, Ё
  return cp == 0x451 ? char32_t{0x435} : cp;  // ё -> е
}

std::vector<Token> Tokenize(std::u32string_view text) {
  std::vector<Token> tokens;
  int n = static_cast<int>(text.size());
  int i = 0;
  while (i < n) {
    char32_t c = text[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    bool marker = (c == '#' || c == '!') && StartsAfterBoundary(text, i) && i + 1 < n &&
                  IsWordChar(text[i + 1]);
    if (marker && c == '#') {
      int j = i + 1;
      while (j < n &&
             (IsWordChar(text[j]) || (text[j] == '-' && j + 1 < n && IsWordChar(text[j + 1])))) {
        ++j;
      }
      std::u32string_view name = text.substr(i + 1, j - i - 1);
      tokens.push_back({TokenKind::kTag, i, j, Encode(FoldAll(name)), Encode(name)});
      i = j;
      continue;
    }
    if (marker && c == '!') {
      int j = WordEnd(text, i + 1);
      int level = PriorityLevel(FoldAll(text.substr(i + 1, j - i - 1)));
      if (level > 0) {
        tokens.push_back({TokenKind::kPriority, i, j, "", "", level});
        i = j;
        continue;
      }
    }
    if (IsWordChar(c)) {
      int j = WordEnd(text, i);
      while (j + 1 < n && IsJoiner(text[j]) && IsAsciiDigit(text[j - 1]) &&
             IsAsciiDigit(text[j + 1])) {
        j = WordEnd(text, j + 1);
      }
      tokens.push_back({TokenKind::kWord, i, j, Encode(FoldAll(text.substr(i, j - i))), ""});
      i = j;
      continue;
    }
    tokens.push_back({TokenKind::kPunct, i, i + 1, Encode(std::u32string(1, Fold(c))), ""});
    ++i;
  }
  return tokens;
}

}  // namespace tudushka::parser::detail
