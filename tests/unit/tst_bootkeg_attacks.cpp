// Threat-model attacks A2, A3, A4, A6, A7, A8, A9 at the verifier: a server rewriting
// stored versions, or an insider signing with real keys. Each must be refused with its
// own reason, and the chain must stay where it was.
#include "bootkegfixture.h"

#include "crypto/box.h"

using namespace tavern;
using namespace tavern::testing;

class TestBootKegAttacks : public QObject
{
    Q_OBJECT

    // alice admin, bob moderator, carol member, gina guest, all joined; keys generation 0.
    User alice = makeUser(QStringLiteral("alice")), bob = makeUser(QStringLiteral("bob")),
         carol = makeUser(QStringLiteral("carol")), gina = makeUser(QStringLiteral("gina")),
         mallory = makeUser(QStringLiteral("mallory"));
    ChainVerifier chain;

    void expectRefused(const SignedBootKeg &v, ChainError code, const char *reasonPart = nullptr)
    {
        const QByteArray headBefore = chain.head().hash();
        auto r = chain.append(v);
        QVERIFY2(!r.ok(), "the attack was accepted");
        QCOMPARE(ChainError(r.code()), code);
        if (reasonPart)
            QVERIFY2(r.error().message.contains(QLatin1String(reasonPart)), qPrintable(r.error().message));
        QCOMPARE(chain.head().hash(), headBefore); // nothing changed
    }

    void join(User &u, Role role)
    {
        BootKegBuilder b(chain.head(), alice.id, alice.keys);
        QVERIFY(b.invite(u.pub(), role, HistoryPolicy::Shared).ok());
        auto v = b.build();
        QVERIFY(v.ok());
        QVERIFY(chain.append(v->version).ok());
        learnKeys(u, chain.head());
        BootKegBuilder a(chain.head(), u.id, u.keys);
        QVERIFY(a.acceptInvitation().ok());
        auto w = a.build();
        QVERIFY(w.ok());
        QVERIFY(chain.append(w->version).ok());
    }

private Q_SLOTS:
    void init()
    {
        alice.keys = {};
        chain = {};
        BuiltVersion g = createRoom(alice.id, {QStringLiteral("room"), {}, HistoryPolicy::Shared});
        alice.keys.insert(0, std::move(g.newKey));
        QVERIFY(chain.start(g.version).ok());
        join(bob, Role::Moderator);
        join(carol, Role::Member);
        join(gina, Role::Guest);
    }

    // A1/A2: the server edits the member list and keeps the admin's signature.
    void a2_editedMembersKeepOldSignature()
    {
        BootKegBuilder b(chain.head(), alice.id, alice.keys);
        b.setSettings({QStringLiteral("renamed"), {}, HistoryPolicy::Shared});
        auto honest = b.build();
        QVERIFY(honest.ok());
        BootKegVersion edited = ownedCopy(honest->version.version());
        edited.members.push_back({"zed", mallory.id.signing.publicKey, mallory.id.box.publicKey, Role::Admin,
                                  InviteState::Joined, HistoryPolicy::Shared, "alice"});
        edited.sealed.push_back({"zed", crypto::seal(mallory.id.box.publicKey, "key")});
        const SignedBootKeg forged =
            reparse(wire(encodeBody(edited), quint8(SigAlg::Ed25519), honest->version.signature()));
        expectRefused(forged, ChainError::BadSignature, "alice");
    }

    // A1: a member added under a key the server made (signed by a non-member).
    void a1_serverSignedAddition()
    {
        BootKegVersion v = nextFrame(chain.head(), mallory);
        v.members.push_back({"mallory", mallory.id.signing.publicKey, mallory.id.box.publicKey, Role::Member,
                             InviteState::Invited, HistoryPolicy::Shared, "mallory"});
        std::sort(v.members.begin(), v.members.end(), [](auto &a, auto &b) { return a.username < b.username; });
        v.sealed.clear();
        for (auto &m : v.members)
            v.sealed.push_back({m.username, crypto::seal(m.boxPublicKey, "k")});
        expectRefused(SignedBootKeg::sign(v, mallory.id.signing), ChainError::SignerNotMember, "mallory");
    }

    // A3: a plain member (or guest) adds a user or changes a role.
    void a3_memberOrGuestCannotInviteOrPromote()
    {
        for (User *signer : {&carol, &gina}) {
            BootKegVersion v = nextFrame(chain.head(), *signer);
            v.members.push_back({"zed", mallory.id.signing.publicKey, mallory.id.box.publicKey, Role::Member,
                                 InviteState::Invited, HistoryPolicy::Shared, signer->id.username.toUtf8()});
            v.sealed.push_back({"zed", crypto::seal(mallory.id.box.publicKey, "k")});
            expectRefused(SignedBootKeg::sign(v, signer->id.signing), ChainError::NotPermitted, "invite zed");

            BootKegVersion r = nextFrame(chain.head(), *signer);
            memberIn(r, "carol")->role = Role::Admin;
            memberIn(r, "gina")->role = Role::Member;
            expectRefused(SignedBootKeg::sign(r, signer->id.signing), ChainError::NotPermitted, "role");
        }
    }

    // A4: a moderator makes itself admin.
    void a4_moderatorSelfPromotion()
    {
        BootKegVersion v = nextFrame(chain.head(), bob);
        memberIn(v, "bob")->role = Role::Admin;
        expectRefused(SignedBootKeg::sign(v, bob.id.signing), ChainError::NotPermitted,
                      "bob (moderator) may not change bob's role to admin");
        // A moderator may invite a member, but not an admin.
        BootKegBuilder ok(chain.head(), bob.id, bob.keys);
        QVERIFY(ok.invite(mallory.pub(), Role::Member, HistoryPolicy::Shared).ok());
        QVERIFY(ok.build().ok());
        BootKegBuilder no(chain.head(), bob.id, bob.keys);
        QVERIFY(no.invite(mallory.pub(), Role::Admin, HistoryPolicy::Shared).ok());
        QCOMPARE(ChainError(no.build().code()), ChainError::NotPermitted);
    }

    // A6: wrong room id, skipped or repeated version, wrong previous hash, non-canonical bytes.
    void a6_chainBreaks()
    {
        BootKegVersion wrongRoom = nextFrame(chain.head(), alice);
        wrongRoom.name = "x";
        wrongRoom.roomId = QByteArray(32, '\7');
        expectRefused(SignedBootKeg::sign(wrongRoom, alice.id.signing), ChainError::WrongRoom);

        BootKegVersion skipped = nextFrame(chain.head(), alice);
        skipped.name = "x";
        skipped.version += 1;
        expectRefused(SignedBootKeg::sign(skipped, alice.id.signing), ChainError::WrongVersion);

        BootKegVersion repeated = nextFrame(chain.head(), alice);
        repeated.name = "x";
        repeated.version -= 1;
        expectRefused(SignedBootKeg::sign(repeated, alice.id.signing), ChainError::WrongVersion);

        BootKegVersion badPrev = nextFrame(chain.head(), alice);
        badPrev.name = "x";
        badPrev.previousHash[0] = char(badPrev.previousHash[0] ^ 1);
        expectRefused(SignedBootKeg::sign(badPrev, alice.id.signing), ChainError::WrongPreviousHash);

        // Non-canonical: members out of order, a boolean-like enum out of range, trailing bytes.
        BootKegVersion unordered = nextFrame(chain.head(), alice);
        unordered.name = "x";
        std::swap(unordered.members[0], unordered.members[1]);
        std::swap(unordered.sealed[0], unordered.sealed[1]);
        const SignedBootKeg signedUnordered = SignedBootKeg::sign(unordered, alice.id.signing);
        QVERIFY(!SignedBootKeg::decode(signedUnordered.encode()).ok());
        BootKegBuilder b(chain.head(), alice.id, alice.keys);
        b.setSettings({QStringLiteral("y"), {}, HistoryPolicy::Shared});
        QByteArray good = b.build()->version.encode();
        QVERIFY(SignedBootKeg::decode(good).ok());
        auto trailing = SignedBootKeg::decode(good + '\0');
        QVERIFY(!trailing.ok());
        QVERIFY(trailing.error().message.contains(QStringLiteral("bytes follow")));
    }

    // A7: a generation number reused for another key; a removal without a new generation.
    void a7_generationRules()
    {
        BootKegVersion reuse = nextFrame(chain.head(), alice);
        reuse.name = "x";
        reuse.generations[0].commitment = keyCommitment(0, crypto::SecureBytes::random(32));
        expectRefused(SignedBootKeg::sign(reuse, alice.id.signing), ChainError::GenerationRewritten,
                      "reuses generation number 0");

        BootKegVersion noRekey = nextFrame(chain.head(), alice);
        noRekey.members.erase(noRekey.members.begin() + 1); // bob
        noRekey.sealed.erase(noRekey.sealed.begin() + 1);
        noRekey.departures.push_back({"bob", DepartureKind::Removed, 0, QByteArray(32, '\0'), {}});
        expectRefused(SignedBootKeg::sign(noRekey, alice.id.signing), ChainError::MissingRekey);

        // A new generation sealed to the removed member as well.
        BootKegVersion leaky = nextFrame(chain.head(), alice);
        leaky.members.erase(leaky.members.begin() + 1);
        leaky.departures.push_back({"bob", DepartureKind::Removed, 0, QByteArray(32, '\0'), {}});
        leaky.generations.push_back({1, keyCommitment(1, crypto::SecureBytes::random(32)), {}, {}});
        expectRefused(SignedBootKeg::sign(leaky, alice.id.signing), ChainError::SealedSetMismatch);
    }

    // A8: sealed key blobs swapped between members or generations.
    void a8_swappedSeals()
    {
        // By the server: the signature breaks.
        BootKegBuilder b(chain.head(), alice.id, alice.keys);
        b.setSettings({QStringLiteral("x"), {}, HistoryPolicy::Shared});
        auto honest = b.build();
        BootKegVersion swapped = ownedCopy(honest->version.version());
        std::swap(swapped.sealed[1].blob, swapped.sealed[2].blob);
        expectRefused(reparse(wire(encodeBody(swapped), 1, honest->version.signature())), ChainError::BadSignature);

        // By an insider admin without a new generation: refused by the chain rules.
        BootKegVersion insider = nextFrame(chain.head(), alice);
        insider.name = "x";
        std::swap(insider.sealed[1].blob, insider.sealed[2].blob);
        expectRefused(SignedBootKeg::sign(insider, alice.id.signing), ChainError::SealedKeyChanged);

        // With a new generation, a blob sealed to bob's key but naming carol: bob refuses it.
        crypto::SecureBytes k1 = crypto::SecureBytes::random(32);
        BootKegVersion rekey = nextFrame(chain.head(), alice);
        rekey.generations.push_back({1, keyCommitment(1, k1), {}, {}});
        const QByteArray room = chain.roomId();
        for (auto &s : rekey.sealed) {
            const Member *m = chain.head().version().member(s.username);
            s.blob = sealKeyFor(room, 1, *m, k1);
        }
        const Member *bobM = chain.head().version().member("bob");
        crypto::SecureBytes namesCarol = sealedKeyPlaintext(room, 1, "carol", k1);
        rekey.sealed[1].blob = crypto::seal(bobM->boxPublicKey, namesCarol.view());
        SignedBootKeg v = SignedBootKeg::sign(rekey, alice.id.signing);
        QVERIFY(chain.append(v).ok()); // structurally fine; only bob can tell
        QCOMPARE(KeyError(openCurrentKey(v, bob.id).code()), KeyError::ContextMismatch);
        QVERIFY(openCurrentKey(v, carol.id).ok());
        // A blob from another generation, or a key that is not the committed one.
        BootKegVersion other = nextFrame(chain.head(), alice);
        other.generations.push_back({2, keyCommitment(2, crypto::SecureBytes::random(32)), {}, {}});
        for (auto &s : other.sealed)
            s.blob = sealKeyFor(room, 1, *chain.head().version().member(s.username), k1);
        SignedBootKeg v2 = SignedBootKeg::sign(other, alice.id.signing);
        QVERIFY(chain.append(v2).ok());
        QCOMPARE(KeyError(openCurrentKey(v2, carol.id).code()), KeyError::ContextMismatch);
        BootKegVersion lie = nextFrame(chain.head(), alice);
        lie.generations.push_back({3, keyCommitment(3, crypto::SecureBytes::random(32)), {}, {}});
        for (auto &s : lie.sealed)
            s.blob = sealKeyFor(room, 3, *chain.head().version().member(s.username), k1);
        SignedBootKeg v3 = SignedBootKeg::sign(lie, alice.id.signing);
        QVERIFY(chain.append(v3).ok());
        QCOMPARE(KeyError(openCurrentKey(v3, carol.id).code()), KeyError::CommitmentMismatch);
    }

    // A9: signature stripped, or replaced by an unknown algorithm.
    void a9_signatureStrippedOrUnknown()
    {
        BootKegBuilder b(chain.head(), alice.id, alice.keys);
        b.setSettings({QStringLiteral("x"), {}, HistoryPolicy::Shared});
        auto honest = b.build();
        QVERIFY(honest.ok());
        const QByteArray body = honest->version.body();
        expectRefused(reparse(wire(body, 1, {})), ChainError::UnsignedVersion);
        expectRefused(reparse(wire(body, 0, honest->version.signature())), ChainError::UnsignedVersion);
        expectRefused(reparse(wire(body, 2, honest->version.signature())), ChainError::UnknownSignatureAlgorithm);
        expectRefused(reparse(wire(body, 1, honest->version.signature().left(63))), ChainError::UnsignedVersion);
        QVERIFY(chain.append(honest->version).ok()); // the honest one still goes through
    }

    // A10 at the chain level: nobody but the invitee can mark them joined.
    void a10_invitationAcceptedByOthers()
    {
        BootKegBuilder b(chain.head(), alice.id, alice.keys);
        QVERIFY(b.invite(mallory.pub(), Role::Member, HistoryPolicy::Shared).ok());
        auto v = b.build();
        QVERIFY(chain.append(v->version).ok());
        BootKegVersion joined = nextFrame(chain.head(), alice);
        memberIn(joined, "mallory")->state = InviteState::Joined;
        expectRefused(SignedBootKeg::sign(joined, alice.id.signing), ChainError::NotPermitted,
                      "accept mallory's invitation for them");
    }

    void noAdminAndNoOp()
    {
        BootKegVersion noAdmin = nextFrame(chain.head(), alice);
        memberIn(noAdmin, "alice")->role = Role::Member;
        expectRefused(SignedBootKeg::sign(noAdmin, alice.id.signing), ChainError::NoAdmin);
        expectRefused(SignedBootKeg::sign(nextFrame(chain.head(), alice), alice.id.signing), ChainError::NotPermitted,
                      "changes nothing");
    }
};

QTEST_GUILESS_MAIN(TestBootKegAttacks)
#include "tst_bootkeg_attacks.moc"
