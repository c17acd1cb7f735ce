#include "config.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QStandardPaths>

namespace tavern::server {

namespace {

struct Key
{
    const char *name;
    const char *help;
    const char *valueName; // nullptr for a switch
};

// One table drives both --flags and config-file keys so they can never drift apart.
const Key Keys[] = {
    {"listen", "Address and port to listen on (default 127.0.0.1:7447; port 0 picks one).", "host:port"},
    {"tls-cert", "PEM certificate: serve wss:// instead of ws://.", "file"},
    {"tls-key", "PEM private key for --tls-cert (RSA or EC).", "file"},
    {"allow-plain-remote", "Allow ws:// (no TLS) on a non-loopback address.", nullptr},
    {"storage", "Storage URL, sqlite:PATH (default: tavern.sqlite in the data dir).", "url"},
    {"sqlite-sync", "SQLite durability: full (default, survives power loss) or normal.", "mode"},
    {"log-level", "debug, info (default), warn or error.", "level"},
    {"max-frame-bytes", "Largest frame accepted (default 5242880).", "n"},
    {"rate", "Frames per second per connection (default 200).", "n"},
    {"burst", "Frames a connection may send at once above the rate (default 400).", "n"},
    {"auth-timeout-ms", "Close connections that do not log in within this (default 10000).", "ms"},
    {"max-kegs-per-request", "Kegs in one keg.put or keg.get (default 100).", "n"},
    {"max-connections-per-user", "Simultaneous logged-in connections per user (default 8).", "n"},
    {"challenge-ttl-ms", "Lifetime of an auth challenge (default 60000).", "ms"},
    {"max-page-size", "Items per keg.list / bootkeg.get page (default 500).", "n"},
    {"max-connections", "Open connections in total (default 10000).", "n"},
};

Error bad(const QString &why)
{
    return Error{1, why};
}

Result<QHash<QString, QString>> readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return bad(QStringLiteral("cannot read config file %1: %2").arg(path, f.errorString()));
    QHash<QString, QString> out;
    int lineNo = 0;
    while (!f.atEnd()) {
        ++lineNo;
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq < 1)
            return bad(QStringLiteral("%1:%2: expected key = value").arg(path).arg(lineNo));
        out.insert(line.left(eq).trimmed(), line.mid(eq + 1).trimmed());
    }
    return out;
}

bool isSwitch(const QString &key)
{
    for (const Key &k : Keys) {
        if (key == QLatin1String(k.name))
            return k.valueName == nullptr;
    }
    return false;
}

bool known(const QString &key)
{
    for (const Key &k : Keys) {
        if (key == QLatin1String(k.name))
            return true;
    }
    return false;
}

template <typename T> Result<Ok> number(const QString &key, const QString &value, T &out, double min, double max)
{
    bool ok = false;
    const double v = value.toDouble(&ok);
    if (!ok || v < min || v > max)
        return bad(
            QStringLiteral("%1: expected a number from %2 to %3, got \"%4\"").arg(key).arg(min).arg(max).arg(value));
    out = T(v);
    return Ok{};
}

Result<Ok> apply(Config &c, const QString &key, const QString &value)
{
    Limits &l = c.limits;
    if (key == QLatin1String("listen")) {
        const qsizetype colon = value.lastIndexOf(QLatin1Char(':'));
        QString host = colon < 0 ? value : value.left(colon);
        if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
            host = host.mid(1, host.size() - 2);
        bool ok = true;
        const uint port = colon < 0 ? 7447 : value.mid(colon + 1).toUInt(&ok);
        QHostAddress addr;
        if (!ok || port > 65535
            || !(host == QLatin1String("localhost") ? addr.setAddress(QStringLiteral("127.0.0.1"))
                                                    : addr.setAddress(host)))
            return bad(QStringLiteral("listen: expected host:port, got \"%1\"").arg(value));
        c.listenAddress = addr;
        c.listenPort = quint16(port);
    } else if (key == QLatin1String("tls-cert")) {
        c.tlsCert = value;
    } else if (key == QLatin1String("tls-key")) {
        c.tlsKey = value;
    } else if (key == QLatin1String("allow-plain-remote")) {
        c.allowPlainRemote = value.isEmpty() || value == QLatin1String("true") || value == QLatin1String("1");
    } else if (key == QLatin1String("storage")) {
        c.storage = value;
    } else if (key == QLatin1String("sqlite-sync")) {
        if (value != QLatin1String("full") && value != QLatin1String("normal"))
            return bad(QStringLiteral("sqlite-sync: expected full or normal"));
        c.sqliteSync = value;
    } else if (key == QLatin1String("log-level")) {
        c.logLevel = value;
    } else if (key == QLatin1String("max-frame-bytes")) {
        return number(key, value, l.maxFrameBytes, 1024, 64.0 * 1024 * 1024);
    } else if (key == QLatin1String("rate")) {
        return number(key, value, l.ratePerSecond, 0.1, 1e6);
    } else if (key == QLatin1String("burst")) {
        return number(key, value, l.rateBurst, 1, 1e6);
    } else if (key == QLatin1String("auth-timeout-ms")) {
        return number(key, value, l.authTimeoutMs, 1, 3600e3);
    } else if (key == QLatin1String("max-kegs-per-request")) {
        return number(key, value, l.maxKegsPerRequest, 1, 10000);
    } else if (key == QLatin1String("max-connections-per-user")) {
        return number(key, value, l.maxConnectionsPerUser, 1, 10000);
    } else if (key == QLatin1String("challenge-ttl-ms")) {
        return number(key, value, l.challengeTtlMs, 0, 3600e3);
    } else if (key == QLatin1String("max-page-size")) {
        return number(key, value, l.maxPageSize, 1, 100000);
    } else if (key == QLatin1String("max-connections")) {
        return number(key, value, l.maxConnections, 1, 1e6);
    }
    return Ok{};
}

} // namespace

QString Config::sqlitePath() const
{
    return storage.startsWith(QLatin1String("sqlite:")) ? storage.mid(7) : QString();
}

Result<ParsedConfig> parseConfig(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Tavern server: stores encrypted KegDBs, authenticates devices, fans out updates."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Show the version."));
    const QCommandLineOption config(QStringLiteral("config"),
                                    QStringLiteral("Read settings from FILE (key = value lines)."),
                                    QStringLiteral("file"));
    p.addOption(help);
    p.addOption(version);
    p.addOption(config);
    for (const Key &k : Keys) {
        if (k.valueName)
            p.addOption(
                QCommandLineOption(QLatin1String(k.name), QString::fromUtf8(k.help), QLatin1String(k.valueName)));
        else
            p.addOption(QCommandLineOption(QLatin1String(k.name), QString::fromUtf8(k.help)));
    }
    if (!p.parse(args))
        return bad(p.errorText());
    ParsedConfig out;
    if (p.isSet(help) || p.isSet(version)) {
        out.outcome = ConfigOutcome::ExitOk;
        out.text =
            p.isSet(help) ? p.helpText() : QStringLiteral("tavern-server %1\n").arg(QStringLiteral(TAVERN_VERSION));
        return out;
    }
    if (!p.positionalArguments().isEmpty())
        return bad(QStringLiteral("unexpected argument \"%1\"").arg(p.positionalArguments().first()));

    Config &c = out.config;
    if (p.isSet(config)) {
        auto file = readFile(p.value(config));
        if (!file)
            return file.error();
        for (auto it = file->cbegin(); it != file->cend(); ++it) {
            if (!known(it.key()))
                return bad(QStringLiteral("config file: unknown key \"%1\"").arg(it.key()));
            if (auto r = apply(c, it.key(), it.value()); !r)
                return r.error();
        }
    }
    for (const Key &k : Keys) {
        const QString name = QLatin1String(k.name);
        if (p.isSet(name)) {
            if (auto r = apply(c, name, isSwitch(name) ? QString() : p.value(name)); !r)
                return r.error();
        }
    }
    if (c.tlsCert.isEmpty() != c.tlsKey.isEmpty())
        return bad(QStringLiteral("--tls-cert and --tls-key go together"));
    if (!c.tls() && !c.listenAddress.isLoopback() && !c.allowPlainRemote)
        return bad(QStringLiteral("refusing ws:// (no TLS) on %1: give --tls-cert/--tls-key, or "
                                  "--allow-plain-remote behind a TLS proxy")
                       .arg(c.listenAddress.toString()));
    if (c.storage.isEmpty()) {
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        QDir().mkpath(dir);
        c.storage = QStringLiteral("sqlite:") + dir + QStringLiteral("/tavern.sqlite");
    }
    if (c.sqlitePath().isEmpty())
        return bad(QStringLiteral("storage: only sqlite:PATH is supported by this build, got \"%1\"").arg(c.storage));
    return out;
}

} // namespace tavern::server
