#include "committer.h"

#include "log.h"
#include "protocol/errors.h"

#include <QTimer>

namespace tavern::server {

Committer::Committer(Store &store, QObject *parent) : QObject(parent), m_store(store) {}

void Committer::submit(Job job, Done done, bool singleWrite)
{
    m_queue.push_back(Item{std::move(job), std::move(done), singleWrite});
    if (!m_scheduled) {
        m_scheduled = true;
        // Zero-timer: runs after the event loop has read every frame already waiting, so
        // writers that arrived during the previous commit share the next one.
        QTimer::singleShot(0, this, &Committer::flush);
    }
}

void Committer::flush()
{
    m_scheduled = false;
    if (m_queue.empty())
        return;
    std::vector<Item> batch;
    batch.swap(m_queue);
    std::vector<Status> results;
    results.reserve(batch.size());

    Status tx = m_store.begin();
    if (tx) {
        for (Item &item : batch) {
            Status sp = m_store.savepoint(item.singleWrite);
            if (!sp) {
                results.push_back(makeError(protocol::ErrorCode::Internal, sp.error().message));
                continue;
            }
            Status r = item.job(m_store);
            if (r) {
                if (Status rel = m_store.release(); !rel)
                    r = rel;
            } else {
                m_store.rollbackToSavepoint();
            }
            results.push_back(std::move(r));
        }
        tx = m_store.commit();
        if (!tx)
            m_store.rollback();
    }
    if (!tx) {
        logEvent(LogLevel::Error, "store.commit_failed", {{"jobs", QString::number(batch.size())},
                                                          {"error", tx.error().message}});
        // Nothing of this batch is durable: every job is told so, none is acknowledged.
        results.assign(batch.size(),
                       Status(makeError(protocol::ErrorCode::Internal,
                                        QStringLiteral("the write was not stored: %1")
                                            .arg(tx.error().message))));
    }
    logEvent(LogLevel::Debug, "store.commit", {{"jobs", QString::number(batch.size())}});
    for (std::size_t i = 0; i < batch.size(); ++i)
        batch[i].done(results[i]);
}

} // namespace tavern::server
