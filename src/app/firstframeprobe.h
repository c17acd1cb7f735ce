// FirstFrameProbe: for bench_app. When TAVERN_PROBE_FIRST_FRAME is set, prints
// "first-frame <ms>" on the first frame that shows the signed-in main screen (App.state is
// Ready and the room list has rows: not a blank window or a spinner), then
// "peak-rss-kb <VmHWM>" once the current room's messages are loaded and a settle time passed,
// and quits. Off by default; costs nothing when off.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QQuickWindow;

namespace tavern::app {

class FirstFrameProbe : public QObject
{
    Q_OBJECT
public:
    // Installs itself on the window when the environment asks for it; returns whether it did.
    static bool installIfAsked(QQuickWindow *window, QObject *controller);

    // Peak resident set size of this process in KiB (Linux /proc; 0 elsewhere).
    [[nodiscard]] static qint64 peakRssKb();

private:
    FirstFrameProbe(QQuickWindow *window, QObject *controller);
    void onFrame();
    [[nodiscard]] bool mainScreenShown() const;

    QPointer<QQuickWindow> m_window;
    QPointer<QObject> m_controller;
    bool m_reported = false;
};

} // namespace tavern::app
