// Group commit: write jobs that arrive while the event loop is busy are run together in
// one transaction, each inside its own (lazily opened) savepoint, and acknowledged only after COMMIT
// returned. One fsync then covers many clients' writes (brief section 5: acked = durable).
#pragma once

#include "store.h"

#include <QObject>

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

    Store &m_store;
    std::vector<Item> m_queue;
    bool m_scheduled = false;
};

} // namespace tavern::server
