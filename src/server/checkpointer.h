// Folds the store's WAL back into the database file on a thread of its own, with a
// connection of its own, so that commits never do it.
//
// Done inside a commit (SQLite's way, and the server's until now), a checkpoint of 8 MiB of
// WAL took ~7 ms every ~18 group commits: under load a quarter of the server's time, spent
// while every client waited (docs/benchmarks.md, bench_server). A PASSIVE checkpoint from
// another connection copies frames while the writer keeps appending. SQLite only starts the
// WAL over when a writer finds every frame copied, which a background pass rarely leaves
// behind under load, so the writer finishes the small remainder itself (walHook in
// sqlstorehot.cpp), and the WAL stays bounded.
#pragma once

#include <QString>
#include <QtGlobal>

#include <condition_variable>
#include <mutex>
#include <thread>

struct sqlite3;

namespace tavern::server {

class Checkpointer
{
public:
    Checkpointer() = default;
    ~Checkpointer();
    Checkpointer(const Checkpointer &) = delete;
    Checkpointer &operator=(const Checkpointer &) = delete;

    // Opens the second connection and starts the thread; false (and nothing running) if the
    // file cannot be opened, in which case the writer checkpoints as before.
    bool start(const QString &path);
    void stop();
    [[nodiscard]] bool running() const { return m_thread.joinable(); }

    // Asks for a pass (coalesced; returns at once). epoch: the writer's count of WAL
    // restarts, so that a pass is never taken for one over a later WAL.
    void request(quint64 epoch);
    // Where the last finished pass asked for in `epoch` left the WAL: its frames and how
    // many of them were copied; -1 if there is none.
    struct Progress
    {
        int log = -1;
        int copied = -1;
    };
    [[nodiscard]] Progress progress(quint64 epoch);

private:
    void loop();

    sqlite3 *m_handle = nullptr;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_wanted = false;
    bool m_stop = false;
    quint64 m_epoch = 0;     // of the latest request
    quint64 m_doneEpoch = 0; // of the last finished pass
    Progress m_done;
};

} // namespace tavern::server
