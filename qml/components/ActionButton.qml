pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import Tavern.App

// The app's button: "primary" (accent), "secondary" (outlined), "warning", "flat".
Button {
    id: control

    property string kind: "secondary"
    readonly property color tint: kind === "primary" ? Theme.accent
                                : kind === "warning" ? Theme.warning : Theme.text

    Accessible.name: text
    focusPolicy: Qt.StrongFocus
    implicitHeight: Theme.controlHeight
    leftPadding: 14
    rightPadding: 14
    font.pixelSize: Theme.bodySize
    font.weight: kind === "primary" || kind === "warning" ? Theme.bold : Theme.normal

    contentItem: Text {
        text: control.text
        font: control.font
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
        opacity: control.enabled ? 1 : 0.5
        color: control.kind === "primary" ? Theme.accentText
             : control.kind === "warning" ? Theme.background
             : control.kind === "flat" ? Theme.accent : Theme.text
    }
    background: Rectangle {
        radius: Theme.radius
        opacity: control.enabled ? 1 : 0.5
        color: control.kind === "primary" || control.kind === "warning"
               ? (control.down ? Qt.darker(control.tint, 1.15) : control.hovered ? Qt.lighter(control.tint, 1.08) : control.tint)
               : control.down ? Theme.selected : control.hovered ? Theme.sunken
               : control.kind === "flat" ? "transparent" : Theme.background
        border.width: control.kind === "secondary" ? 1 : 0
        border.color: Theme.border
        Rectangle {
            anchors.fill: parent
            anchors.margins: -3
            radius: Theme.radius + 3
            color: "transparent"
            border.width: 2
            border.color: Theme.accent
            visible: control.visualFocus
        }
    }
}
