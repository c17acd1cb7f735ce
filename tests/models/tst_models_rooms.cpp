// App's room-level models against the real engine: alice uses the App, bob and carol are
// engine Sessions in the same process. Every App model runs under QAbstractItemModelTester
// from before the App opened. Covers the role table, the room list (preview, unread,
// mentions, attention), members and what alice may do to them, InviteFlow (NotFound, Found,
// Sent, KeyChanged), invitations (accept, decline and block), notify() for messages,
// mentions, invitations, role changes and security notices, and the key-change gate with
// VerificationFlow lifting it.
#include "modelstest.h"

#include "crypto/contexts.h"
#include "keg/roles.h"
#include "protocol/ops.h"
#include "serverdb.h"

using namespace tavern;
using namespace tavern::test;
using ui::InviteFlow;
using ui::VerificationFlow;

class TestModelsRooms : public QObject
{
    Q_OBJECT

    EngineWorld m_world;
    std::unique_ptr<Session> m_bob, m_carol;
    std::unique_ptr<AppController> m_app;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
    std::unique_ptr<QSignalSpy> m_notify;
    std::unique_ptr<QSignalSpy> m_errors;
    QByteArray m_ops, m_design;

    QAbstractItemModel *rooms() { return m_app->rooms(); }
    int roomRow(const QByteArray &id) { return find(rooms(), "roomId", QString::fromLatin1(id.toHex())); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_world.start());
        for (const char *user : {"alice", "bob", "carol"})
            QVERIFY(!m_world.signup(QString::fromLatin1(user)).isEmpty());
        QVERIFY((m_bob = m_world.open(QStringLiteral("bob"))));
        QVERIFY((m_carol = m_world.open(QStringLiteral("carol"))));
        m_app = std::make_unique<AppController>(m_world.profile(QStringLiteral("alice")));
        QCOMPARE(m_app->state(), AppController::Opening);
        // Testers before the first data: the App fills its models when it opens.
        for (QAbstractItemModel *m : std::initializer_list<QAbstractItemModel *>{
                 m_app->rooms(), m_app->invitations(), m_app->contacts(), m_app->notices(), m_app->roles(),
                 m_app->messages(), m_app->members()})
            m_testers.push_back(tester(m));
        m_notify = std::make_unique<QSignalSpy>(m_app.get(), &AppController::notify);
        m_errors = std::make_unique<QSignalSpy>(m_app.get(), &AppController::error);
        QVERIFY(waitReady(*m_app));
        QCOMPARE(m_app->username(), QStringLiteral("alice"));
    }

    void roleTable()
    {
        QAbstractItemModel *roles = m_app->roles();
        QCOMPARE(roles->rowCount(), int(keg::Privilege::Count));
        const int post = int(keg::Privilege::Post), changeRole = int(keg::Privilege::ChangeRole);
        QVERIFY(value(roles, post, "action").toString().startsWith(QStringLiteral("Post")));
        QCOMPARE(value(roles, post, "member").toBool(), true);
        QCOMPARE(value(roles, post, "guest").toBool(), false);
        QCOMPARE(value(roles, changeRole, "admin").toBool(), true);
        QCOMPARE(value(roles, changeRole, "moderator").toBool(), false);
    }

    void createRoomSelectsIt()
    {
        QSignalSpy selected(m_app.get(), &AppController::roomSelected);
        m_app->createRoom(QStringLiteral("Ops"), QStringLiteral("on call"), 0);
        QCOMPARE(m_errors->size(), 0);
        m_ops = ui::fromHex(m_app->currentRoomId());
        QCOMPARE(m_ops.size(), 32);
        QCOMPARE(selected.size(), 1);
        QCOMPARE(rooms()->rowCount(), 1);
        QCOMPARE(value(rooms(), 0, "name").toString(), QStringLiteral("Ops"));
        QCOMPARE(value(rooms(), 0, "initials").toString(), QStringLiteral("Op"));
        QVERIFY(value(rooms(), 0, "avatarColor").value<QColor>().isValid());
        QCOMPARE(value(rooms(), 0, "memberCount").toInt(), 1);
        QCOMPARE(value(rooms(), 0, "unread").toInt(), 0);

        ui::RoomInfo *room = m_app->currentRoom();
        QCOMPARE(room->name(), QStringLiteral("Ops"));
        QCOMPARE(room->topic(), QStringLiteral("on call"));
        QCOMPARE(room->myRole(), 0);
        QVERIFY(room->canInvite() && room->canChangeRoles() && room->canRemove() && room->canEditSettings());
        QVERIFY(!room->composerBlocked());
        QCOMPARE(room->fingerprint().split(QLatin1Char(' ')).size(), 6);
        QCOMPARE(room->trustSummary(), 0);

        QAbstractItemModel *members = m_app->members();
        QCOMPARE(members->rowCount(), 1);
        QCOMPARE(value(members, 0, "username").toString(), QStringLiteral("alice"));
        QCOMPARE(value(members, 0, "isMe").toBool(), true);
        QCOMPARE(value(members, 0, "section").toString(), QStringLiteral("Admins"));
        QCOMPARE(value(members, 0, "canRemove").toBool(), false);
        QTRY_COMPARE_WITH_TIMEOUT(column(m_app->messages(), "body").join(QLatin1Char('/')),
                                  QStringLiteral("alice created the room"), WaitMs);
    }

    void inviteFlowFindsAndSends()
    {
        InviteFlow *flow = m_app->invite();
        QCOMPARE(flow->state(), InviteFlow::Search);
        flow->find(QStringLiteral("nobody"));
        QCOMPARE(flow->state(), InviteFlow::Looking);
        QTRY_COMPARE_WITH_TIMEOUT(flow->state(), InviteFlow::NotFound, WaitMs);
        QVERIFY(!flow->error().isEmpty());

        flow->find(QStringLiteral("Bob"));
        QTRY_COMPARE_WITH_TIMEOUT(flow->state(), InviteFlow::Found, WaitMs);
        QCOMPARE(flow->username(), QStringLiteral("bob"));
        QCOMPARE(flow->trust(), int(client::Trust::TrustedOnFirstUse));
        QCOMPARE(flow->safetyNumber().split(QLatin1Char(' ')).size(), 12);
        flow->send(int(keg::Role::Member), int(keg::HistoryPolicy::Shared));
        QCOMPARE(flow->state(), InviteFlow::Sending);
        QTRY_COMPARE_WITH_TIMEOUT(flow->state(), InviteFlow::Sent, WaitMs);

        QAbstractItemModel *members = m_app->members();
        QTRY_COMPARE_WITH_TIMEOUT(members->rowCount(), 2, WaitMs);
        const int bob = find(members, "username", QStringLiteral("bob"));
        QCOMPARE(bob, 1); // the invited after the joined
        QCOMPARE(value(members, bob, "invited").toBool(), true);
        QCOMPARE(value(members, bob, "section").toString(), QStringLiteral("Invited"));
        QCOMPARE(value(members, bob, "canRemove").toBool(), true);
        QCOMPARE(value(members, bob, "canChangeRole").toBool(), true);
        QCOMPARE(m_app->currentRoom()->memberCount(), 1);
        flow->reset();
        QCOMPARE(flow->state(), InviteFlow::Search);
    }

    void memberJoinsAndShowsInContacts()
    {
        QTRY_VERIFY_WITH_TIMEOUT(isInvited(*m_bob, m_ops), WaitMs);
        QVERIFY(m_bob->accept(m_ops));
        QVERIFY(m_bob->flushOutbox(WaitMs));
        QAbstractItemModel *members = m_app->members();
        QTRY_COMPARE_WITH_TIMEOUT(
            value(members, find(members, "username", QStringLiteral("bob")), "section").toString(),
            QStringLiteral("Members"), WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_app->currentRoom()->memberCount(), 2, WaitMs);
        QCOMPARE(value(rooms(), roomRow(m_ops), "memberCount").toInt(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(column(m_app->messages(), "kind").count(QStringLiteral("system")), 3, WaitMs);
        QCOMPARE(column(m_app->messages(), "body"),
                 (QStringList{QStringLiteral("alice created the room"), QStringLiteral("alice invited bob"),
                              QStringLiteral("bob joined")}));

        QAbstractItemModel *contacts = m_app->contacts();
        const int bob = find(contacts, "username", QStringLiteral("bob"));
        QVERIFY(bob >= 0);
        QCOMPARE(value(contacts, bob, "trust").toInt(), int(client::Trust::TrustedOnFirstUse));
        QCOMPARE(value(contacts, bob, "safetyNumber").toString().split(QLatin1Char(' ')).size(), 12);
        QCOMPARE(find(contacts, "username", QStringLiteral("alice")), -1);
    }

    void incomingMessagesNotifyAndCountUnread()
    {
        const QString ops = QString::fromLatin1(m_ops.toHex());
        m_notify->clear();
        QVERIFY(m_bob->send(m_ops, QStringLiteral("hello @alice")));
        QVERIFY(m_bob->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(notifications(*m_notify, QStringLiteral("mention")),
                                  QStringList{ops + QStringLiteral("|bob|hello @alice")}, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(value(rooms(), roomRow(m_ops), "unread").toInt(), 1, WaitMs);
        QCOMPARE(value(rooms(), roomRow(m_ops), "mentions").toInt(), 1);
        QCOMPARE(value(rooms(), roomRow(m_ops), "preview").toString(), QStringLiteral("bob: hello @alice"));
        QCOMPARE(m_app->unreadTotal(), 1);

        QVERIFY(m_bob->send(m_ops, QStringLiteral("@alicex is not you")));
        QVERIFY(m_bob->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(notifications(*m_notify, QStringLiteral("message")),
                                  QStringList{ops + QStringLiteral("|bob|@alicex is not you")}, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_app->unreadTotal(), 2, WaitMs);
        QCOMPARE(value(rooms(), roomRow(m_ops), "mentions").toInt(), 1);

        m_app->markRead();
        QCOMPARE(value(rooms(), roomRow(m_ops), "unread").toInt(), 0);
        QCOMPARE(m_app->unreadTotal(), 0);

        // Her own message: shown, not announced, not unread.
        m_app->send(QStringLiteral("on it"));
        QCOMPARE(m_errors->size(), 0);
        QVERIFY(m_app->session()->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(value(rooms(), roomRow(m_ops), "preview").toString(), QStringLiteral("You: on it"),
                                  WaitMs);
        QCOMPARE(m_app->unreadTotal(), 0);
        QCOMPARE(notifications(*m_notify, QStringLiteral("message")).size()
                     + notifications(*m_notify, QStringLiteral("mention")).size(),
                 2);
    }

    void invitationShownAndAccepted()
    {
        auto design = m_bob->createRoom(QStringLiteral("Design"), QString(), keg::HistoryPolicy::Shared);
        QVERIFY(design);
        m_design = *design;
        QVERIFY(m_bob->invite(m_design, QStringLiteral("alice"), keg::Role::Member, keg::HistoryPolicy::SinceJoin));
        QVERIFY(m_bob->flushOutbox(WaitMs));
        const QString id = QString::fromLatin1(m_design.toHex());
        QAbstractItemModel *invitations = m_app->invitations();
        QTRY_COMPARE_WITH_TIMEOUT(invitations->rowCount(), 1, WaitMs);
        QCOMPARE(value(invitations, 0, "roomId").toString(), id);
        QCOMPARE(value(invitations, 0, "roomName").toString(), QStringLiteral("Design"));
        QCOMPARE(value(invitations, 0, "inviter").toString(), QStringLiteral("bob"));
        QCOMPARE(value(invitations, 0, "inviterTrust").toInt(), int(client::Trust::TrustedOnFirstUse));
        QCOMPARE(value(invitations, 0, "memberNames").toStringList(), QStringList{QStringLiteral("bob")});
        QCOMPARE(value(invitations, 0, "memberCount").toInt(), 1);
        QCOMPARE(value(invitations, 0, "history").toInt(), int(keg::HistoryPolicy::SinceJoin));
        QTRY_COMPARE_WITH_TIMEOUT(notifications(*m_notify, QStringLiteral("invitation")),
                                  QStringList{id + QStringLiteral("|bob|Design")}, WaitMs);
        QCOMPARE(roomRow(m_design), -1); // not in the room list before accepting

        m_app->accept(id);
        QCOMPARE(m_errors->size(), 0);
        QCOMPARE(m_app->currentRoomId(), id);
        QTRY_COMPARE_WITH_TIMEOUT(invitations->rowCount(), 0, WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(roomRow(m_design) >= 0, WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_app->currentRoom()->memberCount(), 2, WaitMs);
        QCOMPARE(m_app->currentRoom()->myRole(), int(keg::Role::Member));
        QVERIFY(!m_app->currentRoom()->canInvite());
    }

    void roleChangeNotifies()
    {
        const QString id = QString::fromLatin1(m_design.toHex());
        QVERIFY(m_bob->setRole(m_design, QStringLiteral("alice"), keg::Role::Moderator));
        QVERIFY(m_bob->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(notifications(*m_notify, QStringLiteral("role")),
                                  QStringList{id + QStringLiteral("|Design|moderator")}, WaitMs);
        QCOMPARE(m_app->currentRoom()->myRole(), int(keg::Role::Moderator));
        QVERIFY(m_app->currentRoom()->canInvite());
        QVERIFY(!m_app->currentRoom()->canChangeRoles());
        QAbstractItemModel *members = m_app->members();
        const int me = find(members, "username", QStringLiteral("alice"));
        QCOMPARE(value(members, me, "section").toString(), QStringLiteral("Moderators"));
        QCOMPARE(value(members, find(members, "username", QStringLiteral("bob")), "canChangeRole").toBool(), false);
        QVERIFY(column(m_app->messages(), "body").contains(QStringLiteral("bob made alice a moderator")));
    }

    void declineAndBlockInviter()
    {
        auto spam = m_carol->createRoom(QStringLiteral("Spam"), QString(), keg::HistoryPolicy::Shared);
        QVERIFY(spam);
        QVERIFY(m_carol->invite(*spam, QStringLiteral("alice"), keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(m_carol->flushOutbox(WaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(m_app->invitations()->rowCount(), 1, WaitMs);
        m_app->declineAndBlock(QString::fromLatin1(spam->toHex()));
        QCOMPARE(m_errors->size(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(m_app->invitations()->rowCount(), 0, WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!isMember(*m_carol, *spam, QStringLiteral("alice")), WaitMs);

        // carol again: declined without asking, never announced.
        auto again = m_carol->createRoom(QStringLiteral("Spam 2"), QString(), keg::HistoryPolicy::Shared);
        QVERIFY(again);
        QVERIFY(m_carol->invite(*again, QStringLiteral("alice"), keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(m_carol->flushOutbox(WaitMs));
        QTRY_VERIFY_WITH_TIMEOUT(isMember(*m_carol, *again, QStringLiteral("alice")), WaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!isMember(*m_carol, *again, QStringLiteral("alice")), WaitMs);
        QCOMPARE(m_app->invitations()->rowCount(), 0);
        QCOMPARE(notifications(*m_notify, QStringLiteral("invitation")).size(), 2); // Design, Spam
    }

    // The server swaps bob's keys (tests/attacks, A17): the lookup notices, the composer of the
    // room bob is in is blocked, the notice shows inline with "Verify bob", and comparing the
    // new safety number in VerificationFlow lifts the block.
    void keyChangeBlocksComposerUntilVerified()
    {
        ServerDb db(m_world.server().databasePath());
        QVERIFY2(db.open(), qPrintable(db.lastError()));
        const crypto::Identity fake = crypto::randomIdentity(QStringLiteral("bob"));
        QVERIFY(db.setUserKeys(
            QStringLiteral("bob"),
            {fake.signing.publicKey, fake.box.publicKey,
             crypto::sign(fake.signing, crypto::ctx::SignupSig,
                          protocol::signupMessage(fake.username, fake.signing.publicKey, fake.box.publicKey))}));
        m_app->setCurrentRoomId(QString::fromLatin1(m_ops.toHex()));
        m_notify->clear();
        InviteFlow *flow = m_app->invite();
        flow->find(QStringLiteral("bob"));
        QTRY_COMPARE_WITH_TIMEOUT(flow->state(), InviteFlow::KeyChanged, WaitMs);
        QCOMPARE(flow->trust(), int(client::Trust::KeyChanged));

        ui::RoomInfo *room = m_app->currentRoom();
        QTRY_VERIFY_WITH_TIMEOUT(room->composerBlocked(), WaitMs);
        QCOMPARE(room->blockedBy(), QStringList{QStringLiteral("bob")});
        QCOMPARE(room->trustSummary(), 1);
        QCOMPARE(value(rooms(), roomRow(m_ops), "attention").toBool(), true);
        QAbstractItemModel *members = m_app->members();
        QCOMPARE(value(members, find(members, "username", QStringLiteral("bob")), "trust").toInt(),
                 int(client::Trust::KeyChanged));
        QAbstractItemModel *notices = m_app->notices();
        QVERIFY(notices->rowCount() >= 1);
        QCOMPARE(value(notices, 0, "kind").toString(), QStringLiteral("key-changed"));
        QCOMPARE(value(notices, 0, "severity").toInt(), 1);
        QAbstractItemModel *messages = m_app->messages();
        const int card = find(messages, "noticeKind", QStringLiteral("key-changed"));
        QVERIFY(card >= 0);
        QCOMPARE(value(messages, card, "kind").toString(), QStringLiteral("notice"));
        QCOMPARE(value(messages, card, "severity").toInt(), 1);
        QCOMPARE(value(messages, card, "actionLabel").toString(), QStringLiteral("Verify bob"));
        QCOMPARE(value(messages, card, "actionTarget").toString(), QStringLiteral("verify:bob"));
        QVERIFY(!value(messages, card, "evidence").toString().isEmpty());
        QCOMPARE(notifications(*m_notify, QStringLiteral("security")).size(), 1);

        // The engine refuses to send; the App says so.
        m_app->send(QStringLiteral("must not go out"));
        QCOMPARE(m_errors->size(), 1);

        VerificationFlow *verify = m_app->verification();
        verify->begin(QStringLiteral("bob"));
        QCOMPARE(verify->state(), VerificationFlow::Compare);
        QCOMPARE(verify->safetyNumberGroups().size(), 12);
        QVERIFY(verify->qrPayload().contains(QStringLiteral(":alice:bob:")));
        QCOMPARE(verify->roomFingerprint(), room->fingerprint());
        verify->theyDontMatch();
        QCOMPARE(verify->state(), VerificationFlow::Mismatch);
        QVERIFY(room->composerBlocked()); // nothing recorded
        verify->close();
        QCOMPARE(verify->state(), VerificationFlow::Idle);
        verify->begin(QStringLiteral("bob"));
        verify->theyMatch();
        QCOMPARE(verify->state(), VerificationFlow::Verified);
        QCOMPARE(verify->trust(), int(client::Trust::Verified));
        QVERIFY(!room->composerBlocked());
        QCOMPARE(value(members, find(members, "username", QStringLiteral("bob")), "trust").toInt(),
                 int(client::Trust::Verified));
        QAbstractItemModel *contacts = m_app->contacts();
        QCOMPARE(value(contacts, find(contacts, "username", QStringLiteral("bob")), "trust").toInt(),
                 int(client::Trust::Verified));
    }

    // The room open last is open again when the App starts (Ready), with its messages and
    // under a tester from before the App opened; unread counts and previews are the same.
    void lastRoomReopensAtStart()
    {
        m_app->setCurrentRoomId(QString::fromLatin1(m_design.toHex()));
        const QString open = m_app->currentRoomId();
        QVERIFY(!open.isEmpty());
        const QStringList previews = column(rooms(), "preview"), unread = column(rooms(), "unread");
        const QStringList bodies = column(m_app->messages(), "body");
        QVERIFY(!bodies.isEmpty());
        m_testers.clear();
        m_app.reset();
        m_app = std::make_unique<AppController>(m_world.profile(QStringLiteral("alice")));
        for (QAbstractItemModel *m :
             std::initializer_list<QAbstractItemModel *>{m_app->rooms(), m_app->messages(), m_app->members()})
            m_testers.push_back(tester(m));
        QTRY_VERIFY_WITH_TIMEOUT(m_app->state() == AppController::Ready, WaitMs);
        // Already when Ready (the first frame of the signed-in screen), not after the sync.
        QCOMPARE(m_app->currentRoomId(), open);
        QCOMPARE(column(m_app->messages(), "body"), bodies);
        QCOMPARE(column(rooms(), "preview"), previews);
        QCOMPARE(column(rooms(), "unread"), unread);
        QCOMPARE(m_app->currentRoom()->name(), QStringLiteral("Design"));
        // No room open: none reopens.
        m_app->setCurrentRoomId({});
        m_testers.clear();
        m_app.reset();
        m_app = std::make_unique<AppController>(m_world.profile(QStringLiteral("alice")));
        QTRY_VERIFY_WITH_TIMEOUT(m_app->state() == AppController::Ready, WaitMs);
        QCOMPARE(m_app->currentRoomId(), QString());
        QVERIFY(rooms()->rowCount() >= 2);
    }
};

QTEST_MAIN(TestModelsRooms)
#include "tst_models_rooms.moc"
