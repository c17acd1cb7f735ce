// Support for the model tests: an App (AppController) over a profile of an EngineWorld
// (real tavern-server, temporary profiles), opened and synced; and small readers of a
// model's rows by role name, so assertions read like the QML that uses them.
#pragma once

#include "appcontroller.h"
#include "enginetest.h"
#include "uiutil.h"

#include <QAbstractItemModel>
#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <memory>

namespace tavern::test {

using ui::AppController;

// Opens the App over profile `name` (signed up before) and waits until it is Ready,
// connected and through its first sync. Null (with a warning) on failure.
[[nodiscard]] std::unique_ptr<AppController> openApp(EngineWorld &world, const QString &name);
// The second half of openApp, for tests that attach testers between construction (the App
// opens on the next event-loop turn) and the first data.
[[nodiscard]] bool waitReady(AppController &app);

// Attaches a tester that fails the running test on any model contract violation.
[[nodiscard]] std::unique_ptr<QAbstractItemModelTester> tester(QAbstractItemModel *model);

// The value of role `roleName` in row `row`.
[[nodiscard]] QVariant value(const QAbstractItemModel *model, int row, const QByteArray &roleName);
// Every row's value of `roleName`, as strings.
[[nodiscard]] QStringList column(const QAbstractItemModel *model, const QByteArray &roleName);
// The first row whose `roleName` equals `v`, or -1.
[[nodiscard]] int find(const QAbstractItemModel *model, const QByteArray &roleName, const QVariant &v);

// Arguments of notify() calls of one kind, as "roomId|title|body".
[[nodiscard]] QStringList notifications(const QSignalSpy &spy, const QString &kind);

} // namespace tavern::test
