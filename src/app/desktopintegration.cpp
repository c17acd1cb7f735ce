#include "desktopintegration.h"

namespace tavern::app {

DesktopIntegration::DesktopIntegration(QWindow *window, QObject *controller, QObject *parent)
    : QObject(parent), m_window(window), m_controller(controller)
{
}

DesktopIntegration::~DesktopIntegration() = default;

void DesktopIntegration::raise()
{
    if (!m_window)
        return;
    m_window->show();
    m_window->raise();
    m_window->requestActivate();
}

} // namespace tavern::app
