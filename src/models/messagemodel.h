// MessageModel: the current room's timeline (timeline.h), oldest first. Holds a window of the
// room: the newest page of 100 messages (Session::messagesPage) and what came after it;
// canFetchMore/fetchMore (or loadOlder() from QML) prepend older pages of 100 messages. New
// messages are appended from Session::messagesSince (messagesArrived: no re-read of the room
// or the window); other changes re-read the window (refresh). Always a diff, never a reset.
#pragma once

#include "listmodel.h"
#include "timeline.h"

namespace tavern::ui {

class MessageModel : public ListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.messages follows App.currentRoomId")
    Q_PROPERTY(bool canLoadOlder READ canLoadOlder NOTIFY canLoadOlderChanged)
public:
    static constexpr int PageSize = 100;

    enum Roles {
        KegIdRole = Qt::UserRole + 1,
        KindRole,
        AuthorRole,
        OwnRole,
        BodyRole,
        TimeRole,
        DayLabelRole,
        FirstInGroupRole,
        DeliveryRole,
        ErrorRole,
        EditedRole,
        DeletedRole,
        VerifiedRole,
        SeverityRole,
        NoticeKindRole,
        EvidenceRole,
        MissingCountRole,
        ActionLabelRole,
        ActionTargetRole,
    };
    Q_ENUM(Roles)

    explicit MessageModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // fetchMore for QML, which has no QModelIndex to pass for the root.
    [[nodiscard]] bool canLoadOlder() const { return m_previous.has_value(); }
    Q_INVOKABLE void loadOlder() { fetchMore({}); }
    // Rows in the whole room, loaded or not: messages, system lines and notices (missing
    // markers only where loaded). Counts the room's messages (tests, "jump to first").
    [[nodiscard]] int totalCount() const;
    // The newest message's keg id (for the read marker), or empty.
    [[nodiscard]] QByteArray lastMessageId() const;

    void setRoomId(const QByteArray &roomId);
    [[nodiscard]] QByteArray roomId() const { return m_roomId; }
    // Re-reads the loaded window (delivery states, notices, room changes, edits).
    void refresh() override;
    // Session::messagesChanged for this room: appends what arrived since the last read (falls
    // back to refresh() when an arrival lands inside the window or changes a loaded row).
    void messagesArrived();

Q_SIGNALS:
    void canLoadOlderChanged();

private:
    // Sets the window (messages oldest first, and the message before it) and applies the rows.
    void setWindow(client::Session::MessagePage page, bool inReset = false);
    void apply(bool inReset);
    // Where the window starts in the room's order (its first message's place).
    [[nodiscard]] client::Session::MessageSeq windowStart() const;

    QByteArray m_roomId;
    QList<client::MessageView> m_messages; // the loaded window, oldest first
    QList<client::Session::MessageSeq> m_seqs;
    std::optional<client::MessageView> m_previous; // the newest message before the window
    QHash<QString, quint64> m_lastCounter;         // author -> their newest counter in the window
    QHash<QByteArray, qsizetype> m_loaded;         // keg id -> index in m_messages
    qint64 m_lastRow = 0;                          // Session::messagesSince cursor
    QList<TimelineRow> m_extras;                   // system lines and notices
    QList<TimelineRow> m_rows;
};

} // namespace tavern::ui
