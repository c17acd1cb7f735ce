pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.Ui
import Tavern.App

// A new room: name, topic, and what people you invite later can read.
DialogBase {
    id: dialog

    signal create(string name, string topic, int history)

    objectName: "createRoomDialog"
    title: qsTr("New room")
    onAboutToShow: {
        nameField.text = ""
        topicField.text = ""
        sharedHistory.checked = true
        nameField.field.forceActiveFocus()
    }
    onCreate: (name, topic, history) => App.createRoom(name, topic, history)

    // A radio button in the app's look: an accent ring and dot instead of Basic's heavy black
    // disc, a focus ring for the keyboard.
    component RadioChoice: RadioButton {
        id: control

        Accessible.name: text
        spacing: Theme.spacing
        leftPadding: 2
        font.pixelSize: Theme.bodySize

        indicator: Rectangle {
            x: control.leftPadding
            y: (control.height - height) / 2
            implicitWidth: 18
            implicitHeight: 18
            radius: 9
            color: Theme.background
            border.width: control.visualFocus ? 2 : 1.5
            border.color: control.checked || control.visualFocus ? Theme.accent : Theme.textMuted
            Rectangle {
                anchors.centerIn: parent
                width: 8
                height: 8
                radius: 4
                color: Theme.accent
                visible: control.checked
            }
        }
        contentItem: Text {
            leftPadding: control.indicator.width + control.spacing
            text: control.text
            font: control.font
            color: Theme.text
            verticalAlignment: Text.AlignVCenter
            opacity: control.enabled ? 1 : 0.5
        }
    }

    ColumnLayout {
        width: parent.width
        spacing: Theme.padding
        FormField {
            id: nameField
            objectName: "roomName"
            Layout.fillWidth: true
            label: qsTr("Name")
            placeholderText: qsTr("e.g. Ops")
            onAccepted: createButton.clicked()
        }
        FormField {
            id: topicField
            objectName: "roomTopic"
            Layout.fillWidth: true
            label: qsTr("Topic (optional)")
            onAccepted: createButton.clicked()
        }
        ColumnLayout {
            spacing: 2
            Text { text: qsTr("People you invite later"); color: Theme.text; font.pixelSize: Theme.smallSize; font.weight: Theme.bold }
            RadioChoice {
                id: sharedHistory
                objectName: "historyShared"
                checked: true
                text: qsTr("can read earlier messages")
                Accessible.name: text
            }
            RadioChoice {
                id: sinceJoin
                objectName: "historySinceJoin"
                text: qsTr("see messages from when they join")
                Accessible.name: text
            }
        }
        Text {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("Only members can read the room. The server stores it but cannot read or change it unnoticed.")
            color: Theme.textSecondary
            font.pixelSize: Theme.smallSize
        }
        RowLayout {
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            ActionButton { objectName: "createRoomCancel"; text: qsTr("Cancel"); onClicked: dialog.close() }
            ActionButton {
                id: createButton
                objectName: "createRoomButton"
                kind: "primary"
                text: qsTr("Create room")
                enabled: nameField.text.trim().length > 0
                onClicked: {
                    if (!enabled)
                        return
                    dialog.create(nameField.text.trim(), topicField.text.trim(), sinceJoin.checked ? 1 : 0)
                    dialog.close()
                }
            }
        }
    }
}
