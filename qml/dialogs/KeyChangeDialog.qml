pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Layouts
import Tavern.App

// Review a changed key: what it means, and the two ways on (compare safety numbers, or
// accept the new key); until then nothing is sent to them.
DialogBase {
    id: dialog

    property string username: ""

    signal verify(string username)
    signal acceptKey(string username)

    objectName: "keyChangeDialog"
    title: qsTr("%1's safety number changed").arg(username)
    width: Math.min(parent ? parent.width - 2 * Theme.padding : 580, 580)

    ColumnLayout {
        width: parent.width
        spacing: Theme.padding
        RowLayout {
            spacing: Theme.spacing
            TrustIndicator { trust: 3; username: dialog.username; showLabel: true }
        }
        Text {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("The server now hands out a different key for %1 than the one you saw first. This happens when they reinstalled Tavern without their account secret \u2014 or when someone is trying to listen in.").arg(dialog.username)
            color: Theme.text
        }
        Text {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("Tavern paused sending to rooms %1 is in and kept the key you had. Ask them in person or on a call whether they changed devices, then compare safety numbers.").arg(dialog.username)
            color: Theme.textSecondary
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.topMargin: Theme.spacing
            spacing: Theme.spacing
            ActionButton { objectName: "keyChangeLater"; text: qsTr("Not now"); onClicked: dialog.close() }
            Item { Layout.fillWidth: true }
            ActionButton {
                objectName: "keyChangeCompare"
                text: qsTr("Compare safety numbers")
                onClicked: { const who = dialog.username; dialog.close(); dialog.verify(who) }
            }
            ActionButton {
                objectName: "keyChangeAccept"
                kind: "warning"
                text: qsTr("Accept new key")
                onClicked: { dialog.acceptKey(dialog.username); dialog.close() }
            }
        }
    }
}
