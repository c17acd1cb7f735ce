pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.Ui
import Tavern.App

// Invite someone by username: look them up (their key is pinned on first contact; a changed
// key stops here), choose role and history, send. One page per InviteFlow state.
DialogBase {
    id: dialog

    property var flow: App.invite
    property string roomName: ""
    property int defaultHistory: App.currentRoom ? App.currentRoom.history : 0
    readonly property int step: flow ? flow.state : InviteFlow.Search

    signal reviewKey(string username)

    objectName: "inviteDialog"
    title: roomName.length > 0 ? qsTr("Invite to %1").arg(roomName) : qsTr("Invite")
    onAboutToShow: {
        if (flow)
            flow.reset()
        usernameField.text = ""
        roleBox.currentIndex = 0
        historyBox.currentIndex = defaultHistory
        usernameField.field.forceActiveFocus()
    }

    ColumnLayout {
        width: parent.width
        spacing: Theme.padding

        // Search / Looking / NotFound.
        FormField {
            id: usernameField
            objectName: "inviteUsername"
            Layout.fillWidth: true
            visible: dialog.step === InviteFlow.Search || dialog.step === InviteFlow.Looking || dialog.step === InviteFlow.NotFound
            label: qsTr("Username")
            placeholderText: qsTr("Who do you want to invite?")
            onAccepted: findButton.clicked()
        }
        RowLayout {
            objectName: "inviteLooking"
            visible: dialog.step === InviteFlow.Looking || dialog.step === InviteFlow.Sending
            spacing: Theme.spacing
            BusyIndicator { running: parent.visible; implicitWidth: 28; implicitHeight: 28 }
            Text {
                text: dialog.step === InviteFlow.Sending ? qsTr("Sending the invitation\u2026") : qsTr("Looking up %1\u2026").arg(usernameField.text)
                color: Theme.textSecondary
            }
        }
        Text {
            objectName: "inviteNotFound"
            visible: dialog.step === InviteFlow.NotFound
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("There is no user called \u201c%1\u201d on this server. Check the spelling.").arg(dialog.flow ? dialog.flow.username : "")
            color: Theme.warning
        }

        // Found or KeyChanged: who, with their trust.
        RowLayout {
            objectName: "invitePerson"
            visible: dialog.step === InviteFlow.Found || dialog.step === InviteFlow.KeyChanged
            spacing: Theme.spacing
            Avatar {
                initials: dialog.flow ? dialog.flow.username.substring(0, 1) : ""
                tint: Theme.userColor(dialog.flow ? dialog.flow.username : "")
                size: 36
            }
            ColumnLayout {
                spacing: 2
                Text {
                    objectName: "inviteFoundName"
                    text: dialog.flow ? dialog.flow.username : ""
                    color: Theme.text
                    font.weight: Theme.bold
                }
                TrustIndicator {
                    objectName: "inviteTrust"
                    trust: dialog.step === InviteFlow.KeyChanged ? 3 : dialog.flow ? dialog.flow.trust : 0
                    username: dialog.flow ? dialog.flow.username : ""
                    showLabel: true
                }
            }
        }

        // Found: role and history.
        ColumnLayout {
            objectName: "inviteFound"
            visible: dialog.step === InviteFlow.Found
            Layout.fillWidth: true
            spacing: Theme.padding
            Text {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                visible: dialog.flow !== null && dialog.flow.trust !== 2
                text: qsTr("You have not compared safety numbers with %1 yet. You can verify them later from the member list.").arg(dialog.flow ? dialog.flow.username : "")
                color: Theme.textSecondary
                font.pixelSize: Theme.smallSize
            }
            GridLayout {
                columns: 2
                columnSpacing: Theme.padding
                rowSpacing: Theme.spacing
                Text { text: qsTr("Role"); color: Theme.text }
                ComboBox {
                    id: roleBox
                    objectName: "inviteRole"
                    Layout.fillWidth: true
                    Accessible.name: qsTr("Role")
                    textRole: "text"
                    valueRole: "value"
                    model: [{ text: qsTr("Member"), value: 2 }, { text: qsTr("Guest"), value: 3 },
                            { text: qsTr("Moderator"), value: 1 }, { text: qsTr("Admin"), value: 0 }]
                }
                Text { text: qsTr("History"); color: Theme.text }
                ComboBox {
                    id: historyBox
                    objectName: "inviteHistory"
                    Layout.fillWidth: true
                    Accessible.name: qsTr("History")
                    textRole: "text"
                    valueRole: "value"
                    model: [{ text: qsTr("Can read earlier messages"), value: 0 },
                            { text: qsTr("Sees messages from now on"), value: 1 }]
                }
            }
        }

        // KeyChanged: stop here.
        Rectangle {
            objectName: "inviteKeyChanged"
            visible: dialog.step === InviteFlow.KeyChanged
            Layout.fillWidth: true
            implicitHeight: keyRow.implicitHeight + 2 * Theme.padding
            radius: Theme.radius
            color: Theme.warningSoft
            border.color: Theme.warning
            RowLayout {
                id: keyRow
                anchors.fill: parent
                anchors.margins: Theme.padding
                spacing: Theme.spacing
                TrustIndicator { Layout.alignment: Qt.AlignTop; trust: 3; size: 18 }
                Text {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("%1's safety number changed since you last saw it. Tavern will not invite them with the new key until you review it.").arg(dialog.flow ? dialog.flow.username : "")
                    color: Theme.text
                }
            }
        }

        // Sent / Failed.
        Text {
            objectName: "inviteSent"
            visible: dialog.step === InviteFlow.Sent
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("Invited %1. They join the room when they accept.").arg(dialog.flow ? dialog.flow.username : "")
            color: Theme.success
        }
        Text {
            objectName: "inviteError"
            visible: dialog.step === InviteFlow.Failed
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: dialog.flow ? dialog.flow.error : ""
            color: Theme.warning
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.topMargin: Theme.spacing
            spacing: Theme.spacing
            ActionButton {
                objectName: "inviteBack"
                visible: dialog.step === InviteFlow.Found || dialog.step === InviteFlow.KeyChanged
                         || dialog.step === InviteFlow.Failed || dialog.step === InviteFlow.Sent
                kind: "flat"
                text: dialog.step === InviteFlow.Sent ? qsTr("Invite someone else") : qsTr("Back")
                onClicked: { dialog.flow.reset(); usernameField.text = ""; usernameField.field.forceActiveFocus() }
            }
            Item { Layout.fillWidth: true }
            ActionButton {
                objectName: "inviteCancel"
                visible: dialog.step !== InviteFlow.Sent
                text: qsTr("Cancel")
                onClicked: dialog.close()
            }
            ActionButton {
                id: findButton
                objectName: "inviteFind"
                visible: dialog.step === InviteFlow.Search || dialog.step === InviteFlow.Looking || dialog.step === InviteFlow.NotFound
                enabled: usernameField.text.trim().length > 0 && dialog.step !== InviteFlow.Looking
                kind: "primary"
                text: qsTr("Find")
                onClicked: dialog.flow.find(usernameField.text.trim().toLowerCase())
            }
            ActionButton {
                objectName: "inviteSend"
                visible: dialog.step === InviteFlow.Found
                kind: "primary"
                text: qsTr("Send invitation")
                onClicked: dialog.flow.send(roleBox.currentValue, historyBox.currentValue)
            }
            ActionButton {
                objectName: "inviteReview"
                visible: dialog.step === InviteFlow.KeyChanged
                kind: "warning"
                text: qsTr("Review")
                onClicked: { const who = dialog.flow.username; dialog.close(); dialog.reviewKey(who) }
            }
            ActionButton {
                objectName: "inviteDone"
                visible: dialog.step === InviteFlow.Sent
                kind: "primary"
                text: qsTr("Done")
                onClicked: dialog.close()
            }
        }
    }
}
