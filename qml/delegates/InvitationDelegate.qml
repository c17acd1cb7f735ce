pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.App

// An open invitation in the room list; opens the invitation dialog.
ItemDelegate {
    id: root

    required property int index
    required property string roomId
    required property string roomName
    required property string inviter
    required property int inviterTrust
    required property bool expired
    required property var memberNames
    required property int memberCount
    required property int history

    objectName: "invitation_" + roomName
    width: ListView.view ? ListView.view.width : implicitWidth
    height: 52
    leftPadding: Theme.padding - 4
    rightPadding: Theme.padding - 4
    Accessible.name: qsTr("Invitation to %1 from %2").arg(root.roomName).arg(root.inviter)

    background: Rectangle { color: root.hovered ? Theme.sunken : "transparent" }
    contentItem: RowLayout {
        spacing: Theme.spacing * 1.5
        Rectangle {
            width: 40; height: 40; radius: 20
            color: Theme.accentSoft
            border.color: Theme.accent
            Text { anchors.centerIn: parent; text: "+"; color: Theme.accent; font.pixelSize: 20 }
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2
            Text {
                Layout.fillWidth: true
                text: root.roomName
                elide: Text.ElideRight
                color: Theme.text
                font.pixelSize: Theme.bodySize
                font.weight: Theme.bold
            }
            RowLayout {
                spacing: 4
                Text {
                    text: qsTr("from %1").arg(root.inviter)
                    color: Theme.textSecondary
                    font.pixelSize: Theme.smallSize
                }
                TrustIndicator { trust: root.inviterTrust; size: 11; username: root.inviter }
            }
        }
    }
}
