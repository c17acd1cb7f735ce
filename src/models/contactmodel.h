// ContactModel: everyone whose keys this device pinned, with trust and the safety number to
// compare with them.
#pragma once

#include "listmodel.h"

namespace tavern::ui {

class ContactModel : public ListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.contacts is the one contact list")
public:
    enum Roles { UsernameRole = Qt::UserRole + 1, TrustRole, SafetyNumberRole };
    Q_ENUM(Roles)

    explicit ContactModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    void refresh() override;
    Q_INVOKABLE int indexOf(const QString &username) const;

private:
    struct Row
    {
        QString key; // username
        int trust = 0;
        QString safetyNumber; // 12 groups of 5 digits, space separated
        bool operator==(const Row &) const = default;
    };
    QList<Row> m_rows;
};

} // namespace tavern::ui
