import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.Ui
import Tavern.App

// Not "pragma ComponentBehavior: Bound": in Qt 6.4 the ListView's header, section and footer
// components are then not created at all, so qmllint reports their use of this file's ids as
// unqualified access.

// Right pane: members by role with trust and invite state, actions by permission, and the
// role table.
Rectangle {
    id: panel

    readonly property var room: App.currentRoom
    property bool showRoleTable: false

    signal invite()
    signal verify(string username)
    signal settings()

    objectName: "memberPanel"
    color: Theme.surface
    Rectangle { width: 1; height: parent.height; color: Theme.border }

    ListView {
        id: list
        objectName: "memberList"
        anchors.fill: parent
        anchors.leftMargin: 1
        clip: true
        model: App.members
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}

        header: ColumnLayout {
            width: ListView.view.width
            spacing: Theme.spacing
            RowLayout {
                Layout.fillWidth: true
                Layout.margins: Theme.padding
                Layout.bottomMargin: 0
                Text {
                    Layout.fillWidth: true
                    text: qsTr("Members")
                    color: Theme.text
                    font.pixelSize: 16
                    font.weight: Theme.bold
                }
                ActionButton {
                    objectName: "memberPanelInvite"
                    visible: panel.room !== null && panel.room.canInvite && !panel.room.revoked
                    kind: "primary"
                    text: qsTr("Invite")
                    onClicked: panel.invite()
                }
            }
        }

        section.property: "section"
        section.delegate: Text {
            required property string section
            width: ListView.view.width
            leftPadding: Theme.padding
            topPadding: Theme.spacing * 1.5
            bottomPadding: 4
            text: {
                switch (section) {
                case "Admins": return qsTr("Admins")
                case "Moderators": return qsTr("Moderators")
                case "Members": return qsTr("Members")
                case "Guests": return qsTr("Guests")
                case "Invited": return qsTr("Invited")
                }
                return section
            }
            color: Theme.textSecondary
            font.pixelSize: Theme.smallSize
            font.weight: Theme.bold
        }

        delegate: MemberDelegate {
            onVerify: (username) => panel.verify(username)
            onChangeRole: (username, role) => App.setRole(username, role)
            onRemove: (username) => App.removeMember(username)
        }

        footer: ColumnLayout {
            width: ListView.view.width
            spacing: Theme.spacing
            Rectangle { Layout.fillWidth: true; Layout.topMargin: Theme.padding; height: 1; color: Theme.border }
            ActionButton {
                id: tableToggle
                objectName: "roleTableToggle"
                Layout.leftMargin: Theme.spacing
                kind: "flat"
                text: panel.showRoleTable ? qsTr("Hide what each role can do") : qsTr("What can each role do?")
                onClicked: panel.showRoleTable = !panel.showRoleTable
            }
            RoleTable {
                id: roleTable
                objectName: "roleTable"
                visible: panel.showRoleTable
                Layout.fillWidth: true
                Layout.leftMargin: Theme.spacing
                Layout.rightMargin: Theme.spacing
                Layout.bottomMargin: Theme.padding
                model: App.roles
            }
        }
    }
}
