pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic
import Tavern.Ui
import Tavern.App

// The chat: room list | conversation | member panel (a drawer below 900 px), and every
// dialog the chat opens. Ctrl+K switches rooms, Ctrl+N creates one.
Item {
    id: page

    objectName: "mainPage"
    readonly property bool narrow: width < 900
    property bool membersOpen: true

    function openVerification(username: string) {
        App.verification.begin(username)
        verificationDialog.open()
    }
    function openKeyChange(username: string) {
        keyChangeDialog.username = username
        keyChangeDialog.open()
    }
    // invitation: the InvitationModel row as an object (roomId, roomName, inviter, ...).
    function openInvitation(invitation: var) {
        invitationDialog.invitation = invitation
        invitationDialog.open()
    }
    function toggleMembers() {
        if (page.narrow)
            memberDrawer.visible ? memberDrawer.close() : memberDrawer.open()
        else
            page.membersOpen = !page.membersOpen
    }
    // A notice or card action: "verify:bob", "keychange:bob", "members", "settings".
    function runAction(target: string) {
        const colon = target.indexOf(":")
        const verb = colon < 0 ? target : target.substring(0, colon)
        const arg = colon < 0 ? "" : target.substring(colon + 1)
        if (verb === "verify")
            page.openVerification(arg)
        else if (verb === "keychange" || verb === "review")
            page.openKeyChange(arg)
        else if (verb === "members")
            page.toggleMembers()
        else if (verb === "settings")
            roomSettingsDialog.open()
    }

    function selectRoomByName(name: string): bool {
        const id = roomList.roomIdForName(name)
        if (id.length === 0)
            return false
        App.currentRoomId = id
        return true
    }
    // Screens for scripts/screenshots.sh (Main.qml showScreen).
    function showScreen(screen: string, user: string): bool {
        const win = page.Window.window
        switch (screen) {
        case "chat":
        case "notice":
        case "keychange":
            page.membersOpen = screen !== "notice"
            return true
        case "members":
            if (page.narrow) {
                memberDrawer.open()
            } else {
                page.membersOpen = true
                memberPanelDocked.showRoleTable = true
            }
            return true
        case "invite":
            inviteDialog.open()
            if (user.length > 0) {
                App.invite.find(user)
                win.readyWhen = () => App.invite.state !== InviteFlow.Looking
            }
            return true
        case "invitation":
            return roomList.openFirstInvitation()
        case "verification":
            page.openVerification(user)
            return true
        case "keychange-dialog":
            page.openKeyChange(user)
            return true
        case "create-room":
            createRoomDialog.open()
            return true
        case "room-settings":
            roomSettingsDialog.open()
            return true
        case "account":
            accountDialog.open()
            return true
        case "switcher":
            roomSwitcher.open()
            return true
        }
        return false
    }

    Shortcut {
        sequence: "Ctrl+K"
        context: Qt.ApplicationShortcut
        onActivated: roomSwitcher.open()
    }
    Shortcut {
        sequence: "Ctrl+N" // Cmd+N on macOS
        context: Qt.ApplicationShortcut
        onActivated: createRoomDialog.open()
    }

    SplitView {
        id: split
        anchors.fill: parent
        orientation: Qt.Horizontal
        handle: Rectangle {
            implicitWidth: 1
            color: Theme.border
        }

        RoomListPane {
            id: roomList
            SplitView.preferredWidth: 280
            SplitView.minimumWidth: 220
            SplitView.maximumWidth: 420
            onCreateRoom: createRoomDialog.open()
            onOpenInvitation: (invitation) => page.openInvitation(invitation)
            onOpenAccount: accountDialog.open()
        }
        ConversationPane {
            id: conversation
            SplitView.fillWidth: true
            SplitView.minimumWidth: 320
            membersShown: page.narrow ? memberDrawer.visible : page.membersOpen
            onToggleMembers: page.toggleMembers()
            onInvite: inviteDialog.open()
            onSettings: roomSettingsDialog.open()
            onVerify: (username) => page.openVerification(username)
            onReviewKey: (username) => page.openKeyChange(username)
            onAction: (target) => page.runAction(target)
            onCreateRoom: createRoomDialog.open()
        }
        MemberPanel {
            id: memberPanelDocked
            visible: !page.narrow && page.membersOpen && App.currentRoomId.length > 0
            SplitView.preferredWidth: 300
            SplitView.minimumWidth: 240
            onInvite: inviteDialog.open()
            onVerify: (username) => page.openVerification(username)
            onSettings: roomSettingsDialog.open()
        }
    }

    Drawer {
        id: memberDrawer
        objectName: "memberDrawer"
        edge: Qt.RightEdge
        width: Math.min(320, page.width * 0.85)
        height: page.height
        interactive: page.narrow
        MemberPanel {
            anchors.fill: parent
            onInvite: { memberDrawer.close(); inviteDialog.open() }
            onVerify: (username) => { memberDrawer.close(); page.openVerification(username) }
            onSettings: { memberDrawer.close(); roomSettingsDialog.open() }
        }
    }

    CreateRoomDialog { id: createRoomDialog }
    InviteDialog {
        id: inviteDialog
        roomName: App.currentRoom ? App.currentRoom.name : ""
        onReviewKey: (username) => page.openKeyChange(username)
    }
    RoomSettingsDialog { id: roomSettingsDialog }
    AccountDialog {
        id: accountDialog
        onVerify: (username) => { accountDialog.close(); page.openVerification(username) }
    }
    RoomSwitcher { id: roomSwitcher }
    VerificationDialog {
        id: verificationDialog
        flow: App.verification
        onClosed: App.verification.close()
    }
    KeyChangeDialog {
        id: keyChangeDialog
        onAcceptKey: (username) => App.acceptKeyChange(username)
        onVerify: (username) => page.openVerification(username)
    }
    InvitationDialog {
        id: invitationDialog
        onAcceptInvitation: (roomId) => App.accept(roomId)
        onDecline: (roomId) => App.decline(roomId)
        onDeclineAndBlock: (roomId) => App.declineAndBlock(roomId)
    }
}
