// The WebSocket frame codec (threat model, "Bad input and faults"): round trips of every
// frame type; each rule of decodeBoundedCbor and decodeFrame with the ErrorCode it gives;
// the body field getters; and a deterministic mutation sweep of valid frames (fixed seeds)
// where every mutant must be refused with BadFrame or FrameTooLarge and a message, or
// decode to a frame that re-encodes to a frame that decodes to the same thing.
#include "mutants.h"
#include "protocol/fields.h"
#include "protocol/frame.h"
#include "protocol/kegputframe.h"
#include "protocol/ops.h"

#include <QCborArray>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

#include <limits>
#include <map>

using namespace tavern;
using namespace tavern::protocol;
using tavern::testing::forEachMutant;
using tavern::testing::MutationPlan;

namespace {

QString s(const char *latin1)
{
    return QString::fromLatin1(latin1);
}
QByteArray hex(const char *h)
{
    return QByteArray::fromHex(h);
}
QByteArray text(const char *t)
{
    return QCborValue(s(t)).toCbor();
}

// A request envelope {type: req, id: 7, op: ping, body: <raw>}, for hand-written bodies.
QByteArray withBody(const QByteArray &rawBody)
{
    return hex("a4") + text("type") + text("req") + text("id") + hex("07") + text("op") + text("ping") + text("body")
           + rawBody;
}

// The same with body {"a": <value given in hex>}.
QByteArray inA(const char *hexValue)
{
    return withBody(hex("a16161") + hex(hexValue));
}

// A valid request (an error frame if asked) with one field replaced, or removed if undefined.
QByteArray edited(const QString &key, const QCborValue &v, bool error = false)
{
    QCborMap m{{s("type"), s("req")}, {s("id"), 7}, {s("op"), s("ping")}, {s("body"), QCborMap()}};
    if (error) {
        m.insert(s("type"), s("err"));
        m.insert(s("code"), s("conflict"));
        m.insert(s("message"), s("stale"));
    }
    if (v.isUndefined())
        m.remove(key);
    else
        m.insert(key, v);
    return QCborValue(m).toCbor();
}

QByteArray nested(int arrays) // body {"a": [[...[0]...]]}: the 0 sits at depth 3 + arrays
{
    return withBody(hex("a16161") + QByteArray(arrays, '\x81') + hex("00"));
}

QString sameFrame(const Frame &a, const Frame &b)
{
    if (a.type != b.type || a.id != b.id || a.op != b.op || a.body != b.body || a.code != b.code
        || a.message != b.message)
        return s("fields differ: ") + QString::fromLatin1(encodeFrame(a).toHex()) + s(" vs ")
               + QString::fromLatin1(encodeFrame(b).toHex());
    return {};
}

// The server's keg.put fast path against decodeFrame: whatever it accepts, decodeFrame
// accepts too, as the same request with a body of exactly those two fields.
QString sameAsFastPath(const QByteArray &m, const CborLimits &limits)
{
    const auto fast = readKegPutFrame(m, limits);
    if (!fast)
        return {};
    const auto f = decodeFrame(m, limits);
    if (!f)
        return s("fast path accepted what decodeFrame refuses: ") + f.error().message;
    if (!fast->kegPut || !fast->body.isEmpty())
        return s("fast path gave no keg.put body");
    QCborArray kegs;
    for (const QByteArray &k : fast->kegPut->kegs)
        kegs.append(k);
    // Compared field by field: the two body keys may come in either order.
    if (f->type != FrameType::Request || f->id != fast->id || f->op != fast->op || f->body.size() != 2
        || f->body.value(s("dbId")) != QCborValue(fast->kegPut->dbId) || f->body.value(s("kegs")) != QCborValue(kegs))
        return s("fast path and decodeFrame differ on ") + QString::fromLatin1(m.toHex());
    return {};
}

// Checks one decoder output: a clean refusal, or a frame within the envelope rules that
// re-encodes to a frame decoding to the same fields and the same bytes again.
QString check(const QByteArray &m, const CborLimits &limits, int &decoded, int &refused)
{
    if (const QString why = sameAsFastPath(m, limits); !why.isEmpty())
        return why;
    quint64 id = 0xdeadbeef;
    const auto f = decodeFrame(m, limits, &id);
    if (!f) {
        ++refused;
        if (id != 0xdeadbeef && id > quint64(std::numeric_limits<qint64>::max()))
            return s("a refused frame reported an id out of range");
        if (f.code() == int(ErrorCode::FrameTooLarge) && m.size() <= limits.maxBytes)
            return s("frame_too_large below the limit");
        if (f.code() != int(ErrorCode::BadFrame) && f.code() != int(ErrorCode::FrameTooLarge))
            return s("refused with code ") + errorName(ErrorCode(f.code()));
        return f.error().message.isEmpty() ? s("refused without a message") : QString();
    }
    ++decoded;
    if (m.size() > limits.maxBytes)
        return s("accepted above the size limit");
    if (id != f->id || f->id > quint64(std::numeric_limits<qint64>::max()))
        return s("id out of range or not reported");
    if (f->op.isEmpty() || f->op.size() > MaxOpLength || f->message.size() > MaxMessageLength)
        return s("envelope outside its limits");
    const QByteArray again = encodeFrame(*f);
    const auto g = decodeFrame(again, CborLimits{});
    if (!g)
        return s("re-encoded frame refused: ") + g.error().message;
    if (encodeFrame(*g) != again)
        return s("re-encoding is not stable");
    return sameFrame(*f, *g);
}

// CBOR-meaningful bytes (0, -1, break, indefinite array and map, tag, undefined, half
// float, an empty text) and heads declaring huge lengths, counts and integers.
MutationPlan cborPlan()
{
    MutationPlan p;
    p.specialBytes = {'\x00', '\x20', '\xff', '\x9f', '\xbf', '\xc0', '\xf7', '\xf9', '\x60'};
    p.u32Lengths = false;
    for (const char *h :
         {"5bffffffffffffffff", "5a7fffffff", "5a00800001", "7bffffffffffffffff", "7a00ffffff", "9bffffffffffffffff",
          "9a7fffffff", "bbffffffffffffffff", "ba7fffffff", "1bffffffffffffffff", "3bffffffffffffffff"})
        p.heads.push_back(QByteArray::fromHex(h));
    return p;
}

std::map<QString, Frame> samples()
{
    const QByteArray db(32, '\xdb');
    const QCborMap meta{{s("a"), QCborArray{QCborMap{{s("x"), 1}}}}}; // the 1 sits at depth 6
    return {
        {s("request"), Frame::request(17, op::KegPut,
                                      {{s("db"), db},
                                       {s("kegs"), QCborArray{QByteArray(40, 'k'), QByteArray(50, 'l')}},
                                       {s("version"), 3},
                                       {s("note"), QStringLiteral("h\u00e9llo \u2603")},
                                       {s("flags"), QCborArray{true, false, nullptr}},
                                       {s("meta"), meta}})},
        // The shape every client upload has (the server reads it without a QCborMap).
        {s("keg.put"),
         Frame::request(4242, op::KegPut,
                        {{s("dbId"), db}, {s("kegs"), QCborArray{QByteArray(60, 'k'), QByteArray(3, 'l')}}})},
        {s("response"),
         Frame::response(
             17, op::KegList,
             {{s("kegs"),
               QCborArray{QCborMap{{s("id"), QByteArray(16, 'i')}, {s("version"), 9}, {s("keg"), QByteArray(64, 'g')}},
                          QCborMap{{s("id"), QByteArray(16, 'j')}}}},
              {s("more"), false},
              {s("cursor"), qint64(12345678901)}})},
        {s("push"), Frame::push(push::Keg, {{s("db"), db}, {s("id"), QByteArray(16, 'i')}, {s("deleted"), false}})},
        {s("error"), Frame::error(17, op::BootKegPut, ErrorCode::Conflict, QStringLiteral("stale: head moved on to 12"),
                                  {{s("head"), 12}})},
    };
}

} // namespace

class TestFrameCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrips()
    {
        std::vector<Frame> frames;
        for (const auto &[name, f] : samples())
            frames.push_back(f);
        frames.push_back(Frame::request(0, op::Ping));
        frames.push_back(Frame::request(quint64(std::numeric_limits<qint64>::max()), QString(MaxOpLength, u'o')));
        frames.push_back(Frame::response(1, QStringLiteral("\u00e9t\u00e9 \U0001F37A")));
        frames.push_back(Frame::error(3, op::Auth, ErrorCode::AuthFailed, QString(MaxMessageLength, u'\u2603')));
        for (int c = 0; c < int(ErrorCode::Count); ++c)
            frames.push_back(Frame::error(quint64(c), op::KegGet, ErrorCode(c), errorName(ErrorCode(c))));
        for (const Frame &f : frames) {
            const QByteArray bytes = encodeFrame(f);
            quint64 id = 0;
            const auto d = decodeFrame(bytes, CborLimits{}, &id);
            QVERIFY2(d.ok(), qPrintable(d.ok() ? QString() : d.error().message));
            QCOMPARE(id, f.id);
            const QString diff = sameFrame(f, *d);
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
            QCOMPARE(encodeFrame(*d), bytes);
        }
        // No body is an empty body; indefinite lengths and chunked strings are accepted.
        const auto noBody = decodeFrame(edited(s("body"), QCborValue()), CborLimits{});
        QVERIFY(noBody.ok() && noBody->body.isEmpty());
        const auto chunked =
            decodeFrame(withBody(hex("bf") + hex("7f61616162ff") + hex("5f4101420203ff") + hex("ff")), CborLimits{});
        QVERIFY2(chunked.ok(), qPrintable(chunked.ok() ? QString() : chunked.error().message));
        QCOMPARE(chunked->body.value(s("ab")).toByteArray(), hex("010203"));
    }

    // The server's keg.put fast path takes exactly the usual shape, in any key order, and
    // leaves everything else to decodeFrame (which the mutation sweep below compares it with).
    void kegPutFastPath()
    {
        const QByteArray db(32, '\xdb'), k1(300, 'k'), k2(1, 'l');
        const auto put = [&](const QByteArray &env, const QByteArray &body) {
            return hex("a4") + env + text("body") + body;
        };
        const QByteArray env = text("op") + text("keg.put") + text("id") + hex("1903e8") + text("type") + text("req");
        const QByteArray kegs = text("kegs") + hex("82") + QCborValue(k1).toCbor() + QCborValue(k2).toCbor();
        const QByteArray dbField = text("dbId") + QCborValue(db).toCbor();
        const QByteArray usual = put(env, hex("a2") + kegs + dbField);
        const auto f = readKegPutFrame(usual, CborLimits{});
        QVERIFY(f && f->kegPut);
        QCOMPARE(f->id, quint64(1000));
        QCOMPARE(f->op, op::KegPut);
        QCOMPARE(f->kegPut->dbId, db);
        QCOMPARE(f->kegPut->kegs, (QList<QByteArray>{k1, k2}));
        QVERIFY(f->body.isEmpty());
        QVERIFY(sameAsFastPath(usual, CborLimits{}).isEmpty());
        // Over the size, depth (the kegs sit at 4) or item (4 + 2 + 2 kegs) limits.
        for (const CborLimits &tight :
             {CborLimits{6, 20000, usual.size() - 1}, CborLimits{3, 20000, 1 << 20}, CborLimits{6, 7, 1 << 20}}) {
            QVERIFY(!readKegPutFrame(usual, tight));
            QVERIFY(!decodeFrame(usual, tight));
        }
        QVERIFY(readKegPutFrame(usual, CborLimits{4, 8, usual.size()}));

        const QByteArray nearMisses[] = {
            put(text("op") + text("keg.get") + text("id") + hex("01") + text("type") + text("req"),
                hex("a2") + kegs + dbField),
            put(text("op") + text("keg.put") + text("id") + hex("01") + text("type") + text("res"),
                hex("a2") + kegs + dbField),
            put(text("op") + text("keg.put") + text("id") + hex("1bffffffffffffffff") + text("type") + text("req"),
                hex("a2") + kegs + dbField),
            put(text("op") + text("keg.put") + text("op") + text("keg.put") + text("type") + text("req"),
                hex("a2") + kegs + dbField),
            put(env, hex("a3") + kegs + dbField + text("x") + hex("01")),
            put(env, hex("a1") + kegs),
            put(env, hex("a2") + dbField + dbField),
            put(env, hex("a2") + dbField + text("kegs") + hex("82") + QCborValue(k1).toCbor() + hex("01")),
            put(env, hex("a2") + dbField + text("kegs") + hex("9f") + QCborValue(k1).toCbor() + hex("ff")),
            put(env, hex("a2") + dbField + text("kegs") + hex("81") + hex("5f4101ff")),
            usual + hex("00"),
            // Declared keg counts the frame cannot hold, one of them overflowing count + 6.
            put(env, hex("a2") + dbField + text("kegs") + hex("9bffffffffffffffff")),
            put(env, hex("a2") + dbField + text("kegs") + hex("9bfffffffffffffffa") + QCborValue(k2).toCbor()),
            put(env, hex("a2") + dbField + text("kegs") + hex("9903e8") + QCborValue(k2).toCbor()),
        };
        for (const QByteArray &m : nearMisses) {
            QVERIFY2(!readKegPutFrame(m, CborLimits{}), qPrintable(QString::fromLatin1(m.toHex())));
            QVERIFY(sameAsFastPath(m, CborLimits{}).isEmpty());
        }
        for (qsizetype n = 0; n < usual.size(); ++n)
            QVERIFY(!readKegPutFrame(usual.first(n), CborLimits{}));
    }

    void limitsAreExact()
    {
        const CborLimits limits;
        QVERIFY(decodeFrame(nested(limits.maxDepth - 3), limits).ok());
        QVERIFY(!decodeFrame(nested(limits.maxDepth - 2), limits).ok());
        // 4 envelope entries + 1 body entry + the array's elements.
        const auto list = [](qsizetype n) {
            QCborArray a;
            for (qsizetype i = 0; i < n; ++i)
                a.append(0);
            return withBody(QCborValue(QCborMap{{s("l"), a}}).toCbor());
        };
        QVERIFY(decodeFrame(list(limits.maxItems - 5), limits).ok());
        QVERIFY(!decodeFrame(list(limits.maxItems - 4), limits).ok());
        const QByteArray f = encodeFrame(Frame::request(1, op::Ping));
        QVERIFY(decodeFrame(f, CborLimits{6, 100, f.size()}).ok());
        QCOMPARE(decodeFrame(f, CborLimits{6, 100, f.size() - 1}).code(), int(ErrorCode::FrameTooLarge));
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        const QByteArray valid = encodeFrame(Frame::request(7, op::Ping));
        const auto row = [&](const char *name, const QByteArray &b, const char *reason,
                             int code = int(ErrorCode::BadFrame)) { QTest::newRow(name) << b << code << s(reason); };
        row("empty", {}, "empty frame");
        row("above 8 MiB", inA("5a00800000") + QByteArray(8 << 20, 'x'), "exceeds the limit",
            int(ErrorCode::FrameTooLarge));
        row("depth above limit", nested(4), "nesting deeper than 6");
        row("100000 levels", nested(100000), "nesting deeper than 6");
        row("too many items", inA("9a00004e20") + QByteArray(20000, '\0'), "more than 20000 items");
        row("declared huge bytes", inA("5bffffffffffffffff") + "xy", "exceeds the frame limit");
        row("declared huge text", inA("7a00800001") + "xy", "exceeds the frame limit");
        row("declared huge array", inA("9bffffffffffffffff00"), "exceeds the frame limit");
        row("declared huge map", withBody(hex("ba7fffffff") + text("k") + hex("00")), "exceeds the frame limit");
        row("huge text chunk", inA("7f7bffffffffffffffff6161ff"), "bad text string");
        row("huge bytes chunk", inA("5f5bffffffffffffffff4161ff"), "bad byte string");
        row("array cut short", inA("83000000").chopped(1), "invalid CBOR");
        row("duplicate body key", withBody(hex("a2") + text("a") + hex("00") + text("a") + hex("01")),
            "duplicate map key \"a\"");
        row("duplicate envelope key", hex("a5") + withBody(hex("a0")).mid(1) + text("op") + text("x"),
            "duplicate map key \"op\"");
        row("trailing byte", valid + hex("00"), "1 trailing bytes");
        row("two frames", valid + valid, "trailing bytes");
        row("tagged value", inA("c100"), "not allowed");
        row("tagged frame", hex("d9d9f7") + valid, "not allowed");
        row("half float", inA("f93c00"), "not allowed");
        row("float", inA("fa3f800000"), "not allowed");
        row("double", inA("fb3ff0000000000000"), "not allowed");
        row("negative int", inA("20"), "negative integers");
        row("int above 2^63-1", inA("1b8000000000000000"), "integer out of range");
        row("undefined", inA("f7"), "simple value 23 not allowed");
        row("simple 16", inA("f0"), "simple value 16 not allowed");
        row("overlong UTF-8", inA("62c0af"), "bad text string");
        row("surrogate UTF-8", inA("63eda080"), "bad text string");
        row("bad UTF-8 in a key", withBody(hex("a162c0af00")), "bad text string");
        row("bad UTF-8 in a chunk", inA("7f616161ffff"), "bad text string");
        row("integer key", withBody(hex("a10100")), "map keys must be text strings");
        row("byte string key", withBody(hex("a1416100")), "map keys must be text strings");
        row("not a map", hex("83010203"), "a frame is a CBOR map");
        row("id missing", edited(s("id"), {}), "\"id\" must be");
        row("id as text", edited(s("id"), s("7")), "\"id\" must be");
        row("type missing", edited(s("type"), {}), "\"type\" must be");
        row("type unknown", edited(s("type"), s("request")), "\"type\" must be");
        row("type as int", edited(s("type"), 1), "\"type\" must be");
        row("op missing", edited(s("op"), {}), "\"op\" must be");
        row("op empty", edited(s("op"), QString()), "\"op\" must be");
        row("op too long", edited(s("op"), QString(MaxOpLength + 1, u'o')), "\"op\" must be");
        row("op as bytes", edited(s("op"), QByteArray("ping")), "\"op\" must be");
        row("body as array", edited(s("body"), QCborArray{}), "\"body\" must be a map");
        row("body null", edited(s("body"), nullptr), "\"body\" must be a map");
        row("error without code", edited(s("code"), {}, true), "needs text \"code\"");
        row("error without message", edited(s("message"), {}, true), "needs text \"code\"");
        row("error code as int", edited(s("code"), 16, true), "needs text \"code\"");
        row("error message too long", edited(s("message"), QString(MaxMessageLength + 1, u'm'), true),
            "needs text \"code\"");
    }

    void refusals()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        QFETCH(QString, reason);
        const auto f = decodeFrame(bytes, CborLimits{});
        QVERIFY2(!f.ok(), "accepted");
        QCOMPARE(errorName(ErrorCode(f.code())), errorName(ErrorCode(code)));
        QVERIFY2(f.error().message.contains(reason), qPrintable(f.error().message));
    }

    void requestIdSurvivesEnvelopeErrors()
    {
        quint64 id = 0;
        QVERIFY(!decodeFrame(edited(s("type"), s("bogus")), CborLimits{}, &id).ok());
        QCOMPARE(id, quint64(7)); // the error frame can answer request 7
        id = 99;
        QVERIFY(!decodeFrame(edited(s("id"), {}), CborLimits{}, &id).ok());
        QCOMPARE(id, quint64(99));
        // Refused by the strict CBOR rules, but the id is readable: the error answers it.
        id = 99;
        QVERIFY(!decodeFrame(inA("20"), CborLimits{}, &id).ok()); // a negative integer in the body
        QCOMPARE(id, quint64(7));
    }

    void requestIdPeekedFromRefusedCbor_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<qint64>("id"); // -1: none can be read
        const QByteArray idFirst = hex("a3") + text("id") + hex("1903e8") + text("type") + text("req") + text("op");
        QTest::newRow("negative integer in body") << inA("20") << qint64(7);
        QTest::newRow("float in body") << inA("fb3ff8000000000000") << qint64(7);
        QTest::newRow("tag in body") << inA("c074323031332d30332d32315432303a30343a30305a") << qint64(7);
        QTest::newRow("undefined in body") << inA("f7") << qint64(7);
        QTest::newRow("invalid UTF-8 in body") << inA("62c328") << qint64(7);
        QTest::newRow("duplicate key in body") << withBody(hex("a2616101616102")) << qint64(7);
        QTest::newRow("too deep") << nested(10) << qint64(7);
        QTest::newRow("trailing byte") << edited(s("op"), s("ping")) + hex("00") << qint64(7);
        QTest::newRow("body cut short") << withBody(hex("a1616159ffff")) << qint64(7);
        QTest::newRow("id first, large, then a float op") << idFirst + hex("f93c00") << qint64(1000);
        QTest::newRow("indefinite map") << hex("bf") + text("id") + hex("05") + text("op") + hex("f93c00") + hex("ff")
                                        << qint64(5);
        QTest::newRow("id after a cut-short entry")
            << hex("a2") + text("body") + hex("5a00ffffff") + text("id") + hex("07") << qint64(-1);
        QTest::newRow("id as a float") << hex("a2") + text("id") + hex("f93c00") + text("op") + hex("20") << qint64(-1);
        QTest::newRow("id negative") << hex("a2") + text("id") + hex("20") + text("op") + hex("20") << qint64(-1);
        QTest::newRow("id above 2^63-1") << hex("a2") + text("id") + hex("1b8000000000000000") + text("op") + hex("20")
                                         << qint64(-1);
        QTest::newRow("two ids") << hex("a3") + text("id") + hex("01") + text("id") + hex("02") + text("op") + hex("20")
                                 << qint64(-1);
        QTest::newRow("no id") << hex("a1") + text("op") + hex("20") << qint64(-1);
        QTest::newRow("not a map") << hex("8120") << qint64(-1);
        QTest::newRow("empty") << QByteArray() << qint64(-1);
        QTest::newRow("deep garbage before the id")
            << hex("a2") + text("body") + QByteArray(40, '\x81') + hex("00") + text("id") + hex("07") << qint64(-1);
    }

    void requestIdPeekedFromRefusedCbor()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(qint64, id);
        QVERIFY2(!decodeBoundedCbor(bytes, CborLimits{}).ok(), "the strict decoder accepts it: not a refusal case");
        const auto peeked = peekRequestId(bytes);
        QCOMPARE(peeked.has_value(), id >= 0);
        quint64 out = 12345;
        QVERIFY(!decodeFrame(bytes, CborLimits{}, &out).ok());
        QCOMPARE(out, id >= 0 ? quint64(id) : quint64(12345));
        if (id >= 0)
            QCOMPARE(*peeked, quint64(id));
    }

    void integersInAnyHeadWidth()
    {
        // Not required to be shortest (wire-protocol.md 2.1): id 7 in a 1-, 2-, 4- and 8-byte
        // head decodes the same; the encoder writes the shortest form.
        for (const char *id : {"1807", "190007", "1a00000007", "1b0000000000000007"}) {
            const QByteArray m =
                hex("a3") + text("type") + text("req") + text("id") + hex(id) + text("op") + text("ping");
            const auto f = decodeFrame(m, CborLimits{});
            QVERIFY2(f.ok(), id);
            QCOMPARE(f->id, quint64(7));
        }
        QVERIFY(encodeFrame(Frame::request(7, s("ping"))).contains(text("id") + hex("07")));
    }

    void requestIdOfAnOversizedFrame()
    {
        // frame_too_large: the id at the start of the frame is still read.
        const QByteArray big = withBody(hex("a1616159ffff") + QByteArray(0xffff, 'x'));
        quint64 id = 0;
        const auto f = decodeFrame(big, CborLimits{6, 20000, 1024}, &id);
        QVERIFY(!f.ok());
        QCOMPARE(f.code(), int(ErrorCode::FrameTooLarge));
        QCOMPARE(id, quint64(7));
    }

    void fieldGetters()
    {
        const QCborMap body{{s("key"), QByteArray(32, 'k')},
                            {s("name"), s("bob")},
                            {s("n"), 5},
                            {s("neg"), -1},
                            {s("list"), QCborArray{QByteArray(4, 'a'), QByteArray(5, 'b')}},
                            {s("mixed"), QCborArray{QByteArray(4, 'a'), 3}}};
        const auto refused = [](const auto &r, const char *key) -> QString {
            if (r.ok())
                return s("accepted \"%1\"").arg(s(key));
            if (r.code() != int(ErrorCode::BadRequest))
                return s("code ") + errorName(ErrorCode(r.code()));
            if (!r.error().message.startsWith(s("\"%1\"").arg(s(key))))
                return s("message does not name the field: ") + r.error().message;
            return {};
        };
#define REFUSED(e, key) QVERIFY2(refused((e), key).isEmpty(), qPrintable(refused((e), key)))
        QCOMPARE(bytesField(body, s("key"), 32, 32).value(), QByteArray(32, 'k'));
        QVERIFY(bytesField(body, s("key"), 1, 64).ok());
        REFUSED(bytesField(body, s("missing"), 0, 64), "missing");
        REFUSED(bytesField(body, s("name"), 0, 64), "name");
        REFUSED(bytesField(body, s("key"), 33, 33), "key");
        REFUSED(bytesField(body, s("key"), 0, 31), "key");
        QCOMPARE(bytesField(body, s("key"), 16, 16).error().message, s("\"key\" must be 16 bytes"));
        QCOMPARE(textField(body, s("name"), 3).value(), s("bob"));
        REFUSED(textField(body, s("missing"), 10), "missing");
        REFUSED(textField(body, s("key"), 100), "key");
        REFUSED(textField(body, s("name"), 2), "name");
        QCOMPARE(uintField(body, s("missing"), 42, 100).value(), quint64(42));
        QCOMPARE(uintField(body, s("n"), 42, 5).value(), quint64(5));
        REFUSED(uintField(body, s("n"), 0, 4), "n");
        REFUSED(uintField(body, s("neg"), 0, 100), "neg");
        REFUSED(uintField(body, s("name"), 0, 100), "name");
        QCOMPARE(requiredUintField(body, s("n"), 5).value(), quint64(5));
        REFUSED(requiredUintField(body, s("missing"), 100), "missing");
        REFUSED(requiredUintField(body, s("list"), 100), "list");
        QCOMPARE(bytesListField(body, s("list"), 2, 4, 5).value().size(), qsizetype(2));
        REFUSED(bytesListField(body, s("missing"), 2, 4, 5), "missing");
        REFUSED(bytesListField(body, s("key"), 2, 4, 5), "key");
        REFUSED(bytesListField(body, s("list"), 1, 4, 5), "list");
        REFUSED(bytesListField(body, s("list"), 2, 5, 5), "list");
        REFUSED(bytesListField(body, s("list"), 2, 4, 4), "list");
        REFUSED(bytesListField(body, s("mixed"), 2, 0, 8), "mixed");
#undef REFUSED
    }

    void everyMutantIsRefusedOrReencodes_data()
    {
        QTest::addColumn<QString>("sample");
        QTest::addColumn<quint32>("seed");
        quint32 seed = 100;
        for (const auto &[name, f] : samples())
            QTest::newRow(qPrintable(name)) << name << ++seed;
    }

    void everyMutantIsRefusedOrReencodes()
    {
        QFETCH(QString, sample);
        QFETCH(quint32, seed);
        const std::map<QString, Frame> frames = samples();
        const QByteArray original = encodeFrame(frames.at(sample));
        const QByteArray snapshot(original.constData(), original.size());
        // The default limits, and tight ones the samples sit right at or above.
        const CborLimits wide, tight{4, 12, original.size()};
        int decoded = 0, refused = 0;
        QString failure;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(check(original, wide, decoded, refused).isEmpty());
        int mutants = forEachMutant(
            original, seed,
            [&](const QByteArray &m) {
                for (const CborLimits *limits : {&wide, &tight}) {
                    const QString why = failure.isEmpty() ? check(m, *limits, decoded, refused) : QString();
                    if (!why.isEmpty())
                        failure =
                            s("%1 (mutant %2, limits %3)")
                                .arg(why, QString::fromLatin1(m.toHex()), s(limits == &wide ? "default" : "tight"));
                }
            },
            cborPlan());
        for (int k = 0; k < 3000; ++k, ++mutants) { // and plain noise, CBOR-heavy
            QRandomGenerator rng{quint32(k)};
            QByteArray noise(int(rng.bounded(64)), '\0');
            for (char &c : noise)
                c = char(rng.bounded(3) == 0 ? rng.bounded(256) : 0x60 + rng.bounded(0x60));
            noise.prepend(char(0xa1 + rng.bounded(4)));
            const QString why = failure.isEmpty() ? check(noise, wide, decoded, refused) : QString();
            if (!why.isEmpty())
                failure = why + s(" (noise %1)").arg(QString::fromLatin1(noise.toHex()));
        }
        qInfo("%s: %d bytes, %d mutants: %d refused, %d decoded, in %lld ms", qPrintable(sample), int(original.size()),
              mutants, refused, decoded, qint64(timer.elapsed()));
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QVERIFY(mutants > 10000);
        QVERIFY(refused > 0 && decoded > 100); // both branches, not only the original
        QCOMPARE(original, snapshot);
        QCOMPARE(encodeFrame(frames.at(sample)), original);
    }
};

QTEST_GUILESS_MAIN(TestFrameCodec)
#include "tst_frame_codec.moc"
