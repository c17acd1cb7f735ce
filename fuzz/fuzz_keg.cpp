// libFuzzer harness: the keg decoder. A keg is refused with a message, or re-encodes to
// exactly its bytes; a keg that verifies and decrypts under the fixed author key and DB key
// must be byte-identical to one of the seeds (nothing else carries a real signature).
#include "fuzzsupport.h"

#include "crypto/identity.h"
#include "keg/keg.h"

using namespace tavern;
using namespace tavern::keg;

namespace {

struct Fixture
{
    crypto::Identity alice = crypto::randomIdentity(QStringLiteral("alice"));
    crypto::SecureBytes dbKey = crypto::SecureBytes::random(32);
    std::vector<QByteArray> seeds;

    Fixture()
    {
        const QByteArray db = personalDbId(QStringLiteral("alice"));
        quint64 version = 1;
        for (const auto &[type, text] :
             {std::pair{KegType::Message, "hello, tavern"}, std::pair{KegType::Edit, "h\xc3\xa9llo"},
              std::pair{KegType::Receipt, ""}, std::pair{KegType::PinLog, "pin"}, std::pair{KegType::Contact, "bob"}}) {
            const Keg k = sealKeg({db, newKegId(), type, quint32(version), version}, text, dbKey,
                                  QStringLiteral("alice"), alice.signing);
            seeds.push_back(encodeKeg(k));
            ++version;
        }
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
    const auto k = decodeKeg(in);
    if (!k) {
        FUZZ_CHECK(!k.error().message.isEmpty(), QString());
        return 0;
    }
    FUZZ_CHECK(encodeKeg(*k) == in, QStringLiteral("re-encodes to other bytes"));
    FUZZ_CHECK(k->dbId.size() == DbIdBytes && k->kegId.size() == KegIdBytes && k->version > 0
                   && k->sigAlg == SigAlg::Ed25519 && k->signature.size() == 64,
               QStringLiteral("decoded a keg outside its contract"));
    const auto opened = openKeg(*k, k->dbId, k->kegId, fixture->dbKey, fixture->alice.signing.publicKey);
    if (opened) {
        bool known = false;
        for (const QByteArray &seed : fixture->seeds)
            known = known || seed == in;
        FUZZ_CHECK(known, QStringLiteral("an altered keg opens"));
    }
    return 0;
}
