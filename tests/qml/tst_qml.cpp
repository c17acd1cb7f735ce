// Runs tests/qml/tst_*.qml (Qt Quick Test) against the Tavern.App views, offscreen.
#include "appcontroller.h"

#include <QObject>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QTemporaryDir>
#include <QtQuickTest>

class Setup : public QObject
{
    Q_OBJECT
public:
    Setup()
    {
        // The views reach App for defaults; give it an empty profile of its own.
        tavern::ui::AppController::setDefaultProfile(m_profile.path(), QUrl(QStringLiteral("ws://127.0.0.1:9")));
        QQuickStyle::setStyle(QStringLiteral("Basic"));
    }

public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/")); // Tavern.App's qmldir (Qt 6.4 prefix)
        // The assertions are in tst_*.qml; this checks their precondition: both modules load.
        // Without it a broken import would show as every QML test failing for an unclear reason.
        QQmlComponent probe(engine);
        probe.setData("import Tavern.Ui\nimport Tavern.App\nTrustIndicator {}", QUrl());
        if (probe.isError())
            qFatal("Tavern.App / Tavern.Ui do not load: %s", qPrintable(probe.errorString()));
    }

private:
    QTemporaryDir m_profile;
};

QUICK_TEST_MAIN_WITH_SETUP(tavern_views, Setup)

#include "tst_qml.moc"
