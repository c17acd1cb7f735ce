#include "listmodel.h"

namespace tavern::ui {

ListModel::ListModel(QObject *parent) : QAbstractListModel(parent)
{
    watchCount();
}

void ListModel::setSession(client::Session *session)
{
    m_session = session;
    refresh();
}

void ListModel::watchCount()
{
    connect(this, &QAbstractItemModel::rowsInserted, this, &ListModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &ListModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &ListModel::countChanged);
}

} // namespace tavern::ui
