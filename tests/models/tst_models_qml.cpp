// The QML module as the views see it (no server): `import Tavern.Ui` resolves from the
// static plugin, App is a singleton pointed at a profile by TAVERN_PROFILE or, first,
// AppController::setDefaultProfile; its models, RoomInfo, the flows' State enums and QrCode
// are reachable by the names docs/app.md gives them.
#include "appcontroller.h"

#include "keg/roles.h"

#include <QQmlComponent>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QTest>

using tavern::ui::AppController;

class TestModelsQml : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::unique_ptr<QObject> load(QQmlEngine &engine, const QByteArray &qml)
    {
        QQmlComponent c(&engine);
        c.setData(qml, QUrl(QStringLiteral("qrc:/test.qml")));
        std::unique_ptr<QObject> o(c.create());
        if (!o)
            qWarning("%s", qPrintable(c.errorString()));
        return o;
    }

private Q_SLOTS:
    void contractNamesResolve()
    {
        const QString profile = m_dir.filePath(QStringLiteral("env-profile"));
        qputenv("TAVERN_PROFILE", profile.toUtf8());
        qputenv("TAVERN_SERVER", "ws://127.0.0.1:1");
        QQmlEngine engine;
        auto o = load(engine, R"(
import QtQuick
import Tavern.Ui
Item {
    property string profile: App.profileDir
    property string server: App.serverUrl
    property bool welcome: App.state === App.Welcome
    property int rooms: App.rooms.count
    property int roles: App.roles.rowCount()
    property int invitations: App.invitations.count + App.contacts.count + App.notices.count
                              + App.messages.count + App.members.count
    property bool blocked: App.currentRoom.composerBlocked
    property bool older: App.messages.canLoadOlder
    property string filter: App.rooms.filter
    property int showSecret: SignupFlow.ShowSecret
    property int signupState: App.signup.state
    property int loginWorking: LoginFlow.Working
    property int keyChanged: InviteFlow.KeyChanged
    property int compare: VerificationFlow.Compare
    property int modules: qr.modules
    QrCode { id: qr; text: "tavern"; width: 100; height: 100 }
}
)");
        QVERIFY(o);
        QCOMPARE(o->property("profile").toString(), profile);
        QCOMPARE(o->property("server").toString(), QStringLiteral("ws://127.0.0.1:1"));
        QCOMPARE(o->property("welcome").toBool(), true);
        QCOMPARE(o->property("rooms").toInt(), 0);
        QCOMPARE(o->property("roles").toInt(), int(tavern::keg::Privilege::Count));
        QCOMPARE(o->property("invitations").toInt(), 0);
        QCOMPARE(o->property("blocked").toBool(), false);
        QCOMPARE(o->property("older").toBool(), false);
        QCOMPARE(o->property("showSecret").toInt(), int(tavern::ui::SignupFlow::ShowSecret));
        QCOMPARE(o->property("signupState").toInt(), int(tavern::ui::SignupFlow::Details));
        QCOMPARE(o->property("loginWorking").toInt(), int(tavern::ui::LoginFlow::Working));
        QCOMPARE(o->property("keyChanged").toInt(), int(tavern::ui::InviteFlow::KeyChanged));
        QCOMPARE(o->property("compare").toInt(), int(tavern::ui::VerificationFlow::Compare));
        QVERIFY(o->property("modules").toInt() >= 21);
        QCOMPARE(AppController::instance()->profileDir(), profile);
    }

    // The app's main.cpp names the profile before the engine loads; that wins over the
    // environment.
    void defaultProfileWins()
    {
        const QString profile = m_dir.filePath(QStringLiteral("main-profile"));
        AppController::setDefaultProfile(profile, QUrl(QStringLiteral("wss://tavern.example")));
        QQmlEngine engine;
        auto o = load(engine, "import QtQuick\nimport Tavern.Ui\nItem { property string p: App.profileDir; "
                              "property string s: App.serverUrl }");
        QVERIFY(o);
        QCOMPARE(o->property("p").toString(), profile);
        QCOMPARE(o->property("s").toString(), QStringLiteral("wss://tavern.example"));
    }
};

QTEST_MAIN(TestModelsQml)
#include "tst_models_qml.moc"
