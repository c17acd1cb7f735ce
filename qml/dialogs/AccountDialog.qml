pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.Ui
import Tavern.App

// Who I am, where, my contacts and their trust, and log out.
DialogBase {
    id: dialog

    signal verify(string username)

    objectName: "accountDialog"
    title: qsTr("Account")
    // As tall as the contacts need, up to the window.
    height: Math.min(parent ? parent.height - 2 * Theme.padding : 560, implicitHeight)

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.padding
        GridLayout {
            columns: 2
            columnSpacing: Theme.padding
            rowSpacing: 4
            Text { text: qsTr("Username"); color: Theme.textSecondary }
            Text { objectName: "accountUsername"; text: App.username; color: Theme.text; font.weight: Theme.bold }
            Text { text: qsTr("Server"); color: Theme.textSecondary }
            Text { text: App.serverUrl; color: Theme.text }
            Text { text: qsTr("Status"); color: Theme.textSecondary }
            Text { text: App.connected ? qsTr("Connected") : qsTr("Offline \u2014 reconnecting"); color: Theme.text }
            Text { text: qsTr("Profile"); color: Theme.textSecondary }
            Text { Layout.fillWidth: true; text: App.profileDir; elide: Text.ElideMiddle; color: Theme.text; font.pixelSize: Theme.smallSize }
        }
        Text { text: qsTr("Devices online"); color: Theme.text; font.weight: Theme.bold }
        // Every connected device of this account, live (devices.changed): one you do not
        // recognise means your account secret is known to someone else.
        Column {
            objectName: "deviceList"
            Layout.fillWidth: true
            spacing: 4
            Repeater {
                model: App.devices
                delegate: RowLayout {
                    id: device
                    required property string name
                    required property date since
                    required property bool current
                    width: parent ? parent.width : 0
                    spacing: Theme.spacing
                    Text {
                        Layout.fillWidth: true
                        text: device.name.length > 0 ? device.name : qsTr("Unnamed device")
                        elide: Text.ElideRight
                        color: Theme.text
                        Accessible.name: text
                    }
                    Text {
                        text: device.current ? qsTr("this device")
                                             : qsTr("since %1").arg(Qt.formatDateTime(device.since, "hh:mm"))
                        color: Theme.textSecondary
                        font.pixelSize: Theme.smallSize
                    }
                }
            }
            Text {
                visible: App.devices.count === 0
                text: App.connected ? qsTr("Listing devices\u2026") : qsTr("Offline: devices show when connected.")
                color: Theme.textSecondary
                font.pixelSize: Theme.smallSize
            }
        }
        Text { text: qsTr("Contacts"); color: Theme.text; font.weight: Theme.bold }
        ListView {
            objectName: "contactList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.minimumHeight: 80
            Layout.preferredHeight: Math.min(contentHeight, 360)
            clip: true
            model: App.contacts
            ScrollBar.vertical: ScrollBar {}
            delegate: ItemDelegate {
                id: contact
                required property string username
                required property int trust
                width: ListView.view.width
                height: 36
                Accessible.name: qsTr("Verify %1").arg(contact.username)
                onClicked: dialog.verify(contact.username)
                contentItem: RowLayout {
                    spacing: Theme.spacing
                    Text { Layout.fillWidth: true; text: contact.username; color: Theme.text }
                    TrustIndicator { trust: contact.trust; username: contact.username; showLabel: true }
                }
            }
            Text {
                anchors.centerIn: parent
                visible: parent.count === 0
                text: qsTr("People you share a room with appear here.")
                color: Theme.textSecondary
            }
        }
        RowLayout {
            Layout.fillWidth: true
            ActionButton {
                objectName: "logoutButton"
                kind: "flat"
                text: confirming ? qsTr("Really log out? Only your account secret brings you back") : qsTr("Log out of this device")
                property bool confirming: false
                onClicked: confirming ? App.logout() : confirming = true
            }
            Item { Layout.fillWidth: true }
            ActionButton { text: qsTr("Close"); onClicked: dialog.close() }
        }
    }
}
