import QtQuick
import QtTest
import Tavern.Ui
import Tavern.App

// Verification: 12 groups in the grid, the QR item gets the payload, the room fingerprint
// tab, and the two buttons drive the flow; the result replaces the buttons.
Item {
    id: root
    width: 900
    height: 700

    QtObject {
        id: fakeFlow
        property int state: VerificationFlow.Compare
        property string username: "bob"
        property int trust: 1
        property var safetyNumberGroups: ["12345", "67890", "11111", "22222", "33333", "44444",
                                          "55555", "66666", "77777", "88888", "99999", "00000"]
        property string qrPayload: "tavern-verify:1:bob:123456789011111"
        property string roomFingerprint: "4821 0937 5512 8830"
        property int matched: 0
        property int mismatched: 0
        function theyMatch() { matched++; trust = 2; state = VerificationFlow.Verified }
        function theyDontMatch() { mismatched++; state = VerificationFlow.Mismatch }
        function close() {}
    }
    Component {
        id: dialogComponent
        VerificationDialog {}
    }

    TestCase {
        name: "VerificationDialog"
        when: windowShown

        function openDialog() {
            fakeFlow.state = VerificationFlow.Compare
            fakeFlow.trust = 1
            fakeFlow.matched = 0
            fakeFlow.mismatched = 0
            const d = createTemporaryObject(dialogComponent, root, { flow: fakeFlow })
            verify(d)
            d.open()
            tryCompare(d, "opened", true)
            return d
        }

        function test_content() {
            const d = openDialog()
            compare(d.title, "Verify bob")
            const grid = findChild(d.contentItem, "safetyNumberGrid")
            verify(grid)
            let groups = 0
            for (let i = 0; i < grid.children.length; ++i)
                if (grid.children[i].text !== undefined && /^[0-9]{5}$/.test(grid.children[i].text))
                    ++groups
            compare(groups, 12)
            compare(grid.columns, 4)
            compare(findChild(d.contentItem, "safetyNumberQr").text, fakeFlow.qrPayload)
            compare(findChild(d.contentItem, "roomFingerprint").text, fakeFlow.roomFingerprint)
            compare(findChild(d.contentItem, "verificationTrust").trust, 1)
        }
        function test_theyMatch() {
            const d = openDialog()
            const match = findChild(d.contentItem, "theyMatchButton")
            verify(match.visible)
            compare(match.text, "They match \u2014 mark verified")
            mouseClick(match)
            compare(fakeFlow.matched, 1)
            tryVerify(() => findChild(d.contentItem, "verifiedResult").visible)
            verify(!match.visible)
            verify(!findChild(d.contentItem, "theyDontMatchButton").visible)
            compare(findChild(d.contentItem, "verificationTrust").trust, 2)
        }
        function test_theyDontMatch() {
            const d = openDialog()
            const no = findChild(d.contentItem, "theyDontMatchButton")
            compare(no.text, "They don't match")
            mouseClick(no)
            compare(fakeFlow.mismatched, 1)
            compare(fakeFlow.matched, 0)
            tryVerify(() => findChild(d.contentItem, "mismatchResult").visible)
            verify(!findChild(d.contentItem, "verifiedResult").visible)
        }
        function test_escapeCloses() {
            const d = openDialog()
            keyClick(Qt.Key_Escape)
            tryCompare(d, "opened", false)
        }
    }
}
