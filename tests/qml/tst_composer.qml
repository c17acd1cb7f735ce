import QtQuick
import QtTest
import Tavern.App

// Composer: Enter sends, Shift+Enter adds a line, empty text is not sent, and a key change
// replaces the input with the banner (nothing can be sent until the user acts).
Item {
    id: root
    width: 800
    height: 300

    Component {
        id: composerComponent
        Composer { width: 700; height: 120; roomName: "Ops" }
    }
    SignalSpy { id: sentSpy; signalName: "sent" }
    SignalSpy { id: acceptSpy; signalName: "acceptKey" }
    SignalSpy { id: reviewSpy; signalName: "review" }

    TestCase {
        name: "Composer"
        when: windowShown

        function makeComposer(props) {
            const c = createTemporaryObject(composerComponent, root, props || {})
            verify(c)
            sentSpy.clear(); sentSpy.target = c
            acceptSpy.clear(); acceptSpy.target = c
            reviewSpy.clear(); reviewSpy.target = c
            return c
        }

        function test_enterSends() {
            const c = makeComposer()
            const input = findChild(c, "composerInput")
            verify(input)
            input.forceActiveFocus()
            tryVerify(() => input.activeFocus)
            keyClick(Qt.Key_H); keyClick(Qt.Key_I)
            compare(input.text, "hi")
            keyClick(Qt.Key_Return)
            compare(sentSpy.count, 1)
            compare(sentSpy.signalArguments[0][0], "hi")
            compare(input.text, "", "cleared after sending")
        }
        function test_shiftEnterNewline() {
            const c = makeComposer()
            const input = findChild(c, "composerInput")
            input.forceActiveFocus()
            keyClick(Qt.Key_A)
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            keyClick(Qt.Key_B)
            compare(sentSpy.count, 0)
            compare(input.text, "a\nb")
            keyClick(Qt.Key_Enter)
            compare(sentSpy.count, 1)
            compare(sentSpy.signalArguments[0][0], "a\nb")
        }
        function test_emptyNotSent() {
            const c = makeComposer()
            const input = findChild(c, "composerInput")
            input.forceActiveFocus()
            keyClick(Qt.Key_Space)
            keyClick(Qt.Key_Return)
            compare(sentSpy.count, 0)
            verify(!findChild(c, "sendButton").enabled)
        }
        function test_sendButton() {
            const c = makeComposer()
            c.text = "via button"
            const button = findChild(c, "sendButton")
            verify(button.enabled)
            mouseClick(button)
            compare(sentSpy.count, 1)
            compare(sentSpy.signalArguments[0][0], "via button")
        }
        function test_blockedShowsBanner() {
            const c = makeComposer({ blocked: true, blockedBy: ["bob"] })
            const banner = findChild(c, "keyChangeBanner")
            verify(banner.visible)
            verify(!findChild(c, "composerInput").visible, "no input while blocked")
            verify(findChild(c, "keyChangeMessage").text.indexOf("bob") >= 0)
            // Nothing goes out, even if text was there and send() is called.
            c.text = "must not go out"
            c.send()
            compare(sentSpy.count, 0)
            mouseClick(findChild(c, "acceptKeyButton"))
            compare(acceptSpy.count, 1)
            compare(acceptSpy.signalArguments[0][0], "bob")
            mouseClick(findChild(c, "reviewKeyButton"))
            compare(reviewSpy.count, 1)
            compare(reviewSpy.signalArguments[0][0], "bob")
        }
        function test_unblockRestoresInput() {
            const c = makeComposer({ blocked: true, blockedBy: ["bob"] })
            c.blocked = false
            verify(findChild(c, "composerInput").visible)
            verify(!findChild(c, "keyChangeBanner").visible)
        }
        function test_revoked() {
            const c = makeComposer({ revoked: true })
            verify(findChild(c, "revokedNote").visible)
            c.text = "x"
            c.send()
            compare(sentSpy.count, 0)
        }
    }
}
