// A17 (threat-model.md): the server swaps a contact's keys after this device pinned them,
// for keys it made and self-signed (so the signup signature check alone can't tell).
// Sending to rooms with that contact and inviting them are blocked, a key-change notice is
// stored, nothing is ever sealed to the swapped-in key; acknowledging unblocks, and keeps
// the pinned key when the server has put the real one back.
#include "attackworld.h"
#include "client/keytrust.h"
#include "crypto/contexts.h"
#include "forge.h"

#include <QTest>

using namespace tavern;
using namespace tavern::test;
using client::SessionError;
using client::Trust;

class TestAttackContacts : public QObject
{
    Q_OBJECT

    AttackWorld m_world;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_world.start(), qPrintable(m_world.server().logs())); }

    void a17_contactKeySwapped()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        QVERIFY(alice && bob);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*bob, room, QStringLiteral("from bob"), {alice.get()}));
        QCOMPARE(alice->trust(bob->username()), Trust::TrustedOnFirstUse);
        const auto second = alice->createRoom(QStringLiteral("Second"), QString(), keg::HistoryPolicy::Shared);
        QVERIFY(second && alice->flushOutbox(Patience));

        // The swap: keys the server made, self-signed in bob's name.
        const auto real = m_world.db().userKeys(bob->username());
        QVERIFY(real);
        const crypto::Identity fake = crypto::randomIdentity(bob->username());
        const ServerDb::UserKeys swapped{
            fake.signing.publicKey, fake.box.publicKey,
            crypto::sign(fake.signing, crypto::ctx::SignupSig,
                         protocol::signupMessage(fake.username, fake.signing.publicKey, fake.box.publicKey))};
        QVERIFY(m_world.db().setUserKeys(bob->username(), swapped));

        // Inviting bob looks him up: refused, and the key change is recorded.
        const auto outboxBefore = alice->cache().outbox(false)->size();
        auto invited = alice->invite(*second, bob->username(), keg::Role::Member, keg::HistoryPolicy::Shared);
        QVERIFY(!invited);
        QCOMPARE(invited.code(), int(SessionError::KeyChanged));
        QCOMPARE(alice->trust(bob->username()), Trust::KeyChanged);
        QVERIFY2(noticeCount(*alice, {}, QStringLiteral("key-changed")) >= 1, qPrintable(noticeDump(*alice)));
        // Sending to the room bob is in is blocked too; nothing is queued or shown.
        auto sent = alice->send(room, QStringLiteral("must not go out"));
        QVERIFY(!sent);
        QCOMPARE(sent.code(), int(SessionError::KeyChanged));
        QCOMPARE(alice->cache().outbox(false)->size(), outboxBefore);
        QCOMPARE(bodies(*alice, room), QStringList{QStringLiteral("from bob")});
        QCOMPARE(alice->pinnedContact(bob->username())->signPublicKey, real->signKey);
        // Nothing anywhere is sealed to, or names, the swapped-in key.
        for (const QByteArray &r : {room, *second}) {
            for (const auto &row : m_world.db().bootKegs(r)) {
                const auto v = keg::SignedBootKeg::decode(row.data);
                QVERIFY(v);
                for (const keg::Member &m : v->version().members)
                    QVERIFY(m.signPublicKey != fake.signing.publicKey && m.boxPublicKey != fake.box.publicKey);
                QVERIFY(!keg::openCurrentKey(*v, fake));
            }
        }
        // Receiving from bob is not blocked: his real key signs what he writes.
        QVERIFY(m_world.say(*bob, room, QStringLiteral("still me"), {alice.get()}));

        // The server puts the real keys back. Sending stays blocked until alice looks;
        // acknowledging then keeps the key she pinned, not the one swapped in.
        QVERIFY(m_world.db().setUserKeys(bob->username(), *real));
        QVERIFY(alice->lookupContact(bob->username()));
        QCOMPARE(alice->trust(bob->username()), Trust::KeyChanged);
        QCOMPARE(alice->send(room, QStringLiteral("still blocked")).code(), int(SessionError::KeyChanged));
        QVERIFY(alice->acceptKeyChange(bob->username()));
        QCOMPARE(alice->trust(bob->username()), Trust::TrustedOnFirstUse);
        QCOMPARE(alice->pinnedContact(bob->username())->signPublicKey, real->signKey);
        QCOMPARE(alice->pinnedContact(bob->username())->boxPublicKey, real->boxKey);

        // Nothing lost: both rooms work, bob is sealed to with his real key.
        QVERIFY(m_world.say(*alice, room, QStringLiteral("unblocked"), {bob.get()}));
        QVERIFY(m_world.invite(*alice, *second, *bob));
        QVERIFY(m_world.accept(*bob, *second, {alice.get()}));
        QCOMPARE(memberOf(*alice, *second, bob->username())->signPublicKey, real->signKey);
        QVERIFY(m_world.say(*bob, *second, QStringLiteral("in the second room"), {alice.get()}));
        const QStringList all{QStringLiteral("from bob"), QStringLiteral("still me"), QStringLiteral("unblocked")};
        QCOMPARE(bodies(*alice, room), all);
        QCOMPARE(bodies(*bob, room), all);
    }

    // The server swaps bob's keys before alice ever saw him, so the invitation pins and
    // seals to the swapped key (trust on first use can't tell). Then alice and bob compare
    // safety numbers and they differ: the mismatch is recorded (and logged for her other
    // devices), every room that key is or was in warns, sending where it is a member is
    // blocked, and no new room key is sealed to it; removing bob resolves that room.
    void a17_swappedAtFirstUseThenMismatch()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        auto carol = m_world.account(QStringLiteral("carol"));
        QVERIFY(alice && bob && carol);
        const QString name = bob->username();
        const QByteArray room = m_world.room(*alice, {carol.get()}, QStringLiteral("Shared"));
        const QByteArray earlier = m_world.room(*alice, {carol.get()}, QStringLiteral("Earlier"));
        QVERIFY(!room.isEmpty() && !earlier.isEmpty());

        const crypto::Identity fake = crypto::randomIdentity(name);
        QVERIFY(m_world.db().setUserKeys(
            name, {fake.signing.publicKey, fake.box.publicKey,
                   crypto::sign(fake.signing, crypto::ctx::SignupSig,
                                protocol::signupMessage(name, fake.signing.publicKey, fake.box.publicKey))}));
        for (const QByteArray &r : {room, earlier}) {
            QVERIFY(alice->invite(r, name, keg::Role::Member, keg::HistoryPolicy::Shared));
            QVERIFY(alice->flushOutbox(Patience));
        }
        QCOMPARE(alice->pinnedContact(name)->signPublicKey, fake.signing.publicKey);
        QCOMPARE(alice->trust(name), Trust::TrustedOnFirstUse);
        QVERIFY(alice->remove(earlier, name));
        QVERIFY(alice->flushOutbox(Patience));
        QVERIFY(!memberOf(*alice, earlier, name));

        // "They don't match."
        const auto logged = alice->cache().outbox(false)->size();
        QVERIFY(alice->keyTrust().markMismatch(name));
        QCOMPARE(alice->trust(name), Trust::Mismatch);
        const auto items = *alice->cache().outbox(false);
        QCOMPARE(items.size(), logged + 1); // the pin-log entry, for her other devices
        QCOMPARE(items.back().dbId, keg::personalDbId(alice->username()));
        QVERIFY(alice->flushOutbox(Patience));
        // Every affected room warns: where the key is a member and where it was sealed.
        QVERIFY2(noticeCount(*alice, room, QStringLiteral("mismatch")) == 1, qPrintable(noticeDump(*alice)));
        QVERIFY2(noticeCount(*alice, earlier, QStringLiteral("mismatch")) == 1, qPrintable(noticeDump(*alice)));
        QVERIFY2(noticeCount(*alice, {}, QStringLiteral("mismatch")) == 3, qPrintable(noticeDump(*alice)));
        // Sending is blocked where the key is a member, and nothing is queued.
        const auto before = alice->cache().outbox(false)->size();
        auto sent = alice->send(room, QStringLiteral("must not go out"));
        QCOMPARE(sent.code(), int(SessionError::KeyChanged));
        QCOMPARE(alice->cache().outbox(false)->size(), before);
        // Where it is no longer a member, the room works.
        QVERIFY(m_world.say(*alice, earlier, QStringLiteral("fine here"), {carol.get()}));
        // A change that starts a new room key would seal it to the swapped key: refused.
        const auto headBefore = headOf(*alice, room).version().version;
        QVERIFY(alice->setRole(room, carol->username(), keg::Role::Moderator)); // no new key: allowed
        QVERIFY(alice->flushOutbox(Patience));
        QVERIFY(alice->remove(room, carol->username()));
        QVERIFY(alice->flushOutbox(Patience));
        QCOMPARE(alice->cache().outbox(false)->back().state, storage::OutboxState::Failed);
        QCOMPARE(headOf(*alice, room).version().version, headBefore + 1);
        QCOMPARE(alice->invite(earlier, name, keg::Role::Member, keg::HistoryPolicy::Shared).code(),
                 int(SessionError::KeyChanged));
        // Resolved by removing bob: the new key goes to alice and carol only.
        QVERIFY(alice->remove(room, name));
        QVERIFY(alice->flushOutbox(Patience));
        QVERIFY(!memberOf(*alice, room, name));
        QVERIFY(m_world.say(*alice, room, QStringLiteral("after the removal"), {carol.get()}));
        bool resolved = false;
        for (const auto &n : alice->notices(room))
            resolved = resolved || (n.kind == QLatin1String("mismatch") && alice->keyTrust().isResolved(n));
        QVERIFY2(resolved, qPrintable(noticeDump(*alice, room)));
        // Nothing after the mismatch was sealed to the swapped key, in either room.
        for (const QByteArray &r : {room, earlier}) {
            const auto rows = m_world.db().bootKegs(r);
            const auto v = keg::SignedBootKeg::decode(rows.back().data);
            QVERIFY(v);
            QVERIFY(!keg::openCurrentKey(*v, fake));
            QVERIFY(!v->version().member(name.toUtf8()));
        }
        QVERIFY(alice->pinnedContact(name)->signPublicKey == fake.signing.publicKey);
        QCOMPARE(alice->trust(name), Trust::Mismatch);
    }
};

QTEST_GUILESS_MAIN(TestAttackContacts)
#include "tst_attack_contacts.moc"
