// Structured logging: one logfmt line per event on stderr (journald keeps it).
//   time=2026-11-27T16:00:00.123Z level=info pid=42 msg="worker started" slot=3
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "tudushka/core/config.hpp"

namespace tudushka::core {

using LogField = std::pair<std::string_view, std::string>;

void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);

// Writes one line (a single write(2), so lines from workers never interleave).
void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});

inline void LogInfo(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, m, f);
}
inline void LogWarn(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarn, m, f);
}
inline void LogError(std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, m, f);
}

}  // namespace tudushka::core
