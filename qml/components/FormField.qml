pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.App

// A label above a text field, with an optional hint below.
ColumnLayout {
    id: root

    required property string label
    property string hint: ""
    property alias text: field.text
    property alias placeholderText: field.placeholderText
    property alias field: field
    property alias echoMode: field.echoMode

    signal accepted()

    spacing: 4
    Text { text: root.label; color: Theme.text; font.pixelSize: Theme.smallSize; font.weight: Theme.bold }
    TextField {
        id: field
        objectName: root.objectName.length > 0 ? root.objectName + "Input" : ""
        Layout.fillWidth: true
        implicitHeight: 36
        font.pixelSize: Theme.bodySize
        color: Theme.text
        placeholderTextColor: Theme.textMuted
        selectByMouse: true
        Accessible.name: root.label
        onAccepted: root.accepted()
        background: Rectangle {
            radius: Theme.radius
            color: Theme.background
            border.width: field.activeFocus ? 2 : 1
            border.color: field.activeFocus ? Theme.accent : Theme.border
        }
    }
    Text {
        visible: root.hint.length > 0
        Layout.fillWidth: true
        text: root.hint
        wrapMode: Text.Wrap
        color: Theme.textSecondary
        font.pixelSize: Theme.smallSize
    }
}
