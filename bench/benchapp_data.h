// AppData: bench_app's world, made through the real server and engine: alice's profile with
// `rooms` rooms (one message each) and a big room of n messages already synced into the
// profile's cache, and `live` more messages of the same author chain kept back to be sent
// later from alice's second device while the app shows the room.
#pragma once

#include "client/session.h"
#include "kegupload.h"
#include "serverprocess.h"

#include <memory>
#include <vector>

namespace tavern::bench {

class AppData
{
public:
    explicit AppData(const QString &dir);
    ~AppData();

    [[nodiscard]] bool build(int rooms, int n, int live);
    // Opens alice's second device (and lets it sync), then sendLive() uploads the kept-back
    // messages from it: only the upload is timed.
    [[nodiscard]] bool openSecondDevice();
    [[nodiscard]] bool sendLive();

    [[nodiscard]] QString profile() const { return m_profile; }
    [[nodiscard]] QUrl serverUrl() const;
    [[nodiscard]] QString bigRoomHex() const { return client::hex(m_bigRoom); }
    [[nodiscard]] QString error() const { return m_error; }

private:
    bool fail(const QString &why);

    QString m_dir, m_profile, m_second;
    std::unique_ptr<test::ServerProcess> m_server;
    QString m_secret;
    QByteArray m_bigRoom;
    std::vector<QByteArray> m_live; // encoded kegs
    std::unique_ptr<client::Session> m_secondDevice;
    QString m_error;
};

} // namespace tavern::bench
