// MessageModel: the current room's timeline (timeline.h), oldest first. Loads the newest page
// of 100 rows; canFetchMore/fetchMore (or loadOlder() from QML) prepend older pages of 100.
// New messages, delivery changes and notices are applied as a diff, never as a reset.
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
    [[nodiscard]] bool canLoadOlder() const { return m_start > 0; }
    Q_INVOKABLE void loadOlder() { fetchMore({}); }
    // Rows in the whole room, loaded or not (tests, "jump to first").
    [[nodiscard]] int totalCount() const { return int(m_all.size()); }
    // The newest message's keg id (for the read marker), or empty.
    [[nodiscard]] QByteArray lastMessageId() const;

    void setRoomId(const QByteArray &roomId);
    [[nodiscard]] QByteArray roomId() const { return m_roomId; }
    void refresh() override;

Q_SIGNALS:
    void canLoadOlderChanged();

private:
    void setStart(int start);

    QByteArray m_roomId;
    QList<TimelineRow> m_all;  // the whole room
    QList<TimelineRow> m_rows; // m_all from m_start on
    int m_start = 0;
};

} // namespace tavern::ui
