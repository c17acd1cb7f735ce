pragma ComponentBehavior: Bound
import QtQuick
import Tavern.App

// Initials on a colour (rooms: derived from the room id by the model; people: from the name).
Rectangle {
    id: root

    required property string initials
    property color tint: Theme.accent
    property int size: 36

    width: size
    height: size
    radius: size / 2
    color: tint
    Accessible.ignored: true

    Text {
        anchors.centerIn: parent
        text: root.initials.toUpperCase()
        color: "#ffffff"
        font.pixelSize: Math.round(root.size * 0.4)
        font.weight: Theme.bold
    }
}
