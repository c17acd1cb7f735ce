#include "log.h"

#include <QDateTime>

#include <cstdio>

namespace tavern::server {

namespace {
LogLevel g_level = LogLevel::Info;

const char *levelName(LogLevel l)
{
    switch (l) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
    }
    return "info";
}

// Values with spaces, quotes or '=' are quoted so each line parses unambiguously.
QString quoted(const QString &v)
{
    bool plain = !v.isEmpty();
    for (QChar c : v)
        plain = plain && c > QLatin1Char(' ') && c != QLatin1Char('"') && c != QLatin1Char('=');
    if (plain)
        return v;
    QString out = v;
    out.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    out.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    return QLatin1Char('"') + out + QLatin1Char('"');
}
} // namespace

void setLogLevel(LogLevel level)
{
    g_level = level;
}

bool parseLogLevel(const QString &name, LogLevel *out)
{
    for (LogLevel l : {LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error}) {
        if (name == QLatin1String(levelName(l))) {
            *out = l;
            return true;
        }
    }
    return false;
}

void logEvent(LogLevel level, const char *event, std::initializer_list<LogField> fields)
{
    if (level < g_level)
        return;
    QString line = QStringLiteral("ts=%1 level=%2 event=%3")
                       .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs),
                            QLatin1String(levelName(level)), QLatin1String(event));
    for (const auto &[key, value] : fields)
        line += QLatin1Char(' ') + QLatin1String(key) + QLatin1Char('=') + quoted(value);
    line += QLatin1Char('\n');
    const QByteArray utf8 = line.toUtf8();
    std::fwrite(utf8.constData(), 1, size_t(utf8.size()), stderr);
    std::fflush(stderr);
}

} // namespace tavern::server
