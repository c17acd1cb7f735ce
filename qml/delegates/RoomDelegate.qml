pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.App

// One row of the room list: avatar, name, last message, time, unread badge, trust mark.
ItemDelegate {
    id: root

    required property int index
    required property string roomId
    required property string name
    required property string preview
    required property var lastActivity
    required property int unread
    required property int mentions
    required property bool attention
    required property string initials
    required property color avatarColor
    property bool selected: false

    objectName: "room_" + name
    width: ListView.view ? ListView.view.width : implicitWidth
    height: 60
    padding: Theme.spacing
    leftPadding: Theme.padding - 4
    rightPadding: Theme.padding - 4
    Accessible.name: root.unread > 0 ? qsTr("%1, %n unread", "", root.unread).arg(root.name) : root.name

    function timeText(when: var): string {
        if (!when || isNaN(when.getTime()))
            return ""
        const now = new Date()
        if (when.toDateString() === now.toDateString())
            return Qt.formatTime(when, Qt.locale().timeFormat(Locale.ShortFormat))
        return Qt.formatDate(when, "d MMM")
    }

    background: Rectangle {
        color: root.selected ? Theme.selected : root.hovered ? Theme.sunken : "transparent"
        Rectangle {
            visible: root.selected
            width: 3
            height: parent.height
            color: Theme.accent
        }
    }

    contentItem: RowLayout {
        spacing: Theme.spacing * 1.5
        Avatar { initials: root.initials; tint: root.avatarColor; size: 40 }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacing / 2
                Text {
                    Layout.fillWidth: true
                    text: root.name
                    elide: Text.ElideRight
                    color: Theme.text
                    font.pixelSize: Theme.bodySize
                    font.weight: root.unread > 0 ? Theme.bold : Theme.normal
                }
                TrustIndicator {
                    objectName: "roomAttention"
                    visible: root.attention
                    trust: 3
                    size: 12
                }
                Text {
                    text: root.timeText(root.lastActivity)
                    color: root.mentions > 0 ? Theme.accent : Theme.textMuted
                    font.pixelSize: Theme.smallSize
                }
            }
            RowLayout {
                Layout.fillWidth: true
                Text {
                    Layout.fillWidth: true
                    text: root.preview.length > 0 ? root.preview : qsTr("No messages yet")
                    elide: Text.ElideRight
                    maximumLineCount: 1
                    textFormat: Text.PlainText
                    color: Theme.textSecondary
                    font.pixelSize: Theme.smallSize
                }
                Badge { count: root.unread; strong: root.mentions > 0 }
            }
        }
    }
}
