pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.App

// Multi-line input: Enter sends, Shift+Enter adds a line. While a member's key changed the
// composer is replaced by the key-change banner; in a room one was removed from, by a note.
Item {
    id: root

    property bool blocked: false
    property var blockedBy: []
    property bool revoked: false
    property string roomName: ""
    property alias text: input.text

    signal sent(string text)
    signal review(string username)
    signal acceptKey(string username)

    implicitHeight: root.blocked ? banner.implicitHeight : root.revoked ? revokedNote.implicitHeight + 2 * Theme.padding
                                                                        : frame.implicitHeight

    function send() {
        const body = input.text.trim()
        if (body.length === 0 || root.blocked || root.revoked)
            return
        root.sent(body)
        input.clear()
    }
    function focusInput() { input.forceActiveFocus() }

    KeyChangeBanner {
        id: banner
        anchors.fill: parent
        visible: root.blocked
        blockedBy: root.blockedBy
        onReview: (username) => root.review(username)
        onAcceptKey: (username) => root.acceptKey(username)
    }

    Text {
        id: revokedNote
        objectName: "revokedNote"
        anchors.centerIn: parent
        width: parent.width
        visible: root.revoked && !root.blocked
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: Theme.textSecondary
        font.pixelSize: Theme.bodySize
        text: qsTr("You are no longer a member of this room. You can still read what you received.")
    }

    Rectangle {
        id: frame
        anchors.fill: parent
        visible: !root.blocked && !root.revoked
        implicitHeight: Math.min(160, input.implicitHeight) + 2 * Theme.spacing
        radius: Theme.radius
        color: Theme.background
        border.width: input.activeFocus ? 2 : 1
        border.color: input.activeFocus ? Theme.accent : Theme.border

        RowLayout {
            anchors.fill: parent
            anchors.margins: Theme.spacing / 2
            spacing: Theme.spacing

            ScrollView {
                Layout.fillWidth: true
                Layout.fillHeight: true
                TextArea {
                    id: input
                    objectName: "composerInput"
                    wrapMode: TextEdit.Wrap
                    placeholderText: root.roomName.length > 0 ? qsTr("Message %1").arg(root.roomName) : qsTr("Write a message")
                    placeholderTextColor: Theme.textMuted
                    color: Theme.text
                    font.pixelSize: Theme.bodySize
                    background: null
                    Accessible.name: qsTr("Message")
                    Accessible.description: qsTr("Enter sends, Shift+Enter starts a new line")
                    Keys.onPressed: (event) => {
                        if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter)
                                && !(event.modifiers & Qt.ShiftModifier)) {
                            event.accepted = true
                            root.send()
                        }
                    }
                }
            }
            ActionButton {
                objectName: "sendButton"
                Layout.alignment: Qt.AlignBottom
                kind: "primary"
                text: qsTr("Send")
                enabled: input.text.trim().length > 0
                onClicked: root.send()
            }
        }
    }
}
