// tavern: the desktop app. Thin: options, translations, the QML engine, the shell
// (DesktopIntegration: tray, notifications). docs/app.md describes the layers.
//
// Hidden options for scripts/screenshots.sh: --screenshot FILE renders the window offscreen
// after --show SCREEN (see showScreen() in qml/Main.qml) and exits.
#include "appcontroller.h"
#include "desktopintegration.h"
#include "firstframeprobe.h"
#include "singleinstance.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QFont>
#include <QLibraryInfo>
#include <QLocale>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTimer>
#include <QTranslator>
#include <QUrl>

#include <cstdio>
#include <memory>

namespace {

// Waits (spinning the event loop) until pred() or the timeout.
template <typename Pred>
bool waitFor(Pred pred, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!pred()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    return true;
}

void pause(int ms)
{
    QDeadlineTimer deadline(ms);
    while (!deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
}

// --screenshot: waits for the account to open and the first sync, asks Main.qml to show the
// screen, waits for it to settle, grabs the window and saves it. Returns the exit code.
int screenshot(QQuickWindow *window, const QString &file, const QString &show, const QString &arg, int delayMs)
{
    using tavern::ui::AppController;
    AppController *app = AppController::instance();
    if (!app) {
        std::fputs("tavern: no App controller\n", stderr);
        return 2;
    }
    waitFor([app] { return app->state() != AppController::Opening; }, 30000);
    if (app->state() == AppController::Ready)
        waitFor([app] { return app->connected() && !app->syncing(); }, 30000);
    pause(500);
    QVariant ok;
    QMetaObject::invokeMethod(window, "showScreen", Q_RETURN_ARG(QVariant, ok), Q_ARG(QVariant, show),
                              Q_ARG(QVariant, arg));
    waitFor([window] {
        QVariant ready;
        QMetaObject::invokeMethod(window, "isScreenReady", Q_RETURN_ARG(QVariant, ready));
        return ready.toBool();
    }, 30000);
    pause(delayMs);
    const QImage image = window->grabWindow();
    if (image.isNull() || !image.save(file)) {
        std::fprintf(stderr, "tavern: could not write %s\n", qPrintable(file));
        return 2;
    }
    if (!ok.toBool())
        std::fprintf(stderr, "tavern: screen '%s' could not be shown fully\n", qPrintable(show));
    std::printf("%s\n", qPrintable(file));
    return ok.toBool() ? 0 : 3;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv); // Widgets: QSystemTrayIcon needs a QApplication
    QCoreApplication::setApplicationName(QStringLiteral("tavern"));
    QCoreApplication::setOrganizationName(QStringLiteral("tavern"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TAVERN_VERSION));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Tavern"));
    QGuiApplication::setDesktopFileName(QStringLiteral("tavern"));

    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qt"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("tavern"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Tavern, a group messenger whose server is not trusted."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption profile(QStringLiteral("profile"),
        QCoreApplication::translate("main", "Keep the account and its cache in <dir> (one account per profile)."),
        QStringLiteral("dir"));
    const QCommandLineOption server(QStringLiteral("server"),
        QCoreApplication::translate("main", "Server to sign up or log in with, e.g. wss://chat.example.org."),
        QStringLiteral("url"));
    QCommandLineOption shot(QStringLiteral("screenshot"), QStringLiteral("Render offscreen to <file> and exit."),
                            QStringLiteral("file"));
    QCommandLineOption show(QStringLiteral("show"), QStringLiteral("Screen for --screenshot."), QStringLiteral("screen"));
    QCommandLineOption showArg(QStringLiteral("show-arg"), QStringLiteral("Argument of --show."), QStringLiteral("arg"));
    QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size WxH."), QStringLiteral("size"));
    QCommandLineOption delay(QStringLiteral("delay"), QStringLiteral("Milliseconds before the grab."), QStringLiteral("ms"),
                             QStringLiteral("1500"));
    for (QCommandLineOption *o : {&shot, &show, &showArg, &size, &delay})
        o->setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({profile, server, shot, show, showArg, size, delay});
    parser.process(app);

    QString profileDir = parser.value(profile);
    if (profileDir.isEmpty())
        profileDir = qEnvironmentVariable("TAVERN_PROFILE");
    QString serverUrl = parser.value(server);
    if (serverUrl.isEmpty())
        serverUrl = qEnvironmentVariable("TAVERN_SERVER");
    if (!profileDir.isEmpty() || !serverUrl.isEmpty())
        tavern::ui::AppController::setDefaultProfile(profileDir.isEmpty() ? QString() : QDir(profileDir).absolutePath(),
                                                      QUrl(serverUrl));

    QQuickStyle::setStyle(QStringLiteral("Basic"));
    QFont font = QGuiApplication::font(); // plain Text items use it: body text is 14 px
    font.setPixelSize(14);
    QGuiApplication::setFont(font);
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(2); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/Tavern/App/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 2;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    if (!window)
        return 2;
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2)
            window->resize(wh[0].toInt(), wh[1].toInt());
    }

    if (parser.isSet(shot))
        return screenshot(window, parser.value(shot), parser.value(show), parser.value(showArg),
                          parser.value(delay).toInt());

    auto *controller = tavern::ui::AppController::instance();
    // One app per profile: a second launch raises the first and exits.
    tavern::app::SingleInstance instance(controller ? controller->profileDir() : profileDir);
    if (!instance.claim())
        return 0;
    tavern::app::DesktopIntegration shell(window, controller);
    QObject::connect(&instance, &tavern::app::SingleInstance::raiseRequested, &shell,
                     &tavern::app::DesktopIntegration::raise);
    tavern::app::FirstFrameProbe::installIfAsked(window, controller);
    return QApplication::exec();
}
