pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.Ui
import Tavern.App

// Room settings (name, topic, history) for those allowed, the role editor (each member's
// role, for those allowed), the role table, the room fingerprint, and Leave.
DialogBase {
    id: dialog

    readonly property var room: App.currentRoom
    readonly property bool canEdit: room !== null && room.canEditSettings

    objectName: "roomSettingsDialog"
    title: room ? qsTr("%1 settings").arg(room.name) : qsTr("Room settings")
    width: Math.min(parent ? parent.width - 2 * Theme.padding : 560, 560)
    height: Math.min(parent ? parent.height - 2 * Theme.padding : 640, 640)
    onAboutToShow: {
        nameField.text = room ? room.name : ""
        topicField.text = room ? room.topic : ""
        historyBox.currentIndex = room ? room.history : 0
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        TabBar {
            id: tabs
            Layout.fillWidth: true
            TabButton { text: qsTr("General"); Accessible.name: text; objectName: "settingsGeneralTab" }
            TabButton { text: qsTr("Roles"); Accessible.name: text; objectName: "settingsRolesTab" }
        }
        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex

            // General.
            ColumnLayout {
                spacing: Theme.padding
                FormField {
                    id: nameField
                    objectName: "settingsName"
                    Layout.fillWidth: true
                    label: qsTr("Name")
                    field.readOnly: !dialog.canEdit
                }
                FormField {
                    id: topicField
                    objectName: "settingsTopic"
                    Layout.fillWidth: true
                    label: qsTr("Topic")
                    field.readOnly: !dialog.canEdit
                }
                RowLayout {
                    spacing: Theme.spacing
                    Text { text: qsTr("New members"); color: Theme.text }
                    ComboBox {
                        id: historyBox
                        objectName: "settingsHistory"
                        Layout.fillWidth: true
                        enabled: dialog.canEdit
                        Accessible.name: qsTr("History for new members")
                        model: [qsTr("can read earlier messages"), qsTr("see messages from when they join")]
                    }
                }
                Text {
                    visible: !dialog.canEdit
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("Only roles allowed to change settings can edit these.")
                    color: Theme.textSecondary
                    font.pixelSize: Theme.smallSize
                }
                ColumnLayout {
                    spacing: 4
                    Text { text: qsTr("Room fingerprint"); color: Theme.textSecondary; font.pixelSize: Theme.smallSize; font.weight: Theme.bold }
                    Text {
                        objectName: "settingsFingerprint"
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        text: dialog.room ? dialog.room.fingerprint : ""
                        color: Theme.text
                        font.family: Theme.mono
                    }
                    Text {
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        text: qsTr("Everyone in the room sees the same fingerprint. Compare it to be sure you are in the same room.")
                        color: Theme.textSecondary
                        font.pixelSize: Theme.smallSize
                    }
                }
                Item { Layout.fillHeight: true }
            }

            // Roles: the role editor and the table, scrolled together (the page's height must
            // not push the buttons below out of the dialog).
            Flickable {
                id: rolesPage
                clip: true
                contentWidth: width
                contentHeight: rolesColumn.implicitHeight
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar {}
                ColumnLayout {
                    id: rolesColumn
                    width: rolesPage.width - Theme.spacing
                    spacing: Theme.spacing
                    ListView {
                        id: roleEditor
                        objectName: "roleEditor"
                        Layout.fillWidth: true
                        Layout.preferredHeight: contentHeight
                        interactive: false
                        model: App.members
                        delegate: RowLayout {
                            id: editorRow
                            required property string username
                            required property int role
                            required property bool invited
                            required property int trust
                            required property bool isMe
                            required property bool canChangeRole
                            width: ListView.view.width
                            height: 40
                            spacing: Theme.spacing
                            Text {
                                Layout.fillWidth: true
                                text: editorRow.isMe ? qsTr("%1 (you)").arg(editorRow.username)
                                    : editorRow.invited ? qsTr("%1 (invited)").arg(editorRow.username) : editorRow.username
                                elide: Text.ElideRight
                                color: Theme.text
                            }
                            TrustIndicator { trust: editorRow.trust; visible: !editorRow.isMe; username: editorRow.username }
                            ComboBox {
                                objectName: "roleBox_" + editorRow.username
                                implicitWidth: 140
                                enabled: editorRow.canChangeRole
                                Accessible.name: qsTr("Role of %1").arg(editorRow.username)
                                model: [qsTr("Admin"), qsTr("Moderator"), qsTr("Member"), qsTr("Guest")]
                                currentIndex: editorRow.role
                                onActivated: (index) => App.setRole(editorRow.username, index)
                            }
                        }
                    }
                    Text { text: qsTr("What can each role do?"); color: Theme.text; font.weight: Theme.bold }
                    RoleTable { Layout.fillWidth: true; model: App.roles }
                }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            ActionButton {
                objectName: "leaveRoomButton"
                kind: "flat"
                text: qsTr("Leave room")
                onClicked: { App.leave(dialog.room.roomId); dialog.close() }
            }
            Item { Layout.fillWidth: true }
            ActionButton { objectName: "closeSettingsButton"; text: qsTr("Close"); onClicked: dialog.close() }
            ActionButton {
                objectName: "saveSettingsButton"
                visible: dialog.canEdit
                kind: "primary"
                text: qsTr("Save")
                onClicked: { App.setSettings(nameField.text.trim(), topicField.text.trim(), historyBox.currentIndex); dialog.close() }
            }
        }
    }
}
