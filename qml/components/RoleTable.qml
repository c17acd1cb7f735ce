pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Layouts
import Tavern.App

// "What can each role do?": one row per action, a check per role (RolePermissionModel).
ColumnLayout {
    id: root

    required property var model

    // Each column as wide as its heading (translations differ in length), at least 32 px.
    readonly property var headings: [qsTr("Admin"), qsTr("Mod"), qsTr("Member"), qsTr("Guest")]
    readonly property var columnWidths: [Math.max(32, m0.advanceWidth + 8), Math.max(32, m1.advanceWidth + 8),
                                         Math.max(32, m2.advanceWidth + 8), Math.max(32, m3.advanceWidth + 8)]
    TextMetrics { id: m0; text: root.headings[0]; font.pixelSize: Theme.smallSize; font.weight: Theme.bold }
    TextMetrics { id: m1; text: root.headings[1]; font.pixelSize: Theme.smallSize; font.weight: Theme.bold }
    TextMetrics { id: m2; text: root.headings[2]; font.pixelSize: Theme.smallSize; font.weight: Theme.bold }
    TextMetrics { id: m3; text: root.headings[3]; font.pixelSize: Theme.smallSize; font.weight: Theme.bold }

    spacing: 0
    Accessible.role: Accessible.Table
    Accessible.name: qsTr("What each role can do")

    RowLayout {
        Layout.fillWidth: true
        spacing: 0
        Item { Layout.fillWidth: true; implicitHeight: 24 }
        Repeater {
            model: root.headings
            delegate: Text {
                required property string modelData
                required property int index
                Layout.preferredWidth: root.columnWidths[index]
                horizontalAlignment: Text.AlignHCenter
                text: modelData
                color: Theme.textSecondary
                font.pixelSize: Theme.smallSize
                font.weight: Theme.bold
            }
        }
    }
    Repeater {
        model: root.model
        delegate: Rectangle {
            id: row
            required property int index
            required property string action
            required property bool admin
            required property bool moderator
            required property bool member
            required property bool guest
            Layout.fillWidth: true
            implicitHeight: Math.max(26, actionText.implicitHeight + 8)
            color: index % 2 === 0 ? Theme.surface : "transparent"
            RowLayout {
                anchors.fill: parent
                spacing: 0
                Text {
                    id: actionText
                    Layout.fillWidth: true
                    leftPadding: 6
                    text: row.action
                    wrapMode: Text.Wrap
                    color: Theme.text
                    font.pixelSize: Theme.smallSize
                }
                Repeater {
                    model: [row.admin, row.moderator, row.member, row.guest]
                    delegate: Text {
                        required property bool modelData
                        required property int index
                        Layout.preferredWidth: root.columnWidths[index]
                        horizontalAlignment: Text.AlignHCenter
                        text: modelData ? "\u2713" : "\u2013"
                        color: modelData ? Theme.success : Theme.textMuted
                        font.pixelSize: Theme.smallSize
                    }
                }
            }
        }
    }
}
