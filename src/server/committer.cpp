#include "committer.h"

#include "log.h"
#include "protocol/errors.h"

#include <QElapsedTimer>
#include <QTimer>

namespace tavern::server {

Committer::Committer(Store &store, QObject *parent) : QObject(parent), m_store(store)
{
    m_linger.setSingleShot(true);
    m_linger.setTimerType(Qt::PreciseTimer);
    connect(&m_linger, &QTimer::timeout, this, &Committer::flush);
}

void Committer::submit(Job job, Done done, bool singleWrite)
{
    m_queue.push_back(Item{std::move(job), std::move(done), singleWrite});
    if (!m_scheduled) {
        m_scheduled = true;
        schedule();
    } else if (m_linger.isActive() && m_queue.size() >= m_lastBatch) {
        // As many writers as last time are back: no reason to wait longer.
        m_linger.stop();
        QTimer::singleShot(0, this, &Committer::flush);
    }
}

void Committer::schedule()
{
    if (m_lastBatch >= LingerFrom && m_lastCommitUs >= LingerSlowCommitUs && m_queue.size() < m_lastBatch) {
        // Under load (the previous commit carried many jobs) on a slow disk (its COMMIT took
        // several times the wait): the writers it acknowledged are sending their next writes
        // now. Waiting up to LingerMs for them gives one larger commit instead of several
        // small ones, each paying the slow fsync and writing every index page its rows touch
        // (the clients' rows go to different KegDBs, so nearly every row dirties its own
        // pages). With a fast disk the wait would cost more than it saves, so there is none;
        // an unloaded server never waits. Acknowledgement still follows COMMIT.
        m_linger.start(LingerMs);
        return;
    }
    // Zero-timer: runs after the event loop has read every frame already waiting, so
    // writers that arrived during the previous commit share the next one.
    QTimer::singleShot(0, this, &Committer::flush);
}

void Committer::flush()
{
    m_scheduled = false;
    m_linger.stop();
    if (m_queue.empty())
        return;
    std::vector<Item> batch;
    batch.swap(m_queue);
    m_lastBatch = batch.size();
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
        QElapsedTimer commitTime;
        commitTime.start();
        tx = m_store.commit();
        m_lastCommitUs = commitTime.nsecsElapsed() / 1000;
        if (!tx)
            m_store.rollback();
    }
    if (!tx) {
        logEvent(LogLevel::Error, "store.commit_failed",
                 {{"jobs", QString::number(batch.size())}, {"error", tx.error().message}});
        // Nothing of this batch is durable: every job is told so, none is acknowledged.
        results.assign(batch.size(),
                       Status(makeError(protocol::ErrorCode::Internal,
                                        QStringLiteral("the write was not stored: %1").arg(tx.error().message))));
    }
    logEvent(LogLevel::Debug, "store.commit",
             {{"jobs", QString::number(batch.size())}, {"commit_us", QString::number(m_lastCommitUs)}});
    for (std::size_t i = 0; i < batch.size(); ++i)
        batch[i].done(results[i]);
}

} // namespace tavern::server
