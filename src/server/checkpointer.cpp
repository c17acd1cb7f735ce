#include "checkpointer.h"

#include "log.h"

#include <sqlite3.h>

namespace tavern::server {

Checkpointer::~Checkpointer()
{
    stop();
}

bool Checkpointer::start(const QString &path)
{
    if (running())
        return true;
    if (sqlite3_open_v2(path.toUtf8().constData(), &m_handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr)
        != SQLITE_OK) {
        logEvent(LogLevel::Warn, "store.checkpointer",
                 {{"error", QString::fromUtf8(sqlite3_errmsg(m_handle))}, {"fallback", QStringLiteral("in-commit")}});
        sqlite3_close(m_handle);
        m_handle = nullptr;
        return false;
    }
    m_stop = m_wanted = false;
    m_thread = std::thread([this] { loop(); });
    return true;
}

void Checkpointer::stop()
{
    if (!running())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
    sqlite3_close(m_handle);
    m_handle = nullptr;
    m_done = Progress{};
}

void Checkpointer::request(quint64 epoch)
{
    {
        std::lock_guard lock(m_mutex);
        m_wanted = true;
        m_epoch = epoch;
    }
    m_wake.notify_one();
}

Checkpointer::Progress Checkpointer::progress(quint64 epoch)
{
    std::lock_guard lock(m_mutex);
    return m_doneEpoch == epoch ? m_done : Progress{};
}

void Checkpointer::loop()
{
    for (;;) {
        quint64 epoch = 0;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stop || m_wanted; });
            if (m_stop)
                return;
            m_wanted = false;
            epoch = m_epoch;
        }
        int log = -1, copied = -1;
        // PASSIVE: copies what it can without waiting for the writer or any reader. BUSY
        // (the writer is finishing the remainder itself) is not an error.
        const int rc = sqlite3_wal_checkpoint_v2(m_handle, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            logEvent(LogLevel::Warn, "store.checkpoint_failed", {{"error", QString::fromUtf8(sqlite3_errstr(rc))}});
        std::lock_guard lock(m_mutex);
        m_done = rc == SQLITE_OK ? Progress{log, copied} : Progress{};
        m_doneEpoch = epoch;
    }
}

} // namespace tavern::server
