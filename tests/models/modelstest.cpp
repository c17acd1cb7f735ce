#include "modelstest.h"

namespace tavern::test {

std::unique_ptr<AppController> openApp(EngineWorld &world, const QString &name)
{
    auto app = std::make_unique<AppController>(world.profile(name));
    return waitReady(*app) ? std::move(app) : nullptr;
}

bool waitReady(AppController &a)
{
    AppController *app = &a;
    const QString name = app->profileDir();
    const bool ready = QTest::qWaitFor([&] { return app->state() != AppController::Opening; }, WaitMs);
    if (!ready || app->state() != AppController::Ready) {
        qWarning("App over %s did not open: state %d, %s", qPrintable(name), int(app->state()),
                 qPrintable(app->errorText()));
        return false;
    }
    app->session()->connection().setBackoff(50, 400);
    if (!app->session()->waitForSync(WaitMs)
        || !QTest::qWaitFor([&] { return app->connected() && !app->syncing(); }, WaitMs)) {
        qWarning("App over %s did not sync", qPrintable(name));
        return false;
    }
    return true;
}

std::unique_ptr<QAbstractItemModelTester> tester(QAbstractItemModel *model)
{
    return std::make_unique<QAbstractItemModelTester>(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
}

QVariant value(const QAbstractItemModel *model, int row, const QByteArray &roleName)
{
    const int role = model->roleNames().key(roleName, -1);
    if (role < 0) {
        qWarning("no role %s", roleName.constData());
        return {};
    }
    return model->data(model->index(row, 0), role);
}

QStringList column(const QAbstractItemModel *model, const QByteArray &roleName)
{
    QStringList out;
    for (int i = 0; i < model->rowCount(); ++i)
        out << value(model, i, roleName).toString();
    return out;
}

int find(const QAbstractItemModel *model, const QByteArray &roleName, const QVariant &v)
{
    for (int i = 0; i < model->rowCount(); ++i) {
        if (value(model, i, roleName) == v)
            return i;
    }
    return -1;
}

QStringList notifications(const QSignalSpy &spy, const QString &kind)
{
    QStringList out;
    for (const QList<QVariant> &args : spy) {
        if (args.value(0).toString() == kind)
            out << QStringList{args.value(1).toString(), args.value(2).toString(), args.value(3).toString()}.join(
                QLatin1Char('|'));
    }
    return out;
}

} // namespace tavern::test
