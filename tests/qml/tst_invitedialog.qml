import QtQuick
import QtTest
import Tavern.Ui
import Tavern.App

// Invite: each InviteFlow state shows its page; Find and Send call the flow with the
// chosen role and history; a changed key stops the invitation.
Item {
    id: root
    width: 900
    height: 700

    QtObject {
        id: fakeFlow
        property int state: InviteFlow.Search
        property string username: ""
        property int trust: 0
        property string safetyNumber: ""
        property string error: ""
        property var sent: null
        function find(name) { username = name; state = InviteFlow.Looking }
        function send(role, history) { sent = [role, history]; state = InviteFlow.Sending }
        function reset() { state = InviteFlow.Search; username = ""; sent = null; error = "" }
    }
    Component {
        id: dialogComponent
        InviteDialog { roomName: "Ops"; defaultHistory: 0 }
    }

    TestCase {
        name: "InviteDialog"
        when: windowShown

        function openDialog() {
            const d = createTemporaryObject(dialogComponent, root, { flow: fakeFlow })
            verify(d)
            d.open()
            tryCompare(d, "opened", true)
            compare(fakeFlow.state, InviteFlow.Search, "opening resets the flow")
            return d
        }
        function child(d, name) { return findChild(d.contentItem, name) }

        function test_findAndSend() {
            const d = openDialog()
            compare(d.title, "Invite to Ops")
            verify(child(d, "inviteUsername").visible)
            verify(!child(d, "inviteFind").enabled, "nothing to find yet")
            child(d, "inviteUsername").text = "Carol"
            mouseClick(child(d, "inviteFind"))
            compare(fakeFlow.username, "carol")
            verify(child(d, "inviteLooking").visible)

            fakeFlow.trust = 1
            fakeFlow.state = InviteFlow.Found
            verify(child(d, "inviteFound").visible)
            compare(child(d, "inviteFoundName").text, "carol")
            compare(child(d, "inviteTrust").trust, 1)
            verify(!child(d, "inviteUsername").visible)
            const send = child(d, "inviteSend")
            verify(send.visible)
            child(d, "inviteHistory").currentIndex = 1
            mouseClick(send)
            compare(fakeFlow.sent, [2, 1], "member, since-join")
            verify(child(d, "inviteLooking").visible, "sending shows progress")

            fakeFlow.state = InviteFlow.Sent
            verify(child(d, "inviteSent").visible)
            verify(child(d, "inviteDone").visible)
            verify(!child(d, "inviteSend").visible)
            mouseClick(child(d, "inviteDone"))
            tryCompare(d, "opened", false)
        }
        function test_notFound() {
            const d = openDialog()
            fakeFlow.find("nobody")
            fakeFlow.state = InviteFlow.NotFound
            verify(child(d, "inviteNotFound").visible)
            verify(child(d, "inviteUsername").visible, "can try another name")
            verify(!child(d, "inviteSend").visible)
        }
        function test_keyChangedStops() {
            const d = openDialog()
            fakeFlow.find("bob")
            fakeFlow.trust = 3
            fakeFlow.state = InviteFlow.KeyChanged
            verify(child(d, "inviteKeyChanged").visible)
            verify(!child(d, "inviteSend").visible, "no way to invite with the new key from here")
            verify(child(d, "inviteReview").visible)
        }
        function test_failed() {
            const d = openDialog()
            fakeFlow.error = "The server is unreachable. Check your connection and try again."
            fakeFlow.state = InviteFlow.Failed
            verify(child(d, "inviteError").visible)
            compare(child(d, "inviteError").text, fakeFlow.error)
            mouseClick(child(d, "inviteBack"))
            compare(fakeFlow.state, InviteFlow.Search)
        }
    }
}
