pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Basic
import Tavern.App

// The look shared by every dialog: modal, centred, Esc closes.
Dialog {
    id: dialog

    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.min(parent ? parent.width - 2 * Theme.padding : 480, 480)
    modal: true
    focus: true
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    padding: Theme.padding * 1.5
    topPadding: Theme.spacing

    background: Rectangle {
        radius: Theme.radius * 2
        color: Theme.background
        border.color: Theme.border
    }
    header: Text {
        text: dialog.title
        visible: dialog.title.length > 0
        padding: Theme.padding * 1.5
        bottomPadding: Theme.spacing
        color: Theme.text
        font.pixelSize: Theme.titleSize
        font.weight: Theme.bold
        wrapMode: Text.Wrap
    }
    Overlay.modal: Rectangle { color: Qt.rgba(0, 0, 0, 0.4) }
}
