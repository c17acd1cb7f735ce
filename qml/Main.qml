import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.Ui
import Tavern.App

// The window: maps App.state to a page (sign up / log in, opening, failed, the chat).
ApplicationWindow {
    id: window

    objectName: "mainWindow"
    width: 1200
    height: 760
    minimumWidth: 640
    minimumHeight: 480
    visible: true
    title: App.unreadTotal > 0 ? qsTr("Tavern (%1)").arg(App.unreadTotal) : qsTr("Tavern")
    color: Theme.background
    font.pixelSize: Theme.bodySize

    palette.window: Theme.background
    palette.windowText: Theme.text
    palette.base: Theme.background
    palette.alternateBase: Theme.surface
    palette.text: Theme.text
    palette.button: Theme.background
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.accentText
    palette.placeholderText: Theme.textMuted
    palette.mid: Theme.border
    palette.light: Theme.surface
    palette.midlight: Theme.sunken
    palette.dark: Theme.sunken
    palette.brightText: Theme.textSecondary
    palette.toolTipBase: Theme.text
    palette.toolTipText: Theme.background

    // Welcome: "signup" or "login".
    property string accountPage: "signup"
    readonly property alias mainPage: mainLoader.item

    // For scripts/screenshots.sh and tests: puts the window into a named screen and says
    // when it is ready to grab (isScreenReady). arg: "Room" or "Room/username".
    property var readyWhen: null
    function isScreenReady() {
        return window.readyWhen === null || window.readyWhen() // qmllint disable type
    }
    function showScreen(screen, arg) {
        const slash = arg.indexOf("/")
        const roomName = slash < 0 ? arg : arg.substring(0, slash)
        const user = slash < 0 ? "" : arg.substring(slash + 1)
        window.readyWhen = null
        if (screen === "signup" || screen === "login") {
            window.accountPage = screen
            return App.state === App.Welcome
        }
        if (screen === "signup-secret") {
            window.accountPage = "signup"
            App.signup.start(App.serverUrl, user.length > 0 ? user : roomName)
            window.readyWhen = () => App.signup.state === SignupFlow.ShowSecret || App.signup.state === SignupFlow.Failed
            return true
        }
        const main = mainLoader.item
        if (!main)
            return false
        if (roomName.length > 0 && !main.selectRoomByName(roomName))
            return false
        return main.showScreen(screen, user)
    }

    // Errors from any invokable: a short-lived bar at the bottom.
    Connections {
        target: App
        function onError(message: string) {
            errorBar.text = message
            errorBar.open()
        }
    }

    Loader {
        id: pageLoader
        anchors.fill: parent
        sourceComponent: App.state === App.Ready ? null
                       : App.state === App.Opening ? openingPage
                       : App.state === App.Failed ? failedPage
                       : window.accountPage === "login" ? loginPage : signupPage
    }
    // The account pages' links (the components stay unbound: Qt 6.4 refuses to load bound
    // components declared in the window from these Loaders).
    Connections {
        target: pageLoader.item
        ignoreUnknownSignals: true
        function onLoginInstead() { window.accountPage = "login" }
        function onSignUpInstead() { window.accountPage = "signup" }
    }
    Loader {
        id: mainLoader
        anchors.fill: parent
        active: App.state === App.Ready
        sourceComponent: mainComponent
    }
    Component {
        id: mainComponent
        MainPage {}
    }

    Component {
        id: signupPage
        SignUpPage {}
    }
    Component {
        id: loginPage
        LoginPage {}
    }
    Component {
        id: openingPage
        Item {
            objectName: "openingPage"
            ColumnLayout {
                anchors.centerIn: parent
                spacing: Theme.padding
                BusyIndicator { Layout.alignment: Qt.AlignHCenter; running: true }
                Text {
                    Layout.alignment: Qt.AlignHCenter
                    text: qsTr("Opening your account\u2026")
                    color: Theme.textSecondary
                }
            }
        }
    }
    Component {
        id: failedPage
        Item {
            objectName: "failedPage"
            EmptyState {
                anchors.centerIn: parent
                width: Math.min(parent.width - 64, 480)
                title: qsTr("Tavern could not open your account")
                body: App.errorText
            }
        }
    }

    Popup {
        id: errorBar
        objectName: "errorBar"
        property string text
        x: (window.width - width) / 2
        y: 72 // below the conversation header, clear of the composer and its key-change banner
        width: Math.min(window.width - 2 * Theme.padding, 560)
        padding: Theme.spacing * 1.5
        closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
        onOpened: errorTimer.restart()
        background: Rectangle { color: Theme.text; radius: Theme.radius }
        contentItem: RowLayout {
            spacing: Theme.spacing
            Text {
                objectName: "errorText"
                Layout.fillWidth: true
                text: errorBar.text
                wrapMode: Text.Wrap
                color: Theme.background
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }
            ToolButton {
                objectName: "dismissError"
                text: qsTr("Dismiss")
                Accessible.name: text
                palette.buttonText: Theme.background
                onClicked: errorBar.close()
            }
        }
        Timer { id: errorTimer; interval: 8000; onTriggered: errorBar.close() }
    }
}
