#include "firstframeprobe.h"

#include <QAbstractItemModel>
#include <QCoreApplication>
#include <QFile>
#include <QMetaProperty>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>

namespace tavern::app {

bool FirstFrameProbe::installIfAsked(QQuickWindow *window, QObject *controller)
{
    if (!window || !controller || qEnvironmentVariableIsEmpty("TAVERN_PROBE_FIRST_FRAME"))
        return false;
    new FirstFrameProbe(window, controller);
    return true;
}

FirstFrameProbe::FirstFrameProbe(QQuickWindow *window, QObject *controller)
    : QObject(window), m_window(window), m_controller(controller)
{
    connect(window, &QQuickWindow::frameSwapped, this, &FirstFrameProbe::onFrame);
}

qint64 FirstFrameProbe::peakRssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return 0;
}

bool FirstFrameProbe::mainScreenShown() const
{
    const QMetaObject *mo = m_controller->metaObject();
    const QMetaProperty state = mo->property(mo->indexOfProperty("state"));
    const char *key = state.isEnumType() ? state.enumerator().valueToKey(state.read(m_controller).toInt()) : nullptr;
    if (!key || qstrcmp(key, "Ready") != 0)
        return false;
    auto *rooms = qobject_cast<QAbstractItemModel *>(m_controller->property("rooms").value<QObject *>());
    return rooms && rooms->rowCount() > 0;
}

void FirstFrameProbe::onFrame()
{
    if (m_reported || !mainScreenShown())
        return;
    m_reported = true;
    // The bench measures start-to-first-frame from outside (process start to this line).
    std::printf("first-frame\n");
    // What that frame showed: the open room and the rows its message list had (the bench
    // checks the room it left open is the one shown, with its messages).
    auto *messages = qobject_cast<QAbstractItemModel *>(m_controller->property("messages").value<QObject *>());
    std::printf("first-frame-room %s %d\n", qPrintable(m_controller->property("currentRoomId").toString()),
                messages ? messages->rowCount() : -1);
    std::fflush(stdout);
    // Then let the open room's messages load and the caches settle before reading the peak.
    QTimer::singleShot(1500, this, [] {
        std::printf("peak-rss-kb %lld\n", static_cast<long long>(peakRssKb()));
        std::fflush(stdout);
        QCoreApplication::quit();
    });
}

} // namespace tavern::app
