pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import Tavern.App

// The one trust indicator (member list, invite dialog, chat header, message authors):
// 0 unverified (neutral), 1 trusted on first use (outline check), 2 verified (solid
// check), 3 key changed (warning colour, needs action).
Item {
    id: root

    required property int trust
    property bool showLabel: false
    property string username: ""
    property int size: 14

    readonly property string label: {
        switch (root.trust) {
        case 1: return qsTr("Trusted on first use")
        case 2: return qsTr("Verified")
        case 3: return qsTr("Key changed")
        default: return qsTr("Not verified")
        }
    }
    readonly property color tint: root.trust === 2 ? Theme.success
                                 : root.trust === 3 ? Theme.warning
                                 : root.trust === 1 ? Theme.success : Theme.textMuted

    implicitWidth: showLabel ? mark.width + 4 + text.implicitWidth : mark.width
    implicitHeight: Math.max(mark.height, showLabel ? text.implicitHeight : 0)

    Accessible.role: Accessible.Indicator
    Accessible.name: root.username.length > 0 ? qsTr("%1: %2").arg(root.username).arg(root.label) : root.label

    Rectangle {
        id: mark
        objectName: "trustMark"
        anchors.verticalCenter: parent.verticalCenter
        width: root.size
        height: root.size
        radius: root.trust === 3 ? 3 : width / 2
        color: root.trust === 2 || root.trust === 3 ? root.tint : "transparent"
        border.width: root.trust === 2 || root.trust === 3 ? 0 : 1.5
        border.color: root.tint

        Text {
            anchors.centerIn: parent
            text: root.trust === 3 ? "!" : root.trust === 0 ? "" : "\u2713"
            color: root.trust === 2 || root.trust === 3 ? Theme.background : root.tint
            font.pixelSize: Math.round(root.size * 0.72)
            font.weight: Theme.bold
        }
        Rectangle {
            visible: root.trust === 0
            anchors.centerIn: parent
            width: parent.width * 0.45
            height: 1.5
            color: root.tint
        }
    }
    Text {
        id: text
        visible: root.showLabel
        anchors.left: mark.right
        anchors.leftMargin: 4
        anchors.verticalCenter: parent.verticalCenter
        text: root.label
        color: root.trust === 3 ? Theme.warning : Theme.textSecondary
        font.pixelSize: Theme.smallSize
    }
    HoverHandler { id: hover }
    ToolTip.visible: hover.hovered && !root.showLabel
    ToolTip.text: root.Accessible.name
    ToolTip.delay: 500
}
