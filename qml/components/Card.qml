pragma ComponentBehavior: Bound
import QtQuick
import Tavern.App

// A centred panel for the account pages.
Rectangle {
    default property alias content: inner.data
    implicitWidth: 440
    implicitHeight: inner.childrenRect.height + 2 * 32
    radius: Theme.radius * 2
    color: Theme.background
    border.color: Theme.border
    Item {
        id: inner
        anchors.fill: parent
        anchors.margins: 32
    }
}
