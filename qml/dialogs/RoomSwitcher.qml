pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.Ui
import Tavern.App

// Ctrl+K: type part of a room name, Enter jumps to the first match.
DialogBase {
    id: dialog

    objectName: "roomSwitcher"
    title: qsTr("Go to room")
    y: 80
    anchors.centerIn: undefined
    x: parent ? (parent.width - width) / 2 : 0
    height: Math.min(parent ? parent.height - 160 : 420, 420)

    function matches(name: string): bool {
        return query.text.length === 0 || name.toLowerCase().indexOf(query.text.toLowerCase()) >= 0
    }
    onAboutToShow: { query.text = ""; query.forceActiveFocus() }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        TextField {
            id: query
            objectName: "roomSwitcherQuery"
            Layout.fillWidth: true
            placeholderText: qsTr("Room name")
            Accessible.name: qsTr("Room name")
            Keys.onReturnPressed: {
                for (let i = 0; i < results.count; ++i) {
                    const item = results.itemAtIndex(i)
                    if (item && item.visible) {
                        App.currentRoomId = item.roomId
                        dialog.close()
                        return
                    }
                }
            }
            Keys.onDownPressed: results.forceActiveFocus()
        }
        ListView {
            id: results
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: App.rooms
            delegate: RoomDelegate {
                id: entry
                visible: dialog.matches(entry.name)
                height: visible ? 60 : 0
                onClicked: { App.currentRoomId = entry.roomId; dialog.close() }
            }
        }
    }
}
