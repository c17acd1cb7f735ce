// Structured log lines (logfmt: ts=... level=... event=... key=value) on stderr, one event
// per line, so operators can grep and ship them. Never logs keys, signatures or payloads.
#pragma once

#include <QString>

#include <initializer_list>
#include <utility>

namespace tavern::server {

enum class LogLevel { Debug, Info, Warn, Error };

using LogField = std::pair<const char *, QString>;

void setLogLevel(LogLevel level);
[[nodiscard]] bool parseLogLevel(const QString &name, LogLevel *out);
void logEvent(LogLevel level, const char *event, std::initializer_list<LogField> fields = {});

} // namespace tavern::server
