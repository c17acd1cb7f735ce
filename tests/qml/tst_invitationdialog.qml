import QtQuick
import QtTest
import Tavern.App

// Invitation: inviter with trust, members (first few + count), the history offered, and
// Accept / Decline / Decline and block.
Item {
    id: root
    width: 900
    height: 700

    Component {
        id: dialogComponent
        InvitationDialog {}
    }
    SignalSpy { id: acceptSpy; signalName: "acceptInvitation" }
    SignalSpy { id: declineSpy; signalName: "decline" }
    SignalSpy { id: blockSpy; signalName: "declineAndBlock" }

    TestCase {
        name: "InvitationDialog"
        when: windowShown

        function openDialog(history, trust) {
            const d = createTemporaryObject(dialogComponent, root, {
                invitation: { roomId: "ab12", roomName: "Ops", inviter: "alice", inviterTrust: trust,
                              memberNames: ["alice", "carol", "dave", "erin", "frank"], memberCount: 8, history: history } })
            verify(d)
            for (const spy of [acceptSpy, declineSpy, blockSpy]) { spy.clear(); spy.target = d }
            d.open()
            tryCompare(d, "opened", true)
            return d
        }

        function test_content() {
            const d = openDialog(0, 2)
            compare(d.title, "Join Ops?")
            compare(findChild(d.contentItem, "invitationInviter").text, "alice invited you.")
            compare(findChild(d.contentItem, "invitationInviterTrust").trust, 2)
            // "other(s)" without a translator, "others" with the English one.
            verify(findChild(d.contentItem, "invitationMembers").text.startsWith("alice, carol, dave, erin, frank and 3 other"))
            verify(findChild(d.contentItem, "invitationHistory").text.indexOf("earlier messages") >= 0)
        }
        function test_sinceJoin() {
            const d = openDialog(1, 1)
            verify(findChild(d.contentItem, "invitationHistory").text.indexOf("from now on") >= 0)
        }
        function test_accept() {
            const d = openDialog(0, 1)
            mouseClick(findChild(d.contentItem, "acceptInvitationButton"))
            compare(acceptSpy.count, 1)
            compare(acceptSpy.signalArguments[0][0], "ab12")
            tryCompare(d, "opened", false)
        }
        function test_decline() {
            const d = openDialog(0, 1)
            mouseClick(findChild(d.contentItem, "declineButton"))
            compare(declineSpy.count, 1)
            compare(acceptSpy.count, 0)
        }
        function test_declineAndBlock() {
            const d = openDialog(0, 0)
            mouseClick(findChild(d.contentItem, "blockInviterButton"))
            compare(blockSpy.count, 1)
            compare(blockSpy.signalArguments[0][0], "ab12")
        }
    }
}
