// Who is online: authenticated connections per user. Pushes are encoded once and written
// to every device of every recipient.
#pragma once

#include "protocol/frame.h"

#include <QHash>
#include <QList>
#include <QString>

namespace tavern::server {

class Connection;

class Hub
{
public:
    void add(Connection *c);
    void remove(Connection *c);
    [[nodiscard]] int count(const QString &username) const;
    [[nodiscard]] QList<Connection *> connectionsOf(const QString &username) const;
    [[nodiscard]] QList<Connection *> all() const;

    // Sends to every online device of the users, except `except` (the connection whose
    // request caused the push: it gets the response instead). Returns frames sent.
    int push(const QStringList &users, const protocol::Frame &frame, const Connection *except = nullptr);
    // The same with the frame encoded already: one QByteArray shared by every send.
    int pushEncoded(const QStringList &users, const QByteArray &bytes, const Connection *except = nullptr);
    // Whether push() would reach anyone: lets callers skip building a frame nobody receives.
    [[nodiscard]] bool anyOnline(const QStringList &users, const Connection *except = nullptr) const;

private:
    QHash<QString, QList<Connection *>> m_online;
};

} // namespace tavern::server
