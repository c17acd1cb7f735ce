import QtQuick
import QtQuick.Layouts
import Tavern.App

// Not "pragma ComponentBehavior: Bound": Qt 6.4 refuses to load a bound component from a
// Loader inside a ListView delegate ("Cannot instantiate bound component outside its creation
// context"), so qmllint reports the components' use of `root` as unqualified access.

// One row of the conversation: a message (grouped by author and day, delivery state on
// one's own), a system line (joins, leaves, roles, rekeys), a security notice card, or a
// marker for messages the server did not deliver.
Item {
    id: root

    required property int index
    required property string kegId
    required property string kind
    required property string author
    required property bool own
    required property string body
    required property var time
    required property string dayLabel
    required property bool firstInGroup
    required property int delivery
    required property string error
    required property bool edited
    required property bool deleted
    required property bool verified
    required property int severity
    required property string noticeKind
    required property string evidence
    required property int missingCount
    required property string actionLabel
    required property string actionTarget
    property int authorTrust: -1

    signal retry(string kegId)
    signal action(string target)

    objectName: "message_" + index
    width: ListView.view ? ListView.view.width : implicitWidth
    implicitHeight: column.implicitHeight + (root.firstInGroup ? Theme.spacing : 2)

    readonly property string timeText: root.time && !isNaN(root.time.getTime())
                                       ? Qt.formatTime(root.time, Qt.locale().timeFormat(Locale.ShortFormat)) : ""

    ColumnLayout {
        id: column
        y: root.firstInGroup ? Theme.spacing : 2
        width: parent.width
        spacing: 4

        // Day separator.
        RowLayout {
            visible: root.dayLabel.length > 0
            Layout.fillWidth: true
            Layout.leftMargin: Theme.padding
            Layout.rightMargin: Theme.padding
            Layout.bottomMargin: Theme.spacing
            spacing: Theme.spacing
            Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
            Text { text: root.dayLabel; color: Theme.textMuted; font.pixelSize: Theme.smallSize }
            Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
        }

        Loader {
            Layout.fillWidth: true
            sourceComponent: root.kind === "system" ? systemLine
                           : root.kind === "notice" ? noticeCard
                           : root.kind === "missing" ? missingMarker : messageRow
        }
    }

    Component {
        id: systemLine
        Text {
            objectName: "systemLine"
            leftPadding: Theme.padding * 2
            rightPadding: Theme.padding * 2
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
            text: root.timeText.length > 0 ? root.body + "  \u00b7  " + root.timeText : root.body
            color: Theme.textSecondary
            font.pixelSize: Theme.smallSize
        }
    }

    Component {
        id: missingMarker
        Item {
            implicitHeight: marker.implicitHeight + Theme.spacing
            Rectangle {
                id: marker
                objectName: "missingMarker"
                anchors.horizontalCenter: parent.horizontalCenter
                implicitWidth: missingText.implicitWidth + 2 * Theme.padding
                implicitHeight: missingText.implicitHeight + Theme.spacing
                radius: height / 2
                color: Theme.sunken
                border.color: Theme.border
                Accessible.role: Accessible.StaticText
                Accessible.name: missingText.text
                Text {
                    id: missingText
                    anchors.centerIn: parent
                    text: root.missingCount > 0
                          ? qsTr("%n message(s) missing here \u2014 the server did not deliver them", "", root.missingCount)
                          : qsTr("Messages missing here \u2014 the server did not deliver them")
                    color: Theme.textSecondary
                    font.pixelSize: Theme.smallSize
                    font.italic: true
                }
            }
        }
    }

    Component {
        id: noticeCard
        Item {
            implicitHeight: card.implicitHeight + Theme.spacing
            Rectangle {
                id: card
                objectName: root.severity === 1 ? "warningNotice" : "infoNotice"
                anchors.horizontalCenter: parent.horizontalCenter
                width: Math.min(parent.width - 2 * Theme.padding, 640)
                implicitHeight: cardColumn.implicitHeight + 2 * Theme.padding - 4
                radius: Theme.radius
                color: root.severity === 1 ? Theme.warningSoft : Theme.surface
                border.color: root.severity === 1 ? Theme.warning : Theme.border
                Accessible.role: Accessible.AlertMessage
                Accessible.name: root.body

                Rectangle {
                    width: 4
                    height: parent.height
                    radius: 2
                    color: root.severity === 1 ? Theme.warning : Theme.textMuted
                }
                ColumnLayout {
                    id: cardColumn
                    anchors.fill: parent
                    anchors.margins: Theme.padding - 2
                    anchors.leftMargin: Theme.padding + 4
                    spacing: Theme.spacing
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: Theme.spacing
                        TrustIndicator {
                            Layout.alignment: Qt.AlignTop
                            visible: root.severity === 1
                            trust: 3
                            size: 16
                        }
                        Text {
                            Layout.fillWidth: true
                            wrapMode: Text.Wrap
                            textFormat: Text.PlainText
                            text: root.body
                            color: Theme.text
                            font.pixelSize: Theme.bodySize
                        }
                        Text {
                            Layout.alignment: Qt.AlignTop
                            text: root.timeText
                            color: Theme.textMuted
                            font.pixelSize: Theme.smallSize
                        }
                    }
                    Text {
                        id: evidenceText
                        objectName: "noticeEvidence"
                        visible: false
                        Layout.fillWidth: true
                        wrapMode: Text.WrapAnywhere
                        textFormat: Text.PlainText
                        text: root.evidence
                        color: Theme.textSecondary
                        font.family: Theme.mono
                        font.pixelSize: Theme.smallSize
                    }
                    RowLayout {
                        spacing: Theme.spacing
                        ActionButton {
                            objectName: "noticeAction"
                            visible: root.actionLabel.length > 0
                            kind: root.severity === 1 ? "warning" : "secondary"
                            text: root.actionLabel
                            onClicked: root.action(root.actionTarget)
                        }
                        ActionButton {
                            objectName: "noticeDetails"
                            visible: root.evidence.length > 0
                            kind: "flat"
                            text: evidenceText.visible ? qsTr("Hide details") : qsTr("Show details")
                            onClicked: evidenceText.visible = !evidenceText.visible
                        }
                    }
                }
            }
        }
    }

    Component {
        id: messageRow
        Item {
            implicitHeight: bubbleColumn.implicitHeight
            ColumnLayout {
                id: bubbleColumn
                x: root.own ? parent.width - width - Theme.padding : Theme.padding + 40
                width: Math.min(implicitWidth, parent.width * 0.72)
                spacing: 2

                RowLayout {
                    visible: root.firstInGroup
                    Layout.alignment: root.own ? Qt.AlignRight : Qt.AlignLeft
                    spacing: 6
                    Text {
                        visible: !root.own
                        text: root.author
                        color: Theme.userColor(root.author)
                        font.pixelSize: Theme.smallSize
                        font.weight: Theme.bold
                    }
                    Text { text: root.timeText; color: Theme.textMuted; font.pixelSize: Theme.smallSize }
                }
                Rectangle {
                    id: bubble
                    objectName: "bubble"
                    Layout.alignment: root.own ? Qt.AlignRight : Qt.AlignLeft
                    Layout.maximumWidth: root.width * 0.72
                    implicitWidth: bodyText.implicitWidth + 2 * 12
                    implicitHeight: bodyText.implicitHeight + 2 * Theme.spacing
                    radius: 12
                    color: root.own ? Theme.accentSoft : Theme.surface
                    border.width: root.delivery === 2 ? 1 : 0
                    border.color: Theme.warning
                    Accessible.role: Accessible.StaticText
                    Accessible.name: qsTr("%1: %2").arg(root.author).arg(root.body)
                    TextEdit {
                        id: bodyText
                        objectName: "messageBody"
                        x: 12
                        y: Theme.spacing
                        width: Math.min(implicitWidth, root.width * 0.72 - 24)
                        readOnly: true
                        selectByMouse: true
                        wrapMode: TextEdit.Wrap
                        textFormat: TextEdit.PlainText
                        text: root.deleted ? qsTr("This message was deleted.") : root.body
                        color: root.deleted ? Theme.textMuted : Theme.text
                        font.italic: root.deleted
                        font.pixelSize: Theme.bodySize
                    }
                }
                RowLayout {
                    Layout.alignment: root.own ? Qt.AlignRight : Qt.AlignLeft
                    visible: root.edited || !root.verified || (root.own && root.delivery !== 1 && root.delivery !== 3)
                    spacing: 6
                    Text {
                        visible: root.edited
                        text: qsTr("edited")
                        color: Theme.textMuted
                        font.pixelSize: Theme.smallSize
                    }
                    Text {
                        visible: !root.verified && !root.own
                        text: qsTr("not checked yet")
                        color: Theme.textMuted
                        font.pixelSize: Theme.smallSize
                    }
                    Text {
                        objectName: "deliveryState"
                        visible: root.own
                        text: root.delivery === 0 ? qsTr("Sending\u2026")
                            : root.delivery === 2 ? (root.error.length > 0 ? qsTr("Not sent: %1").arg(root.error) : qsTr("Not sent"))
                            : qsTr("Sent")
                        color: root.delivery === 2 ? Theme.warning : Theme.textMuted
                        font.pixelSize: Theme.smallSize
                    }
                    ActionButton {
                        objectName: "retryButton"
                        visible: root.own && root.delivery === 2
                        kind: "flat"
                        implicitHeight: 24
                        text: qsTr("Retry")
                        onClicked: root.retry(root.kegId)
                    }
                }
            }
            Avatar {
                visible: !root.own && root.firstInGroup
                x: Theme.padding
                y: 0
                size: 32
                initials: root.author.substring(0, 1)
                tint: Theme.userColor(root.author)
            }
        }
    }
}
