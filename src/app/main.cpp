// tavern: the desktop app. Thin: options, translations, the QML engine, the shell
// (DesktopIntegration: tray, notifications). docs/app.md describes the layers.
//
// Hidden options for scripts/screenshots.sh: --screenshot FILE renders the window offscreen
// after --show SCREEN (see showScreen() in qml/Main.qml) and exits; --check exits 0 once the
// first page (sign-up, log-in or the chat) has been rendered (scripts/run-app.sh --check).
// TAVERN_THEME=dark|light overrides the system palette.
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
#include <QPalette>
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
template <typename Pred> bool waitFor(Pred pred, int timeoutMs)
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
    waitFor(
        [window] {
            QVariant ready;
            QMetaObject::invokeMethod(window, "isScreenReady", Q_RETURN_ARG(QVariant, ready));
            return ready.toBool();
        },
        30000);
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

// TAVERN_THEME=dark|light: overrides the system's light or dark palette (Theme.qml follows the
// palette's window colour, so on a desktop with a dark palette nothing needs setting).
void applyThemeOverride()
{
    const QByteArray theme = qgetenv("TAVERN_THEME").trimmed().toLower();
    if (theme != "dark" && theme != "light")
        return;
    const bool dark = theme == "dark";
    QPalette palette = QGuiApplication::palette();
    const QColor window(dark ? 0x1b1d21 : 0xffffff);
    const QColor text(dark ? 0xe8eaed : 0x1d2025);
    const QColor surface(dark ? 0x2a2d32 : 0xf5f6f8);
    for (const auto group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
        palette.setColor(group, QPalette::Window, window);
        palette.setColor(group, QPalette::Base, window);
        palette.setColor(group, QPalette::AlternateBase, surface);
        palette.setColor(group, QPalette::Button, surface);
        palette.setColor(group, QPalette::WindowText, text);
        palette.setColor(group, QPalette::Text, text);
        palette.setColor(group, QPalette::ButtonText, text);
    }
    QGuiApplication::setPalette(palette);
}

// --check (scripts/run-app.sh --check): once a frame showing the first page (not "Opening")
// has been rendered, prints which page and exits: 0 for sign-up, log-in or the chat, 1 when the
// account could not be opened (the reason follows) or nothing was shown within 60 s.
void installCheck(QQuickWindow *window)
{
    using tavern::ui::AppController;
    auto report = [](const char *what, int code) {
        std::printf("tavern --check: %s\n", what);
        std::fflush(stdout);
        QCoreApplication::exit(code);
    };
    QObject::connect(window, &QQuickWindow::frameSwapped, window, [report] {
        static bool done = false;
        AppController *app = AppController::instance();
        if (done || !app || app->state() == AppController::Opening)
            return;
        done = true;
        // The frame just swapped was rendered before this turn's state change could show; one
        // more turn so the message names what is on screen.
        QTimer::singleShot(0, [app, report] {
            switch (app->state()) {
            case AppController::Welcome: report("showing sign-up (no account in this profile yet)", 0); break;
            case AppController::Ready:
                report(qPrintable(QStringLiteral("showing the chat, signed in as %1").arg(app->username())), 0);
                break;
            default: report(qPrintable(QStringLiteral("could not open the account: %1").arg(app->errorText())), 1);
            }
        });
    });
    QTimer::singleShot(60000, window, [report] { report("no page shown within 60 s", 1); });
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
    // English plurals ("1 member", "3 members") come from tavern_en too: it is also the fallback
    // for a system language Tavern has no translation for (LANG=C included).
    if (translator.load(QLocale(), QStringLiteral("tavern"), QStringLiteral("_"), QStringLiteral(":/i18n"))
        || translator.load(QStringLiteral(":/i18n/tavern_en")))
        QCoreApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Tavern, a group messenger whose server is not trusted."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption profile(
        QStringLiteral("profile"),
        QCoreApplication::translate("main", "Keep the account and its cache in <dir> (one account per profile)."),
        QStringLiteral("dir"));
    const QCommandLineOption server(
        QStringLiteral("server"),
        QCoreApplication::translate("main", "Server to sign up or log in with, e.g. wss://chat.example.org."),
        QStringLiteral("url"));
    QCommandLineOption shot(QStringLiteral("screenshot"), QStringLiteral("Render offscreen to <file> and exit."),
                            QStringLiteral("file"));
    QCommandLineOption show(QStringLiteral("show"), QStringLiteral("Screen for --screenshot."),
                            QStringLiteral("screen"));
    QCommandLineOption showArg(QStringLiteral("show-arg"), QStringLiteral("Argument of --show."),
                               QStringLiteral("arg"));
    QCommandLineOption check(QStringLiteral("check"), QStringLiteral("Exit once the first page is shown."));
    QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size WxH."), QStringLiteral("size"));
    QCommandLineOption delay(QStringLiteral("delay"), QStringLiteral("Milliseconds before the grab."),
                             QStringLiteral("ms"), QStringLiteral("1500"));
    for (QCommandLineOption *o : {&shot, &show, &showArg, &size, &delay, &check})
        o->setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({profile, server, shot, show, showArg, size, delay, check});
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

    applyThemeOverride();
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    QFont font = QGuiApplication::font(); // plain Text items use it: body text is 14 px
    font.setPixelSize(14);
    QGuiApplication::setFont(font);
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app, [] { QCoreApplication::exit(2); },
        Qt::QueuedConnection);
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

    if (parser.isSet(check)) {
        installCheck(window);
        return QApplication::exec();
    }

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
