#include "testclient.h"

#include "crypto/contexts.h"
#include "crypto/sign.h"
#include "protocol/ops.h"

#include <QTest>

namespace tavern::test {

using protocol::Frame;

TestClient::TestClient(QUrl url, QObject *parent) : QObject(parent), m_url(std::move(url))
{
    m_socket.setMaxAllowedIncomingMessageSize(64 * 1024 * 1024);
    connect(&m_socket, &QWebSocket::binaryMessageReceived, this, &TestClient::onBinary);
    // Qt 6.4 names the signal error(); errorOccurred() arrives in 6.5.
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) { m_error = m_socket.errorString(); });
    connect(&m_socket, &QWebSocket::sslErrors, this,
            [this](const QList<QSslError> &errors) { m_error = errors.value(0).errorString(); });
}

TestClient::~TestClient()
{
    m_socket.abort();
}

bool TestClient::open(int timeoutMs)
{
    m_error.clear();
    m_socket.open(m_url);
    (void)QTest::qWaitFor([&] { return connected() || !m_error.isEmpty(); }, timeoutMs);
    return connected();
}

void TestClient::close()
{
    m_socket.close();
}

bool TestClient::connected() const
{
    return m_socket.state() == QAbstractSocket::ConnectedState;
}

bool TestClient::waitDisconnected(int timeoutMs)
{
    return QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
}

void TestClient::onBinary(const QByteArray &message)
{
    auto f = protocol::decodeFrame(message, {16, 1000000, 64 * 1024 * 1024});
    if (f)
        m_frames.append(*f);
    else
        m_undecodable.append(message);
}

quint64 TestClient::send(const QString &op, const QCborMap &body)
{
    const quint64 id = m_nextId++;
    m_socket.sendBinaryMessage(protocol::encodeFrame(Frame::request(id, op, body)));
    return id;
}

Frame TestClient::wait(quint64 id, int timeoutMs)
{
    const auto find = [&]() -> qsizetype {
        for (qsizetype i = 0; i < m_frames.size(); ++i) {
            const Frame &f = m_frames[i];
            if (f.id == id && (f.type == protocol::FrameType::Response || f.type == protocol::FrameType::Error))
                return i;
        }
        return -1;
    };
    if (!QTest::qWaitFor([&] { return find() >= 0; }, timeoutMs))
        return Frame::error(id, QString(), protocol::ErrorCode::None, QStringLiteral("timeout"));
    return m_frames.takeAt(find());
}

Frame TestClient::request(const QString &op, const QCborMap &body, int timeoutMs)
{
    return wait(send(op, body), timeoutMs);
}

void TestClient::sendRaw(const QByteArray &bytes)
{
    m_socket.sendBinaryMessage(bytes);
}

void TestClient::sendText(const QString &text)
{
    m_socket.sendTextMessage(text);
}

bool TestClient::waitForFrames(int count, int timeoutMs)
{
    return QTest::qWaitFor([&] { return m_frames.size() >= count; }, timeoutMs);
}

QList<Frame> TestClient::pushes(const QString &op) const
{
    QList<Frame> out;
    for (const Frame &f : m_frames) {
        if (f.type == protocol::FrameType::Push && f.op == op)
            out.append(f);
    }
    return out;
}

bool TestClient::waitForPush(const QString &op, int count, int timeoutMs)
{
    return QTest::qWaitFor([&] { return pushes(op).size() >= count; }, timeoutMs);
}

Frame TestClient::signup(const crypto::Identity &id)
{
    QCborMap body;
    body.insert(QStringLiteral("username"), id.username);
    body.insert(QStringLiteral("signKey"), id.signing.publicKey);
    body.insert(QStringLiteral("boxKey"), id.box.publicKey);
    body.insert(QStringLiteral("sig"),
                crypto::sign(id.signing, crypto::ctx::SignupSig,
                             protocol::signupMessage(id.username, id.signing.publicKey, id.box.publicKey)));
    return request(protocol::op::Signup, body);
}

Frame TestClient::login(const crypto::Identity &id)
{
    QCborMap ask;
    ask.insert(QStringLiteral("username"), id.username);
    const Frame ch = request(protocol::op::Challenge, ask);
    if (ch.type != protocol::FrameType::Response)
        return ch;
    const QByteArray nonce = ch.body.value(QStringLiteral("nonce")).toByteArray();
    QCborMap body;
    body.insert(QStringLiteral("username"), id.username);
    body.insert(QStringLiteral("nonce"), nonce);
    body.insert(QStringLiteral("sig"),
                crypto::sign(id.signing, crypto::ctx::AuthChallengeSig, protocol::authMessage(nonce, id.username)));
    return request(protocol::op::Auth, body);
}

} // namespace tavern::test
