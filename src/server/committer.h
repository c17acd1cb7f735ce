// Group commit: write jobs that arrive while the event loop is busy are run together in
// one transaction, each inside its own (lazily opened) savepoint, and acknowledged only after COMMIT
// returned. One fsync then covers many clients' writes (brief section 5: acked = durable).
// Under load on a slow disk (the previous commit carried LingerFrom jobs or more and its COMMIT
// took LingerSlowCommitUs or longer) the next commit waits up to LingerMs for as many jobs as
// the previous one had: the writers just acknowledged are sending their next writes, and one
// larger group costs less per keg than several small ones (each commit's fsync, and the index
// pages its rows dirty, are paid once per group). An unloaded server, or one whose commits
// are fast, never waits.
#pragma once

#include "store.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <vector>

namespace tavern::server {

class Committer : public QObject
{
    Q_OBJECT
public:
    // Runs inside the transaction; a failure rolls back this job only.
    using Job = std::function<Status(Store &)>;
    // Runs after COMMIT (or after the failure): the place to reply and push.
    using Done = std::function<void(const Status &)>;

    explicit Committer(Store &store, QObject *parent = nullptr);

    static constexpr std::size_t LingerFrom = 64;
    static constexpr qint64 LingerSlowCommitUs = 4000;
    static constexpr int LingerMs = 1;

    // singleWrite: the job issues at most one statement that changes rows, so it needs no
    // SQL savepoint (see Store::savepoint).
    void submit(Job job, Done done, bool singleWrite = false);
    // Runs everything queued now (used at shutdown so nothing accepted is dropped).
    void flush();
    [[nodiscard]] qsizetype pending() const { return qsizetype(m_queue.size()); }

private:
    struct Item
    {
        Job job;
        Done done;
        bool singleWrite = false;
    };

    void schedule();

    Store &m_store;
    std::vector<Item> m_queue;
    bool m_scheduled = false;
    QTimer m_linger;             // the wait under load (see schedule())
    std::size_t m_lastBatch = 0; // jobs in the previous commit
    qint64 m_lastCommitUs = 0;   // how long its COMMIT took (write-out and fsync)
};

} // namespace tavern::server
