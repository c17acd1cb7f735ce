// RoomListModel: the rooms this user joined, most recent activity first, with what the room
// list shows per row (preview, unread and mention counts, attention mark, avatar).
#pragma once

#include "listmodel.h"

#include <QColor>
#include <QDateTime>

namespace tavern::ui {

class RoomListModel : public ListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.rooms is the one room list")
    Q_PROPERTY(QString filter READ filter WRITE setFilter NOTIFY filterChanged)
    Q_PROPERTY(int unreadTotal READ unreadTotal NOTIFY unreadTotalChanged)
public:
    enum Roles {
        RoomIdRole = Qt::UserRole + 1,
        NameRole,
        PreviewRole,
        LastActivityRole,
        UnreadRole,
        MentionsRole,
        AttentionRole,
        InitialsRole,
        AvatarColorRole,
        MemberCountRole,
    };
    Q_ENUM(Roles)

    explicit RoomListModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    [[nodiscard]] QString filter() const { return m_filter; }
    void setFilter(const QString &filter);
    [[nodiscard]] int unreadTotal() const;
    // The room's row, or -1 (for keyboard navigation and tests).
    Q_INVOKABLE int indexOf(const QString &roomId) const;

    // Every room again (sign-in, a sync, a trust change).
    void refresh() override;
    // One room again (its messages, settings, membership or read marker changed): cheap
    // queries (Session::lastMessage, messageCount), never the room's messages; a room no
    // longer joined leaves the list, a newly joined one enters it.
    void refreshRoom(const QByteArray &roomId);
    // New messages in one room (Session::messagesChanged): preview from the newest message,
    // unread and mentions counted on from what arrived since (Session::messagesSince).
    void messagesArrived(const QByteArray &roomId);

Q_SIGNALS:
    void filterChanged();
    void unreadTotalChanged();

private:
    struct Row
    {
        QString key; // room id, hex
        QByteArray roomId;
        QString name;
        QString preview;
        QDateTime lastActivity;
        int unread = 0;
        int mentions = 0;
        bool attention = false;
        int memberCount = 0;
        bool operator==(const Row &) const = default;
    };
    [[nodiscard]] Row build(const QByteArray &roomId, const QString &name);
    void setPreview(Row &r, const client::MessageView &last) const;
    void apply();

    // Mentions are looked for in the newest unread messages only, up to this many.
    static constexpr int MentionScan = 500;

    QHash<QByteArray, qint64> m_lastRow;                     // room -> Session::messagesSince cursor of its counts
    QHash<QByteArray, client::Session::MessageSeq> m_newest; // room -> place of the previewed message
    QList<Row> m_all;                                        // every joined room, sorted
    QList<Row> m_rows;                                       // m_all through the filter
    QString m_filter;
    int m_unreadTotal = 0;
};

} // namespace tavern::ui
