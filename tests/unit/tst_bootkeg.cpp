// The boot-keg lifecycle end to end at the verifier level: every step a real client takes,
// built by the builder and accepted by an independent ChainVerifier, with key access checked.
#include "bootkegfixture.h"

using namespace tavern;
using namespace tavern::testing;

class TestBootKeg : public QObject
{
    Q_OBJECT

private:
    // Appends a built version to the chain, checking it on an independent verifier.
    void publish(ChainVerifier &chain, const Result<BuiltVersion> &built)
    {
        QVERIFY2(built.ok(), built.ok() ? "" : qPrintable(built.error().message));
        auto wireBytes = built->version.encode();
        auto decoded = SignedBootKeg::decode(wireBytes);
        QVERIFY(decoded.ok());
        QCOMPARE(decoded->encode(), wireBytes); // decode then encode: same bytes
        auto ok = chain.append(decoded.value());
        QVERIFY2(ok.ok(), ok.ok() ? "" : qPrintable(ok.error().message));
    }

private Q_SLOTS:
    void genesisIsSelfConsistent()
    {
        User alice = makeUser(QStringLiteral("alice"));
        BuiltVersion g = createRoom(alice.id, {QStringLiteral("Ops"), QStringLiteral("t"), HistoryPolicy::Shared});
        ChainVerifier chain;
        QVERIFY(chain.start(g.version).ok());
        QCOMPARE(chain.roomId(), roomIdFromGenesisHash(g.version.hash()));
        QCOMPARE(chain.roomId().size(), 32);
        auto key = openCurrentKey(g.version, alice.id);
        QVERIFY(key.ok());
        QVERIFY(key->equals(g.newKey.view()));
        // Two rooms never share an id (random genesis nonce).
        BuiltVersion g2 = createRoom(alice.id, {QStringLiteral("Ops"), QStringLiteral("t"), HistoryPolicy::Shared});
        QVERIFY(g2.version.roomId() != g.version.roomId());
    }

    void fullLifecycle()
    {
        User alice = makeUser(QStringLiteral("alice")), bob = makeUser(QStringLiteral("bob")),
             carol = makeUser(QStringLiteral("carol")), dave = makeUser(QStringLiteral("dave"));
        BuiltVersion g = createRoom(alice.id, {QStringLiteral("Ops"), {}, HistoryPolicy::Shared});
        alice.keys.insert(0, std::move(g.newKey));
        ChainVerifier chain;
        QVERIFY(chain.start(g.version).ok());

        // Invite bob with shared history: no new generation, bob sealed generation 0.
        BootKegBuilder b1(chain.head(), alice.id, alice.keys);
        QVERIFY(b1.invite(bob.pub(), Role::Member, HistoryPolicy::Shared).ok());
        auto v1 = b1.build();
        publish(chain, v1);
        QVERIFY(!v1->newGeneration);
        QCOMPARE(chain.head().version().member("bob")->state, InviteState::Invited);

        // Bob accepts: a version signed by bob that only flips his state.
        learnKeys(bob, chain.head());
        QVERIFY(bob.keys.has(0));
        BootKegBuilder b2(chain.head(), bob.id, bob.keys);
        QVERIFY(b2.acceptInvitation().ok());
        publish(chain, b2.build());
        QCOMPARE(chain.head().version().member("bob")->state, InviteState::Joined);

        // Carol, since-join: a new generation that does not wrap the old key.
        BootKegBuilder b3(chain.head(), alice.id, alice.keys);
        QVERIFY(b3.invite(carol.pub(), Role::Member, HistoryPolicy::SinceJoin).ok());
        auto v3 = b3.build();
        publish(chain, v3);
        QCOMPARE(v3->newGeneration.value_or(99), 1u);
        QVERIFY(chain.head().version().generations[1].wrapNonce.isEmpty());
        learnKeys(carol, chain.head());
        learnKeys(bob, chain.head());
        QVERIFY(carol.keys.has(1));
        QVERIFY(!carol.keys.has(0)); // history is decided by cryptography
        QVERIFY(bob.keys.has(1));
        alice.keys.insert(1, std::move(v3.value().newKey));

        // Carol declines: her signed answer, carried by alice; the generation rotates.
        DepartureRequest no = signDepartureRequest(chain.roomId(), carol.id.username, DepartureKind::Declined,
                                                   chain.head().version().version, carol.id.signing);
        BootKegBuilder b4(chain.head(), alice.id, alice.keys);
        QVERIFY(b4.completeDeparture(no).ok());
        auto v4 = b4.build();
        publish(chain, v4);
        QCOMPARE(v4->newGeneration.value_or(99), 2u);
        QVERIFY(!chain.head().version().member("carol"));
        QVERIFY(!chain.head().version().sealedFor("carol"));
        alice.keys.insert(2, std::move(v4.value().newKey));
        learnKeys(bob, chain.head());
        QVERIFY(bob.keys.has(2));
        QVERIFY(!openCurrentKey(chain.head(), carol.id).ok());

        // Dave with shared history after a since-join break: gets generation 0 by a
        // history seal and generation 1 through the wrap of generation 2.
        BootKegBuilder b5(chain.head(), alice.id, alice.keys);
        QVERIFY(b5.invite(dave.pub(), Role::Guest, HistoryPolicy::Shared).ok());
        publish(chain, b5.build());
        learnKeys(dave, chain.head());
        QVERIFY(dave.keys.has(2));
        QVERIFY(dave.keys.has(1));
        QVERIFY(dave.keys.has(0));
        QVERIFY(dave.keys.get(0)->equals(alice.keys.get(0)->view()));

        // Promote bob to moderator, then remove him: generation 3 sealed without bob.
        BootKegBuilder b6(chain.head(), alice.id, alice.keys);
        QVERIFY(b6.setRole(QStringLiteral("bob"), Role::Moderator).ok());
        publish(chain, b6.build());
        QCOMPARE(chain.head().version().member("bob")->role, Role::Moderator);

        BootKegBuilder b7(chain.head(), alice.id, alice.keys);
        QByteArray lastHash(32, '\x5a');
        QVERIFY(b7.remove(QStringLiteral("bob"), 41, lastHash).ok());
        auto v7 = b7.build();
        publish(chain, v7);
        QCOMPARE(v7->newGeneration.value_or(99), 3u);
        const Departure *d = chain.head().version().departureOf("bob");
        QVERIFY(d);
        QCOMPARE(d->lastCounter, 41u);
        QCOMPARE(d->lastMessageHash, lastHash);
        auto bobTry = openCurrentKey(chain.head(), bob.id);
        QCOMPARE(bobTry.code(), int(KeyError::NotSealedForYou));
        // Even holding every key he had, bob cannot unwrap generation 3.
        unwrapHistory(chain.head(), bob.keys);
        QVERIFY(!bob.keys.has(3));

        // Settings and a plain rekey by the admin.
        alice.keys.insert(3, std::move(v7.value().newKey));
        BootKegBuilder b9(chain.head(), alice.id, alice.keys);
        b9.setSettings({QStringLiteral("Ops team"), QStringLiteral("on call"), HistoryPolicy::SinceJoin});
        b9.rekey();
        auto v9 = b9.build();
        publish(chain, v9);
        QCOMPARE(QString::fromUtf8(chain.head().version().name), QStringLiteral("Ops team"));
        QCOMPARE(chain.head().version().currentGeneration(), 4u);
        // Dave (still a guest) reaches the new key; alice's old keys still unwrap.
        learnKeys(dave, chain.head());
        QVERIFY(dave.keys.has(4));
    }

    void leaveNeedsTheMembersOwnSignature()
    {
        User alice = makeUser(QStringLiteral("alice")), bob = makeUser(QStringLiteral("bob"));
        BuiltVersion g = createRoom(alice.id, {QStringLiteral("r"), {}, HistoryPolicy::Shared});
        alice.keys.insert(0, std::move(g.newKey));
        ChainVerifier chain;
        QVERIFY(chain.start(g.version).ok());
        BootKegBuilder b1(chain.head(), alice.id, alice.keys);
        QVERIFY(b1.invite(bob.pub(), Role::Admin, HistoryPolicy::Shared).ok());
        publish(chain, b1.build());
        learnKeys(bob, chain.head());
        BootKegBuilder b2(chain.head(), bob.id, bob.keys);
        QVERIFY(b2.acceptInvitation().ok());
        publish(chain, b2.build());

        // A leave request signed by someone else (here alice's key claiming to be bob) fails.
        DepartureRequest forged = signDepartureRequest(chain.roomId(), QStringLiteral("bob"), DepartureKind::Left,
                                                       chain.head().version().version, alice.id.signing);
        BootKegBuilder b3(chain.head(), alice.id, alice.keys);
        QVERIFY(b3.completeDeparture(forged).ok());
        auto bad = b3.build();
        QCOMPARE(bad.code(), int(ChainError::BadDeparture));

        // A request for another room fails too.
        DepartureRequest otherRoom =
            signDepartureRequest(QByteArray(32, '\1'), QStringLiteral("bob"), DepartureKind::Left, 1, bob.id.signing);
        BootKegBuilder b4(chain.head(), alice.id, alice.keys);
        QVERIFY(b4.completeDeparture(otherRoom).ok());
        QCOMPARE(b4.build().code(), int(ChainError::BadDeparture));

        // Bob's own request works, carried by alice.
        DepartureRequest real = signDepartureRequest(chain.roomId(), QStringLiteral("bob"), DepartureKind::Left,
                                                     chain.head().version().version, bob.id.signing);
        BootKegBuilder b5(chain.head(), alice.id, alice.keys);
        QVERIFY(b5.completeDeparture(real).ok());
        publish(chain, b5.build());
        QCOMPARE(chain.head().version().departureOf("bob")->kind, DepartureKind::Left);

        // Bob comes back; his old leave request must not end the new membership.
        alice.keys.insert(chain.head().version().currentGeneration(),
                          crypto::SecureBytes::copyOf(openCurrentKey(chain.head(), alice.id)->view()));
        BootKegBuilder b6(chain.head(), alice.id, alice.keys);
        QVERIFY(b6.invite(bob.pub(), Role::Member, HistoryPolicy::Shared).ok());
        publish(chain, b6.build());
        bob.keys = {};
        learnKeys(bob, chain.head());
        BootKegBuilder b7(chain.head(), bob.id, bob.keys);
        QVERIFY(b7.acceptInvitation().ok());
        publish(chain, b7.build());
        BootKegBuilder replay(chain.head(), alice.id, alice.keys);
        QVERIFY(replay.completeDeparture(real).ok());
        auto replayed = replay.build();
        QCOMPARE(ChainError(replayed.code()), ChainError::BadDeparture);
        QCOMPARE(chain.head().version().member("bob")->state, InviteState::Joined);
    }

    void pinsDetectRollbackAndFork()
    {
        User alice = makeUser(QStringLiteral("alice")), bob = makeUser(QStringLiteral("bob"));
        BuiltVersion g = createRoom(alice.id, {QStringLiteral("r"), {}, HistoryPolicy::Shared});
        alice.keys.insert(0, std::move(g.newKey));
        BootKegBuilder b1(g.version, alice.id, alice.keys);
        QVERIFY(b1.invite(bob.pub(), Role::Member, HistoryPolicy::Shared).ok());
        auto v1 = b1.build();
        QVERIFY(v1.ok());
        // Another version 1 from the same head: a fork of the chain.
        BootKegBuilder b1b(g.version, alice.id, alice.keys);
        b1b.setSettings({QStringLiteral("other"), {}, HistoryPolicy::Shared});
        auto fork = b1b.build();
        QVERIFY(fork.ok());

        const Pin pin{1, v1->version.hash()};
        QVERIFY(checkPin(pin, v1->version).ok());
        QCOMPARE(checkPin(pin, g.version).code(), int(ChainError::Rollback));
        QCOMPARE(checkPin(pin, fork->version).code(), int(ChainError::Fork));
        QVERIFY(checkPin(pin, fork->version).error().message.contains(QStringLiteral("forked")));
        QVERIFY(checkPin(Pin{}, g.version).ok()); // nothing pinned yet
    }
};

QTEST_GUILESS_MAIN(TestBootKeg)
#include "tst_bootkeg.moc"
