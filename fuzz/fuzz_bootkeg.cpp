// libFuzzer harness: the boot-keg decoder and the chain rules. A fixed room is built once
// at start-up (deterministic keys and nonces, fixed timestamps): genesis, invitations (one
// shared, one since-join), an acceptance, a removal with a shared-history invite. Each input
// is decoded; what decodes must re-encode to its bytes, then goes through verifyGenesis and
// verifyTransition after every version of the room. A version the chain accepts must be
// byte-identical to the room's own next version (nothing else carries a real signature);
// the same checks with the signature skipped exercise the role table, and may only accept
// more, never less.
#include "fuzzsupport.h"

#include "keg/bootkegbuilder.h"
#include "keg/chainrules.h"
#include "keg/roomkeys.h"

using namespace tavern;
using namespace tavern::keg;

namespace {

struct Party
{
    crypto::Identity id;
    RoomKeys keys;
};

QString why(const Status &s)
{
    return s.ok() ? QString() : s.error().message;
}

struct Fixture
{
    Party alice{crypto::randomIdentity(QStringLiteral("alice")), {}};
    Party bob{crypto::randomIdentity(QStringLiteral("bob")), {}};
    Party carol{crypto::randomIdentity(QStringLiteral("carol")), {}};
    Party dave{crypto::randomIdentity(QStringLiteral("dave")), {}};
    std::vector<SignedBootKeg> chain;
    std::vector<QByteArray> seeds;

    static crypto::PublicIdentity pub(const Party &p)
    {
        return {p.id.username, p.id.signing.publicKey, p.id.box.publicKey};
    }

    // Built versions carry the clock; the same bytes in every run need a fixed one.
    void append(Party &signer, BuiltVersion built)
    {
        BootKegVersion v = built.version.version();
        v.timestampMs = 1700000000000ull + chain.size();
        chain.push_back(SignedBootKeg::sign(std::move(v), signer.id.signing));
        if (built.newGeneration)
            signer.keys.insert(*built.newGeneration, std::move(built.newKey));
        const Status ok =
            chain.size() == 1 ? verifyGenesis(chain.back()) : verifyTransition(chain[chain.size() - 2], chain.back());
        FUZZ_CHECK(ok.ok(), why(ok));
        seeds.push_back(chain.back().encode());
    }

    void learn(Party &p)
    {
        auto key = openCurrentKey(chain.back(), p.id);
        FUZZ_CHECK(key.ok(), key.ok() ? QString() : key.error().message);
        p.keys.insert(chain.back().version().currentGeneration(), std::move(key).value());
        (void)openHistorySeals(chain.back(), p.id, p.keys);
        unwrapHistory(chain.back(), p.keys);
    }

    template <typename Edit> void publish(Party &signer, Edit &&edit)
    {
        BootKegBuilder b(chain.back(), signer.id, signer.keys);
        edit(b);
        auto built = b.build();
        FUZZ_CHECK(built.ok(), built.ok() ? QString() : built.error().message);
        append(signer, std::move(built).value());
    }

    Fixture()
    {
        append(alice,
               createRoom(alice.id, {QStringLiteral("Ops \u2603"), QStringLiteral("on call"), HistoryPolicy::Shared}));
        publish(alice, [&](BootKegBuilder &b) {
            FUZZ_CHECK(b.invite(pub(bob), Role::Member, HistoryPolicy::Shared).ok(), QString());
            FUZZ_CHECK(b.invite(pub(carol), Role::Moderator, HistoryPolicy::SinceJoin).ok(), QString());
        });
        learn(bob);
        publish(bob, [](BootKegBuilder &b) { FUZZ_CHECK(b.acceptInvitation().ok(), QString()); });
        publish(alice, [&](BootKegBuilder &b) {
            FUZZ_CHECK(b.remove(QStringLiteral("carol"), 7, QByteArray(32, '\x5a')).ok(), QString());
            FUZZ_CHECK(b.invite(pub(dave), Role::Guest, HistoryPolicy::Shared).ok(), QString());
        });
    }
};

const Fixture *fixture = nullptr;

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz::useDeterministicRandomness();
    fixture = new Fixture;
    fuzz::writeCorpusIfAsked(argc, argv, fixture->seeds);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView in(data, qsizetype(size));
    const auto s = SignedBootKeg::decode(in);
    if (!s) {
        FUZZ_CHECK(!s.error().message.isEmpty(), QString());
        return 0;
    }
    FUZZ_CHECK(s->encode() == in, QStringLiteral("re-encodes to other bytes"));
    FUZZ_CHECK(encodeBody(s->version()) == s->body(), QStringLiteral("body re-encodes to other bytes"));
    const auto &chain = fixture->chain;
    const Status genesis = verifyGenesis(*s);
    FUZZ_CHECK(genesis.ok() ? in == fixture->seeds[0] : !genesis.error().message.isEmpty(),
               QStringLiteral("an altered genesis verifies"));
    for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
        const Status signedOk = verifyTransition(chain[i], *s);
        const Status rulesOk = verifyTransition(chain[i], *s, SignatureCheck::AlreadyTrusted);
        FUZZ_CHECK(!signedOk.ok() || in == fixture->seeds[i + 1],
                   QStringLiteral("an altered version %1 verifies").arg(i + 1));
        FUZZ_CHECK(signedOk.ok() || !signedOk.error().message.isEmpty(), QString());
        FUZZ_CHECK(rulesOk.ok() || !rulesOk.error().message.isEmpty(), QString());
        FUZZ_CHECK(!signedOk.ok() || rulesOk.ok(), QStringLiteral("skipping the signature refused more"));
    }
    (void)checkPin(Pin{chain[1].version().version, chain[1].hash()}, *s);
    return 0;
}
