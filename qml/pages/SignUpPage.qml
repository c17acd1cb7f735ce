pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.Ui
import Tavern.App

// Sign-up: server and username, key derivation (progress), the account secret shown once,
// then two of its groups asked back.
Rectangle {
    id: page

    property var flow: App.signup
    signal loginInstead()

    objectName: "signUpPage"
    color: Theme.surface

    readonly property int step: flow ? flow.state : SignupFlow.Details

    Card {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.padding, page.step === SignupFlow.ShowSecret ? 560 : 440)

        ColumnLayout {
            width: parent.width
            spacing: Theme.padding

            Text {
                objectName: "signUpTitle"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: page.step === SignupFlow.ShowSecret ? qsTr("Your account secret")
                    : page.step === SignupFlow.Confirm ? qsTr("Check that you wrote it down")
                    : qsTr("Welcome to Tavern")
                color: Theme.text
                font.pixelSize: 22
                font.weight: Theme.bold
            }

            // Details (and Failed: the same form, with the error).
            ColumnLayout {
                visible: page.step === SignupFlow.Details || page.step === SignupFlow.Failed
                Layout.fillWidth: true
                spacing: Theme.padding
                Text {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("Create an account. Your keys are made on this device; the server never sees them.")
                    color: Theme.textSecondary
                }
                FormField {
                    id: server
                    objectName: "signUpServer"
                    Layout.fillWidth: true
                    label: qsTr("Server")
                    placeholderText: "wss://chat.example.org"
                    text: App.serverUrl
                }
                FormField {
                    id: username
                    objectName: "signUpUsername"
                    Layout.fillWidth: true
                    label: qsTr("Username")
                    hint: qsTr("Lower-case letters, digits, dots, dashes and underscores. Others find you by it.")
                    placeholderText: qsTr("e.g. alice")
                    onAccepted: createButton.clicked()
                    Component.onCompleted: field.forceActiveFocus()
                }
                Text {
                    objectName: "signUpError"
                    visible: page.flow && page.flow.error.length > 0
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: page.flow ? page.flow.error : ""
                    color: Theme.warning
                }
                RowLayout {
                    Layout.fillWidth: true
                    ActionButton {
                        objectName: "haveAccountButton"
                        kind: "flat"
                        text: qsTr("I already have an account")
                        onClicked: page.loginInstead()
                    }
                    Item { Layout.fillWidth: true }
                    ActionButton {
                        id: createButton
                        objectName: "createAccountButton"
                        kind: "primary"
                        text: qsTr("Create account")
                        enabled: username.text.length > 0 && server.text.length > 0
                        onClicked: page.flow.start(server.text.trim(), username.text.trim())
                    }
                }
            }

            // Working: key derivation and registration take a few seconds.
            RowLayout {
                visible: page.step === SignupFlow.Working
                Layout.fillWidth: true
                spacing: Theme.padding
                BusyIndicator { objectName: "signUpBusy"; running: visible }
                Text {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("Making your keys and registering with the server\u2026")
                    color: Theme.textSecondary
                }
            }

            // ShowSecret: once, large, grouped, copyable.
            ColumnLayout {
                visible: page.step === SignupFlow.ShowSecret
                Layout.fillWidth: true
                spacing: Theme.padding
                Rectangle {
                    Layout.fillWidth: true
                    implicitHeight: warnText.implicitHeight + 2 * Theme.spacing * 1.5
                    radius: Theme.radius
                    color: Theme.warningSoft
                    border.color: Theme.warning
                    Text {
                        id: warnText
                        anchors.fill: parent
                        anchors.margins: Theme.spacing * 1.5
                        wrapMode: Text.Wrap
                        text: qsTr("Write this down and keep it safe. It is the only way back into your account on a new device \u2014 Tavern cannot show it again or reset it.")
                        color: Theme.text
                    }
                }
                Rectangle {
                    Layout.fillWidth: true
                    implicitHeight: secretGrid.implicitHeight + 2 * Theme.padding
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: Theme.border
                    GridLayout {
                        id: secretGrid
                        objectName: "secretGrid"
                        anchors.centerIn: parent
                        columns: 4
                        columnSpacing: Theme.padding * 1.5
                        rowSpacing: Theme.spacing
                        Accessible.role: Accessible.StaticText
                        Accessible.name: qsTr("Account secret: %1").arg(page.flow ? page.flow.secretGroups.join(" ") : "")
                        Repeater {
                            model: page.flow ? page.flow.secretGroups : []
                            delegate: RowLayout {
                                id: groupCell
                                required property int index
                                required property string modelData
                                spacing: 6
                                Text {
                                    text: groupCell.index + 1
                                    color: Theme.textMuted
                                    font.pixelSize: Theme.smallSize
                                    Layout.preferredWidth: 16
                                    horizontalAlignment: Text.AlignRight
                                }
                                Text {
                                    text: groupCell.modelData
                                    color: Theme.text
                                    font.family: Theme.mono
                                    font.pixelSize: 20
                                }
                            }
                        }
                    }
                }
                TextEdit { id: clipboardHelper; visible: false; text: page.flow ? page.flow.secretGroups.join(" ") : "" }
                RowLayout {
                    Layout.fillWidth: true
                    ActionButton {
                        objectName: "copySecretButton"
                        text: copied ? qsTr("Copied") : qsTr("Copy")
                        property bool copied: false
                        onClicked: { clipboardHelper.selectAll(); clipboardHelper.copy(); clipboardHelper.deselect(); copied = true }
                    }
                    Item { Layout.fillWidth: true }
                    ActionButton {
                        objectName: "secretNotedButton"
                        kind: "primary"
                        text: qsTr("I wrote it down")
                        onClicked: page.flow.secretNoted()
                    }
                }
            }

            // Confirm: two groups back.
            ColumnLayout {
                visible: page.step === SignupFlow.Confirm
                Layout.fillWidth: true
                spacing: Theme.padding
                readonly property var idx: page.flow && page.flow.confirmIndexes.length === 2 ? page.flow.confirmIndexes : [0, 0]
                Text {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("Type two groups of your account secret, so we know you can get back in.")
                    color: Theme.textSecondary
                }
                FormField {
                    id: groupA
                    objectName: "confirmGroupA"
                    Layout.fillWidth: true
                    label: qsTr("Group %1").arg(parent.idx[0])
                    field.font.family: Theme.mono
                }
                FormField {
                    id: groupB
                    objectName: "confirmGroupB"
                    Layout.fillWidth: true
                    label: qsTr("Group %1").arg(parent.idx[1])
                    field.font.family: Theme.mono
                    onAccepted: confirmButton.clicked()
                }
                Text {
                    objectName: "confirmError"
                    visible: page.flow && page.flow.error.length > 0
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: page.flow ? page.flow.error : ""
                    color: Theme.warning
                }
                RowLayout {
                    Layout.fillWidth: true
                    ActionButton {
                        objectName: "confirmBackButton"
                        kind: "flat"
                        text: qsTr("Show the secret again")
                        onClicked: page.flow.back()
                    }
                    Item { Layout.fillWidth: true }
                    ActionButton {
                        id: confirmButton
                        objectName: "confirmButton"
                        kind: "primary"
                        text: qsTr("Confirm")
                        enabled: groupA.text.length > 0 && groupB.text.length > 0
                        onClicked: page.flow.confirm(groupA.text.trim(), groupB.text.trim())
                    }
                }
            }
        }
    }
}
