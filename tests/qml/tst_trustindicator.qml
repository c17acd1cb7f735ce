import QtQuick
import QtTest
import Tavern.App

// The one trust indicator: four states, each with its words, colour and accessible name.
Item {
    id: root
    width: 400
    height: 200

    Component {
        id: indicator
        TrustIndicator { trust: 0 }
    }

    TestCase {
        name: "TrustIndicator"
        when: windowShown

        function test_states_data() {
            return [
                { tag: "unverified", trust: 0, label: "Not verified", tint: Theme.textMuted },
                { tag: "tofu", trust: 1, label: "Trusted on first use", tint: Theme.success },
                { tag: "verified", trust: 2, label: "Verified", tint: Theme.success },
                { tag: "keychanged", trust: 3, label: "Key changed", tint: Theme.warning },
            ]
        }
        function test_states(data) {
            const t = createTemporaryObject(indicator, root, { trust: data.trust, username: "bob", showLabel: true })
            verify(t)
            compare(t.label, data.label)
            verify(Qt.colorEqual(t.tint, data.tint), "tint of " + data.tag)
            compare(t.Accessible.name, "bob: " + data.label)
            verify(t.implicitWidth > t.size, "the label is shown")
            const mark = findChild(t, "trustMark")
            verify(mark)
            // Solid for verified and key changed, an outline for the others.
            compare(mark.border.width === 0, data.trust >= 2)
        }
        function test_markOnly() {
            const t = createTemporaryObject(indicator, root, { trust: 2 })
            compare(t.implicitWidth, t.size)
            compare(t.Accessible.name, "Verified")
        }
        function test_keyChangedDiffersFromVerified() {
            const a = createTemporaryObject(indicator, root, { trust: 2 })
            const b = createTemporaryObject(indicator, root, { trust: 3 })
            verify(!Qt.colorEqual(a.tint, b.tint))
        }
    }
}
