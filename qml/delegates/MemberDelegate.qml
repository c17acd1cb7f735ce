pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.App

// A member: avatar, name, trust, invite state; a menu with what I may do to them.
ItemDelegate {
    id: root

    required property int index
    required property string username
    required property int role
    required property string roleName
    required property bool invited
    required property int trust
    required property bool isMe
    required property bool canChangeRole
    required property bool canRemove

    signal verify(string username)
    signal changeRole(string username, int role)
    signal remove(string username)

    objectName: "member_" + username
    width: ListView.view ? ListView.view.width : implicitWidth
    height: 44
    leftPadding: Theme.padding
    rightPadding: Theme.spacing
    Accessible.name: qsTr("%1, %2").arg(root.username).arg(trustMark.label)
    onClicked: if (!root.isMe) root.verify(root.username)

    background: Rectangle { color: root.hovered ? Theme.sunken : "transparent" }
    // (trustMark inside it names the row for screen readers: created at once, a small row)
    contentItem: RowLayout { // qmllint disable deferred-property-id
        spacing: Theme.spacing
        Avatar {
            initials: root.username.substring(0, 1)
            tint: Theme.userColor(root.username)
            size: 28
            opacity: root.invited ? 0.5 : 1
        }
        Text {
            Layout.fillWidth: true
            text: root.isMe ? qsTr("%1 (you)").arg(root.username) : root.username
            elide: Text.ElideRight
            color: root.invited ? Theme.textSecondary : Theme.text
            font.pixelSize: Theme.bodySize
        }
        Text {
            visible: root.invited
            text: qsTr("invited")
            color: Theme.textMuted
            font.pixelSize: Theme.smallSize
            font.italic: true
        }
        TrustIndicator {
            id: trustMark
            objectName: "memberTrust_" + root.username
            visible: !root.isMe
            trust: root.trust
            username: root.username
        }
        ToolButton {
            id: menuButton
            objectName: "memberMenu_" + root.username
            visible: root.canChangeRole || root.canRemove || !root.isMe
            text: "\u22ef"
            font.pixelSize: 16
            implicitWidth: 28
            implicitHeight: 28
            Accessible.name: qsTr("Actions for %1").arg(root.username)
            background: Rectangle {
                radius: Theme.radius
                color: menuButton.down ? Theme.selected : menuButton.hovered ? Theme.border : "transparent"
                border.width: menuButton.visualFocus ? 2 : 0
                border.color: Theme.accent
            }
            onClicked: menu.open()
            Menu {
                id: menu
                y: parent.height
                MenuItem {
                    text: root.trust === 2 ? qsTr("Show safety number") : qsTr("Verify %1").arg(root.username)
                    visible: !root.isMe
                    height: visible ? implicitHeight : 0
                    onTriggered: root.verify(root.username)
                }
                MenuItem {
                    text: qsTr("Make admin")
                    visible: root.canChangeRole && root.role !== 0
                    height: visible ? implicitHeight : 0
                    onTriggered: root.changeRole(root.username, 0)
                }
                MenuItem {
                    text: qsTr("Make moderator")
                    visible: root.canChangeRole && root.role !== 1
                    height: visible ? implicitHeight : 0
                    onTriggered: root.changeRole(root.username, 1)
                }
                MenuItem {
                    text: qsTr("Make member")
                    visible: root.canChangeRole && root.role !== 2
                    height: visible ? implicitHeight : 0
                    onTriggered: root.changeRole(root.username, 2)
                }
                MenuItem {
                    text: qsTr("Make guest")
                    visible: root.canChangeRole && root.role !== 3
                    height: visible ? implicitHeight : 0
                    onTriggered: root.changeRole(root.username, 3)
                }
                MenuItem {
                    objectName: "removeMember_" + root.username
                    visible: root.canRemove
                    height: visible ? implicitHeight : 0
                    text: qsTr("Remove from room")
                    onTriggered: root.remove(root.username)
                }
            }
        }
    }
}
