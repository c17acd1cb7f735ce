pragma ComponentBehavior: Bound
import QtQuick
import Tavern.App

// An unread count; accent for mentions, grey otherwise.
Rectangle {
    id: root

    required property int count
    property bool strong: false

    visible: count > 0
    implicitWidth: Math.max(20, label.implicitWidth + 12)
    implicitHeight: 20
    radius: 10
    color: strong ? Theme.accent : Theme.textMuted
    Accessible.role: Accessible.StaticText
    Accessible.name: qsTr("%n unread", "", root.count)

    Text {
        id: label
        anchors.centerIn: parent
        text: root.count > 99 ? "99+" : root.count
        color: root.strong ? Theme.accentText : Theme.background
        font.pixelSize: Theme.smallSize
        font.weight: Theme.bold
    }
}
