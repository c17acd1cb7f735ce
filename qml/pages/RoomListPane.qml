import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.Ui
import Tavern.App

// Not "pragma ComponentBehavior: Bound": in Qt 6.4 the ListView's header, section and footer
// components are then not created at all, so qmllint reports their use of this file's ids as
// unqualified access.

// Left pane: who I am and the connection, search, invitations, rooms.
Rectangle {
    id: pane

    signal createRoom()
    signal openInvitation(var invitation)
    signal openAccount()

    objectName: "roomListPane"
    // The first invitation's row (for openFirstInvitation), set by the list's header.
    property InvitationDelegate firstInvitation: null

    function roomIdForName(name: string): string {
        for (let i = 0; i < list.count; ++i) {
            const item = list.itemAtIndex(i)
            if (item && item.name === name)
                return item.roomId
        }
        return ""
    }
    function openFirstInvitation(): bool {
        const first = pane.firstInvitation
        if (!first)
            return false
        first.clicked()
        return true
    }
    color: Theme.surface

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Account and connection.
        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.spacing * 1.5
            spacing: Theme.spacing
            ToolButton {
                id: accountButton
                objectName: "accountButton"
                Layout.fillWidth: true
                implicitHeight: 40
                Accessible.name: qsTr("Account: %1").arg(App.username)
                onClicked: pane.openAccount()
                background: Rectangle { radius: Theme.radius; color: accountButton.hovered ? Theme.sunken : "transparent" }
                contentItem: RowLayout {
                    spacing: Theme.spacing
                    Avatar { initials: App.username.substring(0, 1); tint: Theme.userColor(App.username); size: 28 }
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 0
                        Text {
                            Layout.fillWidth: true
                            text: App.username
                            elide: Text.ElideRight
                            color: Theme.text
                            font.weight: Theme.bold
                        }
                        RowLayout {
                            spacing: 4
                            Rectangle {
                                width: 8; height: 8; radius: 4
                                color: App.connected ? Theme.success : Theme.textMuted
                            }
                            Text {
                                objectName: "connectionState"
                                text: !App.connected ? qsTr("Offline \u2014 reconnecting")
                                    : App.syncing ? qsTr("Syncing\u2026") : qsTr("Connected")
                                color: Theme.textSecondary
                                font.pixelSize: Theme.smallSize
                            }
                        }
                    }
                }
            }
            ToolButton {
                id: newRoomButton
                objectName: "newRoomButton"
                text: "+"
                font.pixelSize: 20
                implicitWidth: 36
                implicitHeight: 36
                Accessible.name: qsTr("New room")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("New room (Ctrl+N)")
                background: Rectangle {
                    radius: Theme.radius
                    color: newRoomButton.down ? Theme.selected : newRoomButton.hovered ? Theme.sunken : "transparent"
                    border.width: newRoomButton.visualFocus ? 2 : 0
                    border.color: Theme.accent
                }
                onClicked: pane.createRoom()
            }
        }

        TextField {
            id: search
            objectName: "roomSearch"
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacing * 1.5
            Layout.rightMargin: Theme.spacing * 1.5
            Layout.bottomMargin: Theme.spacing
            implicitHeight: 32
            placeholderText: qsTr("Search rooms")
            placeholderTextColor: Theme.textMuted
            color: Theme.text
            Accessible.name: qsTr("Search rooms")
            onTextChanged: if (App.rooms) App.rooms.filter = text
            background: Rectangle {
                radius: Theme.radius
                color: Theme.background
                border.width: search.activeFocus ? 2 : 1
                border.color: search.activeFocus ? Theme.accent : Theme.border
            }
        }

        ProgressBar {
            objectName: "syncProgress"
            Layout.fillWidth: true
            visible: App.syncing
            indeterminate: true
            implicitHeight: 2
            palette.dark: Theme.accent
        }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true
            ListView {
                id: list
                objectName: "roomList"
                anchors.fill: parent
                clip: true
                model: App.rooms
                currentIndex: -1
                keyNavigationEnabled: true
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar {}

                header: Column {
                    Binding {
                        target: pane
                        property: "firstInvitation"
                        value: invitationList.count > 0 ? invitationList.itemAt(0) : null
                    }
                    width: ListView.view.width
                    visible: invitationList.count > 0
                    height: visible ? implicitHeight : 0
                    Text {
                        leftPadding: Theme.padding
                        topPadding: Theme.spacing
                        bottomPadding: 4
                        text: qsTr("Invitations")
                        color: Theme.textSecondary
                        font.pixelSize: Theme.smallSize
                        font.weight: Theme.bold
                        Badge {
                            anchors.left: parent.right
                            anchors.leftMargin: 4
                            anchors.verticalCenter: parent.verticalCenter
                            anchors.verticalCenterOffset: 2
                            count: invitationList.count
                            strong: true
                        }
                    }
                    Repeater {
                        id: invitationList
                        model: App.invitations
                        delegate: InvitationDelegate {
                            id: inv
                            width: list.width
                            onClicked: pane.openInvitation({ roomId: inv.roomId, roomName: inv.roomName, inviter: inv.inviter,
                                                              inviterTrust: inv.inviterTrust, memberNames: inv.memberNames,
                                                              memberCount: inv.memberCount, history: inv.history,
                                                              expired: inv.expired })
                        }
                    }
                    Text {
                        leftPadding: Theme.padding
                        topPadding: Theme.spacing
                        bottomPadding: 4
                        text: qsTr("Rooms")
                        color: Theme.textSecondary
                        font.pixelSize: Theme.smallSize
                        font.weight: Theme.bold
                    }
                }

                delegate: RoomDelegate {
                    id: room
                    selected: room.roomId === App.currentRoomId
                    onClicked: App.currentRoomId = room.roomId
                }

            }
            EmptyState {
                objectName: "noRoomsState"
                anchors.horizontalCenter: parent.horizontalCenter
                y: Math.max((parent.height - height) / 2, (list.headerItem ? list.headerItem.height : 0) + Theme.padding * 2)
                width: parent.width - 2 * Theme.padding
                visible: list.count === 0 && !App.syncing
                title: search.text.length > 0 ? qsTr("No room matches \u201c%1\u201d").arg(search.text) : qsTr("No rooms yet")
                body: search.text.length > 0 ? "" : qsTr("Create one, or wait for an invitation.")
                ActionButton {
                    visible: search.text.length === 0
                    kind: "primary"
                    text: qsTr("New room")
                    onClicked: pane.createRoom()
                }
            }
            BusyIndicator {
                anchors.centerIn: parent
                visible: list.count === 0 && App.syncing
                running: visible
            }
        }
    }
    Rectangle { anchors.right: parent.right; width: 1; height: parent.height; color: Theme.border }
}
