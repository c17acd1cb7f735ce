pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Layouts
import Tavern.App

// Replaces the composer while a member's key changed: no way to send until the user
// reviews or accepts the new key.
Rectangle {
    id: root

    required property var blockedBy
    readonly property string first: blockedBy.length > 0 ? blockedBy[0] : ""

    signal review(string username)
    signal acceptKey(string username)

    objectName: "keyChangeBanner"
    implicitHeight: row.implicitHeight + 2 * Theme.padding
    color: Theme.warningSoft
    border.color: Theme.warning
    border.width: 1
    radius: Theme.radius
    Accessible.role: Accessible.AlertMessage
    Accessible.name: message.text

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: Theme.padding
        spacing: Theme.spacing * 1.5

        TrustIndicator { trust: 3; size: 18; username: root.first }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2
            Text {
                id: message
                objectName: "keyChangeMessage"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Theme.text
                font.pixelSize: Theme.bodySize
                font.weight: Theme.bold
                text: root.blockedBy.length > 1
                      ? qsTr("The safety numbers of %1 changed. Review before sending.").arg(root.blockedBy.join(", "))
                      : qsTr("%1's safety number changed. Review before sending.").arg(root.first)
            }
            Text {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Theme.textSecondary
                font.pixelSize: Theme.smallSize
                text: qsTr("Sending to this room is paused so nothing reaches a key you have not seen.")
            }
        }
        ActionButton {
            objectName: "reviewKeyButton"
            text: qsTr("Review")
            onClicked: root.review(root.first)
        }
        ActionButton {
            objectName: "acceptKeyButton"
            kind: "warning"
            text: qsTr("Accept new key")
            onClicked: root.acceptKey(root.first)
        }
    }
}
