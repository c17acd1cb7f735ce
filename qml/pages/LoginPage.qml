pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.Ui
import Tavern.App

// Log in on this device with the account secret.
Rectangle {
    id: page

    property var flow: App.login
    signal signUpInstead()

    objectName: "loginPage"
    color: Theme.surface
    readonly property int step: flow ? flow.state : LoginFlow.Details

    Card {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.padding, 440)

        ColumnLayout {
            width: parent.width
            spacing: Theme.padding
            Text {
                text: qsTr("Log in on this device")
                color: Theme.text
                font.pixelSize: 22
                font.weight: Theme.bold
            }
            Text {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: qsTr("Use the account secret you wrote down when you signed up.")
                color: Theme.textSecondary
            }
            FormField {
                id: server
                objectName: "loginServer"
                Layout.fillWidth: true
                label: qsTr("Server")
                placeholderText: "wss://chat.example.org"
                text: App.serverUrl
            }
            FormField {
                id: username
                objectName: "loginUsername"
                Layout.fillWidth: true
                label: qsTr("Username")
            }
            FormField {
                id: secret
                objectName: "loginSecret"
                Layout.fillWidth: true
                label: qsTr("Account secret")
                placeholderText: "XXXX-XXXX-\u2026"
                echoMode: TextInput.Password
                field.font.family: Theme.mono
                onAccepted: loginButton.clicked()
            }
            RowLayout {
                visible: page.step === LoginFlow.Working
                spacing: Theme.spacing
                BusyIndicator { running: visible; implicitWidth: 32; implicitHeight: 32 }
                Text { text: qsTr("Checking your secret and loading your rooms\u2026"); color: Theme.textSecondary }
            }
            Text {
                objectName: "loginError"
                visible: page.flow && page.flow.error.length > 0
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: page.flow ? page.flow.error : ""
                color: Theme.warning
            }
            RowLayout {
                Layout.fillWidth: true
                ActionButton {
                    objectName: "newAccountButton"
                    kind: "flat"
                    text: qsTr("Create a new account")
                    onClicked: page.signUpInstead()
                }
                Item { Layout.fillWidth: true }
                ActionButton {
                    id: loginButton
                    objectName: "loginButton"
                    kind: "primary"
                    text: qsTr("Log in")
                    enabled: page.step !== LoginFlow.Working && username.text.length > 0 && secret.text.length > 0
                    onClicked: page.flow.start(server.text.trim(), username.text.trim(), secret.text.trim())
                }
            }
        }
    }
}
