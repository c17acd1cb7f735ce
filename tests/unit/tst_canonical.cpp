// Unit tests for the canonical encoding (src/keg/canonical): exact byte layout, round
// trips, and every DecodeError the Reader can produce, with the first error sticking.
#include "common/username.h"
#include "keg/canonical.h"

#include <QSet>
#include <QTest>

using namespace tavern::keg;

Q_DECLARE_METATYPE(tavern::keg::DecodeError)

namespace {

// A record using every Writer primitive; the Reader below walks the same layout.
QByteArray sampleRecord()
{
    Writer w;
    w.u8(0xAB);
    w.boolean(true);
    w.boolean(false);
    w.u32(0xDEADBEEF);
    w.u64(0x0102030405060708ULL);
    w.fixed("FIXED");
    w.bytes(QByteArray("\x00\x01\x02", 3));
    w.text(QStringLiteral("h\u00e9llo \u20ac"));
    w.bytes("alice"); // read back as a username
    w.u32(2);         // a count, then two u32 elements
    w.u32(7);
    w.u32(9);
    w.u8(3); // an enum below 4
    return w.take();
}

struct Sample
{
    quint8 a = 0;
    bool t = false, f = true;
    quint32 b = 0;
    quint64 c = 0;
    QByteArrayView fixed, bytes, text, name;
    quint32 count = 0, e1 = 0, e2 = 0;
    quint8 en = 0;
};

// Reads the layout of sampleRecord() without asserting, so prefixes can be walked too.
Sample readSample(Reader &r)
{
    Sample s;
    s.a = r.u8();
    s.t = r.boolean();
    s.f = r.boolean();
    s.b = r.u32();
    s.c = r.u64();
    s.fixed = r.fixed(5);
    s.bytes = r.bytes(3);
    s.text = r.text(100);
    s.name = r.username();
    s.count = r.count(10, 4);
    s.e1 = r.u32();
    s.e2 = r.u32();
    s.en = r.enumValue(4);
    return s;
}

QByteArray lengthPrefixed(const QByteArray &body)
{
    Writer w;
    w.bytes(body);
    return w.take();
}

} // namespace

class TestCanonical : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writerLayoutIsBigEndianWithU32Lengths()
    {
        Writer w;
        w.u8(0x7F);
        w.boolean(true);
        w.boolean(false);
        w.u32(0x01020304);
        w.u64(0x1122334455667788ULL);
        w.bytes("ab");
        w.text(QStringLiteral("\u00e9"));
        w.fixed("xyz");
        w.bytes({});
        QCOMPARE(w.data().toHex(), QByteArray("7f0100"
                                              "01020304"
                                              "1122334455667788"
                                              "000000026162"
                                              "00000002c3a9"
                                              "78797a"
                                              "00000000"));
        QCOMPARE(w.size(), w.data().size());
        const QByteArray taken = w.take();
        QCOMPARE(taken.size(), 34);
    }

    void roundTrip()
    {
        const QByteArray rec = sampleRecord();
        Reader r(rec);
        const Sample v = readSample(r);
        r.finish();
        QVERIFY(r.ok());
        QCOMPARE(r.error(), DecodeError::None);
        QCOMPARE(v.a, quint8(0xAB));
        QCOMPARE(v.t, true);
        QCOMPARE(v.f, false);
        QCOMPARE(v.b, 0xDEADBEEFu);
        QCOMPARE(v.c, 0x0102030405060708ULL);
        QCOMPARE(v.fixed, QByteArrayView("FIXED"));
        QCOMPARE(v.bytes, QByteArrayView("\x00\x01\x02", 3));
        QCOMPARE(QString::fromUtf8(v.text), QStringLiteral("h\u00e9llo \u20ac"));
        QCOMPARE(v.name, QByteArrayView("alice"));
        QCOMPARE(v.count, 2u);
        QCOMPARE(v.e1, 7u);
        QCOMPARE(v.e2, 9u);
        QCOMPARE(v.en, quint8(3));
        QCOMPARE(r.position(), rec.size());
        QCOMPARE(r.remaining(), 0);
        // Extremes of each width survive.
        Writer w;
        w.u32(0);
        w.u32(0xFFFFFFFFu);
        w.u64(0);
        w.u64(~0ULL);
        Reader e(w.data());
        QCOMPARE(e.u32(), 0u);
        QCOMPARE(e.u32(), 0xFFFFFFFFu);
        QCOMPARE(e.u64(), 0ULL);
        QCOMPARE(e.u64(), ~0ULL);
        e.finish();
        QVERIFY(e.ok());
    }

    void everyPrefixIsTruncated()
    {
        const QByteArray rec = sampleRecord();
        for (qsizetype len = 0; len < rec.size(); ++len) {
            const QByteArray cut = rec.left(len);
            Reader r(cut);
            const Sample v = readSample(r);
            r.finish();
            QVERIFY2(!r.ok(), qPrintable(QString::number(len)));
            QCOMPARE(r.error(), DecodeError::Truncated);
            QVERIFY(r.position() <= len);
            QCOMPARE(v.en, quint8(0)); // reads after the failure give empty values
        }
    }

    void trailingBytes()
    {
        const QByteArray rec = sampleRecord() + '\0';
        Reader r(rec);
        (void)readSample(r);
        QVERIFY(r.ok());
        r.finish();
        QCOMPARE(r.error(), DecodeError::TrailingBytes);
        Reader empty(QByteArrayView{});
        empty.finish();
        QVERIFY(empty.ok());
    }

    void lengthAboveLimitIsTooLarge()
    {
        const QByteArray rec = lengthPrefixed("0123456789");
        Reader exact(rec);
        QCOMPARE(exact.bytes(10), QByteArrayView("0123456789"));
        QVERIFY(exact.ok());
        Reader over(rec);
        QVERIFY(over.bytes(9).isEmpty());
        QCOMPARE(over.error(), DecodeError::TooLarge); // refused although the bytes are present
        Reader text(rec);
        QVERIFY(text.text(9).isEmpty());
        QCOMPARE(text.error(), DecodeError::TooLarge);
        // A length beyond the input, within the limit, is Truncated.
        Reader cut(rec.chopped(1));
        QVERIFY(cut.bytes(100).isEmpty());
        QCOMPARE(cut.error(), DecodeError::Truncated);
        // A maximal u32 length with a small limit never tries to read 4 GiB.
        Reader huge(QByteArray::fromHex("ffffffff00"));
        QVERIFY(huge.bytes(1 << 20).isEmpty());
        QCOMPARE(huge.error(), DecodeError::TooLarge);
        // Fixed fields of negative or excessive size.
        Reader neg("abc");
        QVERIFY(neg.fixed(-1).isEmpty());
        QCOMPARE(neg.error(), DecodeError::Truncated);
    }

    void nonCanonicalBoolAndEnum()
    {
        for (char v : {'\x02', '\x7f', '\xff'}) {
            Reader r(QByteArray(1, v));
            QCOMPARE(r.boolean(), false);
            QCOMPARE(r.error(), DecodeError::NonCanonical);
        }
        Reader t("\x01");
        QCOMPARE(t.boolean(), true);
        QVERIFY(t.ok());
        Reader inRange("\x04");
        QCOMPARE(inRange.enumValue(5), quint8(4));
        QVERIFY(inRange.ok());
        Reader atLimit("\x05");
        QCOMPARE(atLimit.enumValue(5), quint8(0));
        QCOMPARE(atLimit.error(), DecodeError::NonCanonical);
        Reader high("\xff");
        QCOMPARE(high.enumValue(5), quint8(0));
        QCOMPARE(high.error(), DecodeError::NonCanonical);
        Reader none(QByteArrayView{});
        QCOMPARE(none.enumValue(5), quint8(0));
        QCOMPARE(none.error(), DecodeError::Truncated);
    }

    void utf8_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("valid");
        QTest::newRow("empty") << QByteArray() << true;
        QTest::newRow("ascii") << QByteArray("plain text") << true;
        QTest::newRow("nul inside") << QByteArray("a\0b", 3) << true;
        QTest::newRow("U+0080") << QByteArray("\xc2\x80") << true;
        QTest::newRow("U+07FF") << QByteArray("\xdf\xbf") << true;
        QTest::newRow("U+0800") << QByteArray("\xe0\xa0\x80") << true;
        QTest::newRow("U+D7FF") << QByteArray("\xed\x9f\xbf") << true;
        QTest::newRow("U+E000") << QByteArray("\xee\x80\x80") << true;
        QTest::newRow("U+FFFF") << QByteArray("\xef\xbf\xbf") << true;
        QTest::newRow("U+10000") << QByteArray("\xf0\x90\x80\x80") << true;
        QTest::newRow("U+10FFFF") << QByteArray("\xf4\x8f\xbf\xbf") << true;
        QTest::newRow("euro sign") << QByteArray("\xe2\x82\xac") << true;
        QTest::newRow("overlong 2 (C0 AF)") << QByteArray("\xc0\xaf") << false;
        QTest::newRow("overlong 2 (C1 BF)") << QByteArray("\xc1\xbf") << false;
        QTest::newRow("overlong NUL") << QByteArray("\xc0\x80") << false;
        QTest::newRow("overlong 3") << QByteArray("\xe0\x80\xaf") << false;
        QTest::newRow("overlong 3 max") << QByteArray("\xe0\x9f\xbf") << false;
        QTest::newRow("overlong 4") << QByteArray("\xf0\x80\x80\xaf") << false;
        QTest::newRow("overlong 4 max") << QByteArray("\xf0\x8f\xbf\xbf") << false;
        QTest::newRow("surrogate D800") << QByteArray("\xed\xa0\x80") << false;
        QTest::newRow("surrogate DBFF") << QByteArray("\xed\xaf\xbf") << false;
        QTest::newRow("surrogate DC00") << QByteArray("\xed\xb0\x80") << false;
        QTest::newRow("surrogate DFFF") << QByteArray("\xed\xbf\xbf") << false;
        QTest::newRow("U+110000") << QByteArray("\xf4\x90\x80\x80") << false;
        QTest::newRow("F5 lead") << QByteArray("\xf5\x80\x80\x80") << false;
        QTest::newRow("F7 lead") << QByteArray("\xf7\xbf\xbf\xbf") << false;
        QTest::newRow("5-byte form") << QByteArray("\xf8\x88\x80\x80\x80") << false;
        QTest::newRow("FF") << QByteArray("a\xff") << false;
        QTest::newRow("lone continuation") << QByteArray("\x80") << false;
        QTest::newRow("cut 2-byte") << QByteArray("ab\xc3") << false;
        QTest::newRow("cut 3-byte") << QByteArray("\xe2\x82") << false;
        QTest::newRow("cut 4-byte") << QByteArray("\xf0\x90\x80") << false;
        QTest::newRow("bad continuation") << QByteArray("\xe2\x28\xa1") << false;
        QTest::newRow("ascii as continuation") << QByteArray("\xc3\x41") << false;
    }

    void utf8()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, valid);
        QCOMPARE(isValidUtf8(bytes), valid);
        const QByteArray rec = lengthPrefixed(bytes);
        Reader r(rec);
        const QByteArrayView v = r.text(64);
        QCOMPARE(r.ok(), valid);
        QCOMPARE(r.error(), valid ? DecodeError::None : DecodeError::BadText);
        QCOMPARE(v, valid ? QByteArrayView(bytes) : QByteArrayView());
    }

    void usernameField_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<DecodeError>("error");
        QTest::newRow("valid") << QByteArray("alice") << DecodeError::None;
        QTest::newRow("32 chars") << QByteArray(32, 'a') << DecodeError::None;
        QTest::newRow("upper case") << QByteArray("Alice") << DecodeError::BadUsername;
        QTest::newRow("digit first") << QByteArray("1alice") << DecodeError::BadUsername;
        QTest::newRow("too short") << QByteArray("ab") << DecodeError::BadUsername;
        QTest::newRow("empty") << QByteArray() << DecodeError::BadUsername;
        QTest::newRow("space") << QByteArray("al ice") << DecodeError::BadUsername;
        QTest::newRow("non-ascii") << QByteArray("j\xc3\xb6rg") << DecodeError::BadUsername;
        QTest::newRow("33 chars") << QByteArray(33, 'a') << DecodeError::TooLarge;
    }

    void usernameField()
    {
        QFETCH(QByteArray, name);
        QFETCH(DecodeError, error);
        const QByteArray rec = lengthPrefixed(name);
        Reader r(rec);
        const QByteArrayView v = r.username();
        QCOMPARE(r.error(), error);
        QCOMPARE(v, error == DecodeError::None ? QByteArrayView(name) : QByteArrayView());
        QCOMPARE(error == DecodeError::None, tavern::isCanonicalUsername(name));
    }

    void countBoundsMemory()
    {
        // 0xFFFFFFFF elements announced, 3 bytes present: refused before anyone allocates.
        Reader huge(QByteArray::fromHex("ffffffff") + "abc");
        QCOMPARE(huge.count(0xFFFFFFFFu, 1), 0u);
        QCOMPARE(huge.error(), DecodeError::Truncated);
        // Above the caller's limit: TooLarge, whatever follows.
        Writer w;
        w.u32(11);
        w.fixed(QByteArray(11 * 8, 'x'));
        Reader over(w.data());
        QCOMPARE(over.count(10, 8), 0u);
        QCOMPARE(over.error(), DecodeError::TooLarge);
        Reader fits(w.data());
        QCOMPARE(fits.count(11, 8), 11u);
        QVERIFY(fits.ok());
        Reader tooFew(w.data());
        QCOMPARE(tooFew.count(11, 9), 0u); // 11 x 9 bytes do not fit in 88
        QCOMPARE(tooFew.error(), DecodeError::Truncated);
        // A zero minimum element size still counts each element as at least one byte.
        Reader zero(QByteArray::fromHex("00000005") + "abcd");
        QCOMPARE(zero.count(100, 0), 0u);
        QCOMPARE(zero.error(), DecodeError::Truncated);
        Reader empty(QByteArray::fromHex("00000000"));
        QCOMPARE(empty.count(0, 100), 0u);
        QVERIFY(empty.ok());
    }

    void firstErrorSticks()
    {
        const QByteArray rec = QByteArray("\x02") + QByteArray::fromHex("0000000568656c6c6f");
        Reader r(rec);
        QCOMPARE(r.boolean(), false);
        QCOMPARE(r.error(), DecodeError::NonCanonical);
        const qsizetype pos = r.position();
        // Later reads return empty values and do not advance or change the error.
        QVERIFY(r.bytes(100).isEmpty());
        QCOMPARE(r.u32(), 0u);
        QCOMPARE(r.u64(), 0ULL);
        QCOMPARE(r.u8(), quint8(0));
        QVERIFY(r.fixed(1).isEmpty());
        QVERIFY(r.text(10).isEmpty());
        QVERIFY(r.username().isEmpty());
        QCOMPARE(r.count(10, 1), 0u);
        QCOMPARE(r.enumValue(3), quint8(0));
        r.fail(DecodeError::Unordered);
        r.finish();
        QCOMPARE(r.error(), DecodeError::NonCanonical);
        QCOMPARE(r.position(), pos);
        QVERIFY(!r.ok());
        // fail() records the first error given by a caller, e.g. an unordered list.
        Reader c(rec);
        c.fail(DecodeError::Unordered);
        c.fail(DecodeError::UnknownFormat);
        QCOMPARE(c.error(), DecodeError::Unordered);
        QCOMPARE(c.u8(), quint8(0));
        QCOMPARE(c.position(), 0);
    }

    void describeEveryError()
    {
        QSet<QString> texts;
        for (int e = int(DecodeError::None); e <= int(DecodeError::UnknownFormat); ++e) {
            const QString t = describe(DecodeError(e));
            QVERIFY(!t.isEmpty());
            texts.insert(t);
        }
        QCOMPARE(texts.size(), int(DecodeError::UnknownFormat) + 1);
    }
};

QTEST_GUILESS_MAIN(TestCanonical)
#include "tst_canonical.moc"
