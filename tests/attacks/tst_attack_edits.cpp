// Edits, deletions and read receipts (threat-model rule 7, the role table of protocol.md
// §7.1): honest use works across devices and restarts; a forged edit of someone else's
// message, a deletion by a guest or by a plain member of another's message, and a receipt
// naming a wrong hash are each refused with a stored notice, and change nothing shown.
// Forgeries are signed by real members (a server can't sign at all), uploaded as the member
// with keg.put or, where the server itself would refuse the write (a guest's deletion),
// planted in the server's SQLite file.
#include "attackworld.h"
#include "client/receipt.h"
#include "forge.h"
#include "keg/message.h"

#include <QCborArray>
#include <QEventLoop>
#include <QTest>

using namespace tavern;
using namespace tavern::test;

namespace {

const client::MessageView *find(const QList<client::MessageView> &all, const QByteArray &kegId)
{
    for (const auto &m : all) {
        if (m.kegId == kegId)
            return &m;
    }
    return nullptr;
}

std::optional<client::MessageView> view(Session &s, const QByteArray &room, const QByteArray &kegId)
{
    const auto all = s.messages(room);
    const auto *m = find(all, kegId);
    return m ? std::optional(*m) : std::nullopt;
}

QByteArray kegIdOf(Session &s, const QByteArray &room, const QString &body)
{
    for (const auto &m : s.messages(room)) {
        if (m.body == body)
            return m.kegId;
    }
    return {};
}

// A change (edit or redaction) signed by `who`, next in who's own chain, under who's head.
keg::Keg forgeChange(const Session &who, const QByteArray &room, keg::KegType type, const QByteArray &target,
                     const QString &text)
{
    const client::RoomState *rs = who.room(room);
    const auto &head = rs->head();
    const quint32 gen = head.version().currentGeneration();
    const quint64 counter = rs->authors().highest(who.username()) + 1;
    QByteArray prev = rs->authors().hashOf(who.username(), counter - 1);
    keg::MessagePayload p{counter,     prev.isEmpty() ? QByteArray(32, '\0') : prev, head.version().version,
                          head.hash(), quint64(QDateTime::currentMSecsSinceEpoch()), text,
                          target};
    return keg::sealKeg({room, keg::newKegId(), type, gen, 1}, keg::encodeMessage(p), *rs->keys().get(gen),
                        who.username(), who.identity().signing);
}

keg::Keg forgeReceipt(const Session &who, const QByteArray &room, const QByteArray &target, const QByteArray &hash)
{
    const client::RoomState *rs = who.room(room);
    const auto &head = rs->head();
    const quint32 gen = head.version().currentGeneration();
    const client::ReceiptPayload p{target, hash, head.version().version, head.hash(),
                                   quint64(QDateTime::currentMSecsSinceEpoch())};
    return keg::sealKeg({room, keg::newKegId(), keg::KegType::Receipt, gen, 1}, client::encodeReceipt(p),
                        *rs->keys().get(gen), who.username(), who.identity().signing);
}

// Uploads as `who` (the server checks only that who may write the room).
bool put(Session &who, const QByteArray &room, const keg::Keg &k)
{
    QCborMap body;
    body.insert(QStringLiteral("dbId"), room);
    body.insert(QStringLiteral("kegs"), QCborArray{keg::encodeKeg(k)});
    std::optional<bool> ok;
    QEventLoop loop;
    who.connection().request(protocol::op::KegPut, body, [&](Result<QCborMap> r) {
        if (!r)
            qWarning("keg.put: %s", qPrintable(r.error().message));
        ok = r.ok();
        loop.quit();
    });
    if (!ok)
        loop.exec();
    return *ok;
}

} // namespace

class TestAttackEdits : public QObject
{
    Q_OBJECT

    AttackWorld m_world;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_world.start(), qPrintable(m_world.server().logs())); }
    void cleanup() { m_world.proxy().clearRules(); }

    // The honest path: an author edits and deletes their own; a moderator deletes someone
    // else's; a receipt shows who read what. All of it survives a restart.
    void honestEditsDeletesAndReceipts()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        auto mo = m_world.account(QStringLiteral("mo"));
        QVERIFY(alice && bob && mo);
        const QByteArray room = m_world.room(*alice, {bob.get(), mo.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(alice->setRole(room, mo->username(), keg::Role::Moderator) && alice->flushOutbox(Patience));
        QTRY_VERIFY_WITH_TIMEOUT(memberOf(*mo, room, mo->username())->role == keg::Role::Moderator, Patience);
        QVERIFY(m_world.say(*alice, room, QStringLiteral("typo hre"), {bob.get(), mo.get()}));
        QVERIFY(m_world.say(*bob, room, QStringLiteral("spam"), {alice.get(), mo.get()}));
        QVERIFY(m_world.say(*alice, room, QStringLiteral("regret"), {bob.get(), mo.get()}));
        const QByteArray typo = kegIdOf(*alice, room, QStringLiteral("typo hre"));
        const QByteArray spam = kegIdOf(*alice, room, QStringLiteral("spam"));
        const QByteArray regret = kegIdOf(*alice, room, QStringLiteral("regret"));

        // What the API refuses before anything is signed.
        QCOMPARE(bob->edit(room, typo, QStringLiteral("mine now")).code(), int(client::SessionError::Refused));
        QCOMPARE(bob->redact(room, typo).code(), int(client::SessionError::Refused));

        QVERIFY(alice->edit(room, typo, QStringLiteral("typo here")) && alice->flushOutbox(Patience));
        QVERIFY(alice->redact(room, regret) && alice->flushOutbox(Patience));
        QVERIFY(mo->redact(room, spam) && mo->flushOutbox(Patience));
        QVERIFY(bob->markRead(room, typo) && bob->flushOutbox(Patience));
        for (Session *s : {alice.get(), bob.get(), mo.get()}) {
            QTRY_VERIFY_WITH_TIMEOUT(view(*s, room, typo) && view(*s, room, typo)->edited
                                         && view(*s, room, spam)->deleted && view(*s, room, regret)->deleted,
                                     Patience);
            QCOMPARE(view(*s, room, typo)->body, QStringLiteral("typo here"));
            QVERIFY(view(*s, room, regret)->body.isEmpty());
            QVERIFY(view(*s, room, spam)->body.isEmpty());
            QCOMPARE(s->messages(room).size(), 3); // edits and deletions are not messages of their own
            QVERIFY2(s->notices(room).empty(), qPrintable(noticeDump(*s, room)));
            QVERIFY(s->missingCounters(room, alice->username()).isEmpty()); // they are in alice's chain
        }
        QTRY_COMPARE_WITH_TIMEOUT(view(*alice, room, typo)->readBy, QStringList{bob->username()}, Patience);
        QVERIFY(view(*alice, room, regret)->readBy.isEmpty());
        QVERIFY(bob->markRead(room, typo)); // once per message: nothing new
        QVERIFY(bob->cache().outbox(true)->empty());

        // Room kegs are stored once, as verified rows (bench_sync): no raw copies in `kegs`.
        auto raw = bob->cache().select(
            QStringLiteral("SELECT COUNT(*), SUM(length(data) > 0) FROM kegs WHERE db_id = ?"), {room});
        QVERIFY(raw && raw->front()[0].toInt() >= 5); // alice's 2 messages, edit, deletion; mo's deletion
        QCOMPARE(raw->front()[1].toInt(), 0);

        alice = m_world.reopen(std::move(alice));
        QVERIFY(alice);
        QCOMPARE(view(*alice, room, typo)->body, QStringLiteral("typo here"));
        QVERIFY(view(*alice, room, typo)->edited);
        QVERIFY(view(*alice, room, spam)->deleted);
        QCOMPARE(view(*alice, room, typo)->readBy, QStringList{bob->username()});
        QVERIFY(m_world.say(*alice, room, QStringLiteral("after restart"), {bob.get()}));
        QVERIFY2(bob->notices(room).empty(), qPrintable(noticeDump(*bob, room)));
    }

    // Signed edits and deletions that the role table does not allow: a member edits someone
    // else's message (uploaded as that member), a member deletes someone else's, a guest
    // deletes one (planted in the server's database: the server refuses a guest's write).
    void forgedChangesAreRefused()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto mallory = m_world.account(QStringLiteral("mallory"));
        auto gus = m_world.account(QStringLiteral("gus"));
        QVERIFY(alice && mallory && gus);
        const QByteArray room = m_world.room(*alice, {mallory.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(alice->invite(room, gus->username(), keg::Role::Guest, keg::HistoryPolicy::Shared)
                && alice->flushOutbox(Patience));
        QTRY_VERIFY_WITH_TIMEOUT(memberOf(*gus, room, gus->username()).has_value(), Patience);
        QVERIFY(m_world.accept(*gus, room, {alice.get(), mallory.get()}));
        QVERIFY(m_world.say(*alice, room, QStringLiteral("the plan"), {mallory.get(), gus.get()}));
        const QByteArray plan = kegIdOf(*alice, room, QStringLiteral("the plan"));

        // 1. mallory's signed edit of alice's message.
        const keg::Keg edit = forgeChange(*mallory, room, keg::KegType::Edit, plan, QStringLiteral("the plan is off"));
        QVERIFY(put(*mallory, room, edit));
        QVERIFY(m_world.resync(*mallory)); // her own client learns its chain moved on (no push to the uploader)
        QTRY_VERIFY_WITH_TIMEOUT(noticeCount(*alice, room, QStringLiteral("unauthorised-change")) >= 1, Patience);
        QVERIFY2(noticeDump(*alice, room).contains(QStringLiteral("only its author may edit")),
                 qPrintable(noticeDump(*alice, room)));
        QCOMPARE(view(*alice, room, plan)->body, QStringLiteral("the plan"));
        QVERIFY(!view(*alice, room, plan)->edited);

        // 2. mallory (a member, no RedactOthers) deletes alice's message.
        const int before = noticeCount(*alice, room, QStringLiteral("unauthorised-change"));
        QVERIFY(m_world.say(*mallory, room, QStringLiteral("innocent"), {alice.get()})); // her chain goes on
        const keg::Keg del = forgeChange(*mallory, room, keg::KegType::Redaction, plan, QString());
        QVERIFY(put(*mallory, room, del));
        QVERIFY(m_world.resync(*mallory));
        QTRY_VERIFY_WITH_TIMEOUT(noticeCount(*alice, room, QStringLiteral("unauthorised-change")) > before, Patience);
        QVERIFY2(noticeDump(*alice, room).contains(QStringLiteral("without a role allowed")),
                 qPrintable(noticeDump(*alice, room)));
        QVERIFY(!view(*alice, room, plan)->deleted);
        QCOMPARE(view(*alice, room, plan)->body, QStringLiteral("the plan"));
        // A refused change is still part of mallory's signed chain: no false "missing" marker.
        QVERIFY(m_world.say(*mallory, room, QStringLiteral("still here"), {alice.get()}));
        QVERIFY(alice->missingCounters(room, mallory->username()).isEmpty());

        // 3. gus (a guest) deletes alice's message. The server refuses the upload...
        const keg::Keg guestDel = forgeChange(*gus, room, keg::KegType::Redaction, plan, QString());
        QVERIFY(!put(*gus, room, guestDel));
        // ...so a compromised server plants it, and tells alice's client about it.
        const int beforeGuest = noticeCount(*alice, room, QStringLiteral("unauthorised-change"));
        QVERIFY(m_world.db().insertKeg(room, guestDel.kegId, keg::encodeKeg(guestDel), gus->username(),
                                       int(keg::KegType::Redaction)));
        QVERIFY(
            m_world.proxy().injectToClient(alice->username(), kegPush(room, *m_world.db().keg(room, guestDel.kegId)))
            >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(noticeCount(*alice, room, QStringLiteral("unauthorised-change")) > beforeGuest,
                                 Patience);
        QVERIFY2(noticeDump(*alice, room).contains(QStringLiteral("not allowed to delete messages")),
                 qPrintable(noticeDump(*alice, room)));
        QVERIFY(!view(*alice, room, plan)->deleted);

        // Nothing of it survives a restart either (state, not a passing check).
        alice = m_world.reopen(std::move(alice));
        QVERIFY(alice);
        QCOMPARE(view(*alice, room, plan)->body, QStringLiteral("the plan"));
        QVERIFY(!view(*alice, room, plan)->edited && !view(*alice, room, plan)->deleted);
    }

    // An edit by a non-author that reaches a reader before its target (the server reorders):
    // held back, then refused when the target arrives.
    void forgedEditBeforeItsTarget()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto mallory = m_world.account(QStringLiteral("mallory"));
        auto carol = m_world.account(QStringLiteral("carol"));
        QVERIFY(alice && mallory && carol);
        const QByteArray room = m_world.room(*alice, {mallory.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("original"), {mallory.get()}));
        const QByteArray original = kegIdOf(*alice, room, QStringLiteral("original"));
        const keg::Keg edit = forgeChange(*mallory, room, keg::KegType::Edit, original, QStringLiteral("forged"));
        QVERIFY(put(*mallory, room, edit));
        QTRY_VERIFY_WITH_TIMEOUT(noticeCount(*alice, room, QStringLiteral("unauthorised-change")) >= 1, Patience);
        // The server delivers the edit first to a newcomer with shared history.
        QVERIFY(m_world.db().swapOrder(room, original, edit.kegId));
        QVERIFY(m_world.invite(*alice, room, *carol));
        QVERIFY(m_world.accept(*carol, room, {alice.get()}));
        QTRY_VERIFY_WITH_TIMEOUT(view(*carol, room, original).has_value(), Patience);
        QCOMPARE(view(*carol, room, original)->body, QStringLiteral("original"));
        QVERIFY(!view(*carol, room, original)->edited);
        QVERIFY2(noticeCount(*carol, room, QStringLiteral("unauthorised-change")) >= 1,
                 qPrintable(noticeDump(*carol, room)));
    }

    // Receipts count only when bound to the hash of the message they name.
    void receiptWithWrongHashIsRefused()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        QVERIFY(alice && bob);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("did you read this?"), {bob.get()}));
        const QByteArray msg = kegIdOf(*alice, room, QStringLiteral("did you read this?"));
        QByteArray wrong(32, '\x42');
        QVERIFY(put(*bob, room, forgeReceipt(*bob, room, msg, wrong)));
        QTRY_VERIFY_WITH_TIMEOUT(noticeCount(*alice, room, QStringLiteral("bad-receipt")) >= 1, Patience);
        QVERIFY(view(*alice, room, msg)->readBy.isEmpty());
        // bob's honest receipt (bound to the right hash) then counts.
        QVERIFY(bob->markRead(room, msg) && bob->flushOutbox(Patience));
        QTRY_COMPARE_WITH_TIMEOUT(view(*alice, room, msg)->readBy, QStringList{bob->username()}, Patience);
    }
};

QTEST_GUILESS_MAIN(TestAttackEdits)
#include "tst_attack_edits.moc"
