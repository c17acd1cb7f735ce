pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.Ui
import Tavern.App

// Centre pane: room header, messages (grouped by author and day, with system lines,
// security notice cards and missing-message markers), and the composer or the key-change
// banner that replaces it.
Rectangle {
    id: pane

    property bool membersShown: false
    readonly property var room: App.currentRoom
    readonly property bool hasRoom: App.currentRoomId.length > 0 && room !== null

    signal toggleMembers()
    signal invite()
    signal settings()
    signal verify(string username)
    signal reviewKey(string username)
    signal action(string target)
    signal createRoom()

    objectName: "conversationPane"
    color: Theme.background

    EmptyState {
        objectName: "noRoomSelected"
        anchors.centerIn: parent
        width: Math.min(parent.width - 64, 420)
        visible: !pane.hasRoom
        // qmllint disable type
        // (count is ListModel's, an anonymous base Qt 6.4's qmllint does not follow)
        title: App.rooms && App.rooms.count > 0 ? qsTr("Pick a room on the left") : qsTr("No rooms yet")
        // qmllint enable type
        body: qsTr("Create a room and invite people by their username, or accept an invitation. Press Ctrl+K to jump to a room.")
        ActionButton {
            kind: "primary"
            text: qsTr("New room")
            onClicked: pane.createRoom()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        visible: pane.hasRoom

        // Header.
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 60
            color: Theme.background
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: Theme.padding
                anchors.rightMargin: Theme.spacing
                spacing: Theme.spacing
                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 2
                    RowLayout {
                        spacing: Theme.spacing
                        Text {
                            objectName: "roomTitle"
                            Layout.maximumWidth: pane.width * 0.5
                            text: pane.room ? pane.room.name : ""
                            elide: Text.ElideRight
                            color: Theme.text
                            font.pixelSize: 16
                            font.weight: Theme.bold
                        }
                        // Room trust summary: quiet when fine, the warning mark when not.
                        TrustIndicator {
                            objectName: "roomTrust"
                            trust: pane.room && pane.room.trustSummary === 1 ? 3 : 1
                            showLabel: pane.room !== null && pane.room.trustSummary === 1
                            visible: pane.room !== null
                            Accessible.name: pane.room && pane.room.trustSummary === 1
                                             ? qsTr("Something in this room needs your attention")
                                             : qsTr("Nothing in this room needs attention")
                        }
                    }
                    Text {
                        Layout.fillWidth: true
                        text: {
                            if (!pane.room)
                                return ""
                            const count = qsTr("%n member(s)", "", pane.room.memberCount)
                            return pane.room.topic.length > 0 ? count + "  \u00b7  " + pane.room.topic : count
                        }
                        elide: Text.ElideRight
                        color: Theme.textSecondary
                        font.pixelSize: Theme.smallSize
                    }
                }
                ActionButton {
                    objectName: "headerInviteButton"
                    visible: pane.room !== null && pane.room.canInvite && !pane.room.revoked
                    text: qsTr("Invite")
                    onClicked: pane.invite()
                }
                ActionButton {
                    objectName: "headerSettingsButton"
                    visible: pane.room !== null && !pane.room.revoked
                    kind: "flat"
                    text: qsTr("Settings")
                    onClicked: pane.settings()
                }
                ActionButton {
                    objectName: "membersToggle"
                    kind: pane.membersShown ? "secondary" : "flat"
                    text: qsTr("Members")
                    Accessible.name: pane.membersShown ? qsTr("Hide members") : qsTr("Show members")
                    onClicked: pane.toggleMembers()
                }
            }
        }

        // Messages.
        ListView {
            id: messages
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: pane.hasRoom ? App.messages : null
            verticalLayoutDirection: ListView.TopToBottom
            boundsBehavior: Flickable.StopAtBounds
            topMargin: Theme.spacing
            bottomMargin: Theme.spacing
            ScrollBar.vertical: ScrollBar {}
            property bool atEnd: true
            onMovementEnded: atEnd = atYEnd
            // (Qt.callLater is a method; Qt 6.4's qmllint takes it for a property)
            onCountChanged: if (atEnd) Qt.callLater(positionViewAtEnd) // qmllint disable type
            onAtYBeginningChanged: if (atYBeginning && model && model.canFetchMore(model.index(-1, 0)))
                                       model.fetchMore(model.index(-1, 0))
            Connections {
                target: App
                function onCurrentRoomIdChanged() {
                    messages.atEnd = true
                    Qt.callLater(messages.positionViewAtEnd) // qmllint disable type
                    Qt.callLater(App.markRead) // qmllint disable type
                }
            }

            delegate: MessageDelegate {
                onRetry: (kegId) => App.retry(kegId)
                onAction: (target) => pane.action(target)
            }

            EmptyState {
                anchors.horizontalCenter: parent.horizontalCenter
                y: (messages.height - height) / 2
                width: messages.width - 64
                visible: messages.count === 0 && !App.syncing
                title: qsTr("No messages yet")
                body: qsTr("Say hello \u2014 only the members of this room can read it.")
            }
            BusyIndicator {
                x: (messages.width - width) / 2
                y: (messages.height - height) / 2
                visible: messages.count === 0 && App.syncing
                running: visible
            }
        }

        // The engine holds this room (rolled back, forked, incomplete, keys inconsistent, a
        // departure pending): what is typed waits in the outbox, and the reason is said here.
        Rectangle {
            objectName: "roomHoldBanner"
            Layout.fillWidth: true
            Layout.margins: Theme.spacing * 1.5
            Layout.bottomMargin: 0
            visible: pane.room !== null && pane.room.holdReason !== ""
            implicitHeight: holdText.implicitHeight + 2 * Theme.spacing
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.warning
            Text {
                id: holdText
                anchors.fill: parent
                anchors.margins: Theme.spacing
                wrapMode: Text.Wrap
                text: pane.room ? pane.room.holdReason : ""
                color: Theme.text
            }
        }

        Composer {
            id: composer
            objectName: "composer"
            Layout.fillWidth: true
            Layout.margins: Theme.spacing * 1.5
            Layout.topMargin: 0
            roomName: pane.room ? pane.room.name : ""
            blocked: pane.room !== null && pane.room.composerBlocked
            blockedBy: pane.room ? pane.room.blockedBy : []
            revoked: pane.room !== null && pane.room.revoked
            onSent: (text) => { messages.atEnd = true; App.send(text) }
            onReview: (username) => pane.reviewKey(username)
            onAcceptKey: (username) => App.acceptKeyChange(username)
        }
    }
}
