// Server configuration: flags and an optional key = value file with the same names. Every
// limit the server enforces is here, with the default an operator gets.
#pragma once

#include "common/result.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace tavern::server {

struct Limits
{
    qsizetype maxFrameBytes = 5 * 1024 * 1024; // one 4 MiB keg plus envelope
    double ratePerSecond = 200;                // frames per connection, token bucket
    double rateBurst = 400;
    int authTimeoutMs = 10000; // an unauthenticated connection is closed after this
    int maxKegsPerRequest = 100;
    int maxConnectionsPerUser = 8;
    int challengeTtlMs = 60000;
    int maxPageSize = 500;      // keg.list / bootkeg.get page cap
    int maxConnections = 10000; // total, before the listener pauses
};

struct Config
{
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 listenPort = 7447;
    QString tlsCert;
    QString tlsKey;
    bool allowPlainRemote = false;               // ws:// on a non-loopback address only when forced
    QString storage;                             // "sqlite:PATH"
    QString sqliteSync = QStringLiteral("full"); // full: durable on power loss; normal: on crash
    QString logLevel = QStringLiteral("info");   // debug, info, warn, error
    Limits limits;

    bool tls() const { return !tlsCert.isEmpty(); }
    QString sqlitePath() const; // empty unless storage is sqlite:
};

enum class ConfigOutcome { Run, ExitOk };

struct ParsedConfig
{
    ConfigOutcome outcome = ConfigOutcome::Run;
    Config config;
    QString text; // --help / --version output
};

// args includes argv[0]. Flags override the config file; both override defaults.
[[nodiscard]] Result<ParsedConfig> parseConfig(const QStringList &args);

} // namespace tavern::server
