pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Layouts
import Tavern.App

// An invitation: who invited you (with trust), the room, its members, the history offered;
// Accept, Decline, or Decline and block the inviter.
DialogBase {
    id: dialog

    // An InvitationModel row: roomId, roomName, inviter, inviterTrust, memberNames,
    // memberCount, history, expired.
    property var invitation: ({})
    readonly property string roomId: invitation.roomId || ""
    readonly property var memberNames: invitation.memberNames || []
    readonly property int memberCount: invitation.memberCount || 0
    readonly property int others: Math.max(0, memberCount - memberNames.length)

    signal acceptInvitation(string roomId)
    signal decline(string roomId)
    signal declineAndBlock(string roomId)

    objectName: "invitationDialog"
    title: qsTr("Join %1?").arg(invitation.roomName || "")

    ColumnLayout {
        width: parent.width
        spacing: Theme.padding

        RowLayout {
            spacing: Theme.spacing
            Text {
                objectName: "invitationInviter"
                text: qsTr("%1 invited you.").arg(dialog.invitation.inviter || "")
                color: Theme.text
            }
            TrustIndicator {
                objectName: "invitationInviterTrust"
                trust: dialog.invitation.inviterTrust || 0
                username: dialog.invitation.inviter || ""
                showLabel: true
            }
        }
        ColumnLayout {
            spacing: 4
            Text {
                text: qsTr("Members")
                color: Theme.textSecondary
                font.pixelSize: Theme.smallSize
                font.weight: Theme.bold
            }
            Text {
                objectName: "invitationMembers"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: dialog.others > 0
                      ? qsTr("%1 and %n other(s)", "", dialog.others).arg(dialog.memberNames.join(", "))
                      : dialog.memberNames.join(", ")
                color: Theme.text
            }
        }
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: historyText.implicitHeight + 2 * Theme.spacing * 1.5
            radius: Theme.radius
            color: Theme.surface
            Text {
                id: historyText
                objectName: "invitationHistory"
                anchors.fill: parent
                anchors.margins: Theme.spacing * 1.5
                wrapMode: Text.Wrap
                text: dialog.invitation.history === 1
                      ? qsTr("You'll see messages from now on. Earlier messages stay private to those who were there.")
                      : qsTr("You'll see earlier messages of this room.")
                color: Theme.text
            }
        }
        Text {
            objectName: "invitationExpired"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            visible: dialog.invitation.expired === true
            text: qsTr("This invitation may be old: the server shows this room older than your devices already saw it. It can't be accepted now.")
            color: Theme.warning
        }
        Text {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            visible: (dialog.invitation.inviterTrust || 0) === 3
            text: qsTr("%1's safety number changed since you last talked. Check it with them before you trust this invitation.").arg(dialog.invitation.inviter || "")
            color: Theme.warning
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.topMargin: Theme.spacing
            spacing: Theme.spacing
            ActionButton {
                objectName: "blockInviterButton"
                kind: "flat"
                text: qsTr("Decline and block inviter")
                onClicked: { dialog.declineAndBlock(dialog.roomId); dialog.close() }
            }
            Item { Layout.fillWidth: true }
            ActionButton {
                objectName: "declineButton"
                text: qsTr("Decline")
                onClicked: { dialog.decline(dialog.roomId); dialog.close() }
            }
            ActionButton {
                objectName: "acceptInvitationButton"
                kind: "primary"
                enabled: dialog.invitation.expired !== true
                text: qsTr("Accept")
                onClicked: { dialog.acceptInvitation(dialog.roomId); dialog.close() }
            }
        }
    }
}
