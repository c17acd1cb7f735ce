pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Layouts
import Tavern.App

// What to do next, where there is nothing yet.
ColumnLayout {
    id: root

    required property string title
    property string body: ""
    default property alias actions: actionRow.data

    spacing: Theme.spacing
    Text {
        Layout.alignment: Qt.AlignHCenter
        Layout.maximumWidth: 360
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        text: root.title
        color: Theme.text
        font.pixelSize: 16
        font.weight: Theme.bold
    }
    Text {
        Layout.alignment: Qt.AlignHCenter
        Layout.maximumWidth: 360
        visible: root.body.length > 0
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        text: root.body
        color: Theme.textSecondary
        font.pixelSize: Theme.bodySize
    }
    Row {
        id: actionRow
        Layout.alignment: Qt.AlignHCenter
        Layout.topMargin: Theme.spacing
        spacing: Theme.spacing
    }
}
