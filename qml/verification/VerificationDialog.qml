pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Tavern.Ui
import Tavern.App

// Compare safety numbers: 12 groups of 5 digits in a monospace grid with a QR code beside
// it; the room fingerprint on its own tab; "They match — mark verified" / "They don't match".
DialogBase {
    id: dialog

    // A VerificationFlow (or anything with its properties and invokables).
    property var flow: null
    readonly property int step: flow ? flow.state : VerificationFlow.Idle
    readonly property string username: flow ? flow.username : ""
    readonly property var groups: flow ? flow.safetyNumberGroups : []

    objectName: "verificationDialog"
    title: qsTr("Verify %1").arg(username)
    width: Math.min(parent ? parent.width - 2 * Theme.padding : 620, 620)

    ColumnLayout {
        width: parent.width
        spacing: Theme.padding

        RowLayout {
            spacing: Theme.spacing
            TrustIndicator {
                objectName: "verificationTrust"
                trust: dialog.flow ? dialog.flow.trust : 0
                username: dialog.username
                showLabel: true
            }
        }

        TabBar {
            id: tabs
            Layout.fillWidth: true
            TabButton { objectName: "safetyNumberTab"; text: qsTr("Safety number"); Accessible.name: text }
            TabButton { objectName: "roomFingerprintTab"; text: qsTr("Room fingerprint"); Accessible.name: text }
        }

        StackLayout {
            Layout.fillWidth: true
            currentIndex: tabs.currentIndex

            ColumnLayout {
                spacing: Theme.padding
                Text {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("Compare these numbers with %1 in person or on a call, or scan each other's code. If they are the same on both devices, nobody is in between.").arg(dialog.username)
                    color: Theme.textSecondary
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.padding * 1.5
                    Rectangle {
                        Layout.fillWidth: true
                        implicitHeight: numberGrid.implicitHeight + 2 * Theme.padding
                        radius: Theme.radius
                        color: Theme.surface
                        border.color: Theme.border
                        GridLayout {
                            id: numberGrid
                            objectName: "safetyNumberGrid"
                            anchors.centerIn: parent
                            columns: 4
                            rows: 3
                            columnSpacing: Theme.padding * 1.5
                            rowSpacing: Theme.spacing * 1.5
                            Accessible.role: Accessible.StaticText
                            Accessible.name: qsTr("Safety number: %1").arg(dialog.groups.join(" "))
                            Repeater {
                                model: dialog.groups
                                delegate: Text {
                                    required property string modelData
                                    text: modelData
                                    color: Theme.text
                                    font.family: Theme.mono
                                    font.pixelSize: 20
                                }
                            }
                        }
                    }
                    QrCode {
                        objectName: "safetyNumberQr"
                        Layout.preferredWidth: 168
                        Layout.preferredHeight: 168
                        text: dialog.flow ? dialog.flow.qrPayload : ""
                        Accessible.name: qsTr("QR code of the safety number")
                    }
                }
            }

            ColumnLayout {
                spacing: Theme.padding
                Text {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("Everyone in this room sees the same room fingerprint. If it differs from someone's, you are not in the same room.")
                    color: Theme.textSecondary
                }
                Rectangle {
                    Layout.fillWidth: true
                    implicitHeight: fingerprint.implicitHeight + 2 * Theme.padding
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: Theme.border
                    Text {
                        id: fingerprint
                        objectName: "roomFingerprint"
                        anchors.centerIn: parent
                        width: parent.width - 2 * Theme.padding
                        horizontalAlignment: Text.AlignHCenter
                        wrapMode: Text.Wrap
                        text: dialog.flow && dialog.flow.roomFingerprint.length > 0 ? dialog.flow.roomFingerprint : qsTr("Open a room to see its fingerprint.")
                        color: Theme.text
                        font.family: Theme.mono
                        font.pixelSize: 18
                    }
                }
            }
        }

        Rectangle {
            objectName: "verifiedResult"
            visible: dialog.step === VerificationFlow.Verified
            Layout.fillWidth: true
            implicitHeight: verifiedText.implicitHeight + 2 * Theme.spacing * 1.5
            radius: Theme.radius
            color: Theme.successSoft
            Text {
                id: verifiedText
                anchors.fill: parent
                anchors.margins: Theme.spacing * 1.5
                wrapMode: Text.Wrap
                text: qsTr("%1 is verified. Tavern will warn you if their key ever changes.").arg(dialog.username)
                color: Theme.text
            }
        }
        Rectangle {
            objectName: "mismatchResult"
            visible: dialog.step === VerificationFlow.Mismatch
            Layout.fillWidth: true
            implicitHeight: mismatchText.implicitHeight + 2 * Theme.spacing * 1.5
            radius: Theme.radius
            color: Theme.warningSoft
            border.color: Theme.warning
            Text {
                id: mismatchText
                anchors.fill: parent
                anchors.margins: Theme.spacing * 1.5
                wrapMode: Text.Wrap
                text: qsTr("The numbers differ: someone may be between you and %1. Tavern keeps them unverified. Don't share anything sensitive until you have checked again, in person.").arg(dialog.username)
                color: Theme.text
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.topMargin: Theme.spacing
            spacing: Theme.spacing
            ActionButton {
                objectName: "closeVerification"
                text: dialog.step === VerificationFlow.Compare ? qsTr("Later") : qsTr("Close")
                onClicked: dialog.close()
            }
            Item { Layout.fillWidth: true }
            ActionButton {
                objectName: "theyDontMatchButton"
                visible: dialog.step === VerificationFlow.Compare
                text: qsTr("They don't match")
                onClicked: dialog.flow.theyDontMatch()
            }
            ActionButton {
                objectName: "theyMatchButton"
                visible: dialog.step === VerificationFlow.Compare
                kind: "primary"
                text: qsTr("They match \u2014 mark verified")
                onClicked: dialog.flow.theyMatch()
            }
        }
    }
}
