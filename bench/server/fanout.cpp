// bench_server, parts 2 and 3: fan-out to the members of a room (against a bare Qt relay) and
// the unloaded delivery latency of a DM (against the same relay, plus one SQLite commit).
#include "baseline.h"

#include "keg/bootkegbuilder.h"
#include "keg/keg.h"

namespace benchsrv {

FanoutResult runFanout(Run &run)
{
    const Options &o = run.o;
    test::ServerProcess &server = *run.server;
    auto &users = run.users;
    const pid_t serverPid = run.serverPid;
    const QUrl &url = run.url;
    const int people = int(users.size());
    FanoutResult res;
    // A room of M joined members with the real boot keg: user000 creates it, invites the
    // others in one version, each invitee signs its own acceptance.
    const int M = std::min(o.members, people);
    QByteArray roomId;
    crypto::SecureBytes roomKey;
    {
        keg::BuiltVersion g = keg::createRoom(users[0].id, {QStringLiteral("bench"), {}, keg::HistoryPolicy::Shared});
        QCborMap create;
        create.insert(QStringLiteral("genesis"), g.version.encode());
        users[0].conn->expectOk(op::RoomCreate, create);
        keg::SignedBootKeg head = g.version;
        roomId = QByteArray(head.roomId().constData(), head.roomId().size());
        keg::RoomKeys adminKeys;
        roomKey = g.newKey.clone();
        adminKeys.insert(0, std::move(g.newKey));
        const auto publish = [&](Client &c, const crypto::Identity &me, const keg::RoomKeys &keys,
                                 const std::function<void(keg::BootKegBuilder &)> &change) {
            keg::BootKegBuilder b(head, me, keys);
            change(b);
            auto built = b.build();
            if (!built)
                die(QStringLiteral("boot keg: %1").arg(built.error().message));
            QCborMap body = dbBody(roomId);
            body.insert(QStringLiteral("version"), built->version.encode());
            c.expectOk(op::BootKegPut, body);
            head = built->version;
        };
        publish(*users[0].conn, users[0].id, adminKeys, [&](keg::BootKegBuilder &b) {
            for (int i = 1; i < M; ++i) {
                const auto &id = users[std::size_t(i)].id;
                if (!b.invite({id.username, id.signing.publicKey, id.box.publicKey}, keg::Role::Member,
                              keg::HistoryPolicy::Shared))
                    die(QStringLiteral("invite refused"));
            }
        });
        for (int i = 1; i < M; ++i) {
            // The invitee opens its own seal of the room key, as a real client does.
            auto key = keg::openCurrentKey(head, users[std::size_t(i)].id);
            if (!key)
                die(QStringLiteral("invitee cannot open its key: %1").arg(key.error().message));
            keg::RoomKeys mine;
            mine.insert(0, std::move(key).value());
            publish(*users[std::size_t(i)].conn, users[std::size_t(i)].id, mine, [](keg::BootKegBuilder &b) {
                if (!b.acceptInvitation())
                    die(QStringLiteral("accept refused"));
            });
        }
    }
    // The poster is a second device of user000: all M members' first devices receive.
    Client poster(url);
    if (!poster.open())
        die(QStringLiteral("poster cannot connect"));
    poster.login(users[0].id);
    spin(50); // let the membership pushes drain
    {
        const QCborArray dbs = poster.expectOk(op::DbList).body.value(QStringLiteral("dbs")).toArray();
        bool listed = false;
        for (const auto &d : dbs)
            listed = listed || d.toMap().value(QStringLiteral("dbId")).toByteArray() == roomId;
        if (!listed)
            die(QStringLiteral("room not listed"));
    }

    QByteArray samplePush;
    RelayThread relayThread;
    for (int round = 0; round < o.rounds && !(round > 0 && run.overBudget()); ++round) {
        std::vector<SealJob> jobs(std::size_t(o.posts), SealJob{&users[0].id, roomId, &roomKey});
        const std::vector<QByteArray> sealed = sealMany(jobs, run.plaintext);
        Stream s;
        s.client = &poster;
        quint64 id = poster.reserveIds(quint64(o.posts));
        for (const QByteArray &k : sealed)
            s.frames.push_back(putFrame(id++, roomId, QCborArray{k}));
        const QByteArray relayMsg = samplePush.isEmpty() ? s.frames.front() : samplePush;

        qint64 delivered = 0, expected = qint64(o.posts) * M;
        Clock::time_point last;
        for (int i = 0; i < M; ++i) {
            users[std::size_t(i)].conn->hook = [&, i](const QByteArray &m) {
                ++delivered;
                last = Clock::now();
                if (samplePush.isEmpty() && i == 0)
                    samplePush = m;
            };
        }
        const qsizetype logFrom = server.logs().size();
        const double cpu0 = processCpu(serverPid), me0 = threadCpu();
        const auto t0 = Clock::now();
        std::vector<Stream> one{std::move(s)};
        (void)runStreams(one, o.fanoutWindow, 60000);
        if (!runUntil([&] { return delivered >= expected; }, 30000))
            die(QStringLiteral("fan-out: %1 of %2 pushes arrived").arg(delivered).arg(expected));
        const double secs = std::chrono::duration<double>(last - t0).count();
        const double serverCpu = processCpu(serverPid) - cpu0, clientCpu = threadCpu() - me0;
        spin(20);
        if (delivered != expected)
            die(QStringLiteral("fan-out: %1 pushes, expected %2").arg(delivered).arg(expected));
        for (int i = 0; i < M; ++i)
            users[std::size_t(i)].conn->hook = nullptr;
        {
            auto f = protocol::decodeFrame(samplePush, {16, 1000000, 64 * 1024 * 1024});
            if (!f || f->type != FrameType::Push || f->op != protocol::push::Keg)
                die(QStringLiteral("fan-out: what arrived is not a keg push"));
        }
        const CommitStats cs = commitsIn(server.logs().mid(logFrom));
        res.fanout.push_back(double(expected) / secs);
        addStats(res.commits, cs);
        res.serverCpu += serverCpu;
        res.clientCpu += clientCpu;
        res.secs += secs;
        res.deliveries += double(expected);

        // The bare relay: M receivers, one sender, the same bytes as a real keg push, the
        // same window.
        const QUrl relayUrl = relayThread.start();
        std::vector<std::unique_ptr<RawClient>> receivers;
        for (int i = 0; i < M; ++i)
            receivers.push_back(std::make_unique<RawClient>(relayUrl));
        if (!runUntil(
                [&] { return std::all_of(receivers.begin(), receivers.end(), [](auto &r) { return r->connected(); }); },
                10000))
            die(QStringLiteral("relay receivers did not connect"));
        RawClient sender(relayUrl);
        if (!runUntil([&] { return sender.connected() && relayThread.peers() == M + 1; }, 10000))
            die(QStringLiteral("relay sender did not connect"));
        qint64 sent = 0;
        sender.hook = [&](const QByteArray &) {
            if (sent < o.posts) {
                sender.sendBytes(relayMsg);
                ++sent;
            }
        };
        const auto r0 = Clock::now();
        for (; sent < std::min(o.posts, o.fanoutWindow); ++sent)
            sender.sendBytes(relayMsg);
        const auto receivedAll = [&] {
            qint64 n = 0;
            for (auto &r : receivers)
                n += r->received;
            return n;
        };
        if (!runUntil([&] { return receivedAll() >= expected && sender.received >= o.posts; }, 30000))
            die(QStringLiteral("relay: %1 of %2 messages").arg(receivedAll()).arg(expected));
        Clock::time_point rlast = r0;
        for (auto &r : receivers)
            rlast = std::max(rlast, r->lastAt);
        res.relay.push_back(double(expected) / std::chrono::duration<double>(rlast - r0).count());
        receivers.clear();
        relayThread.stop();
    }

    res.members = M;
    res.pushBytes = samplePush.size();
    return res;
}

LatencyResult runLatency(Run &run)
{
    const Options &o = run.o;
    auto &users = run.users;
    LatencyResult res;
    // user001 -> user002 in their DM, one keg at a time: send -> the receiver's keg push.
    Client &sender = *users[1].conn, &receiver = *users[2].conn;
    QByteArray dm;
    {
        QCborMap body;
        body.insert(QStringLiteral("peer"), users[2].id.username);
        dm = sender.expectOk(op::DmCreate, body).body.value(QStringLiteral("dbId")).toByteArray();
    }
    std::vector<double> &lat = res.lat, &rawLat = res.rawLat, &commitLat = res.commitLat;
    RelayThread relayThread;
    RawSqlite raw(run.server->tempPath(QStringLiteral("raw-latency.sqlite")), false);
    const int perRound = std::max(1, o.latencySamples / o.rounds);
    for (int round = 0; round < o.rounds && !(round > 0 && run.overBudget()); ++round) {
        std::vector<SealJob> jobs(std::size_t(perRound), SealJob{&users[1].id, dm, &run.personalKey});
        const std::vector<QByteArray> sealed = sealMany(jobs, run.plaintext);
        quint64 id = sender.reserveIds(quint64(perRound));
        bool pushed = false, answered = false, ok = true;
        Clock::time_point pushAt;
        receiver.hook = [&](const QByteArray &) {
            pushed = true;
            pushAt = Clock::now();
        };
        sender.hook = [&](const QByteArray &m) {
            answered = true;
            ok = ok && answerOf(m).first;
        };
        for (int i = 0; i < perRound; ++i) {
            pushed = answered = false;
            const QByteArray frame = putFrame(id++, dm, QCborArray{sealed[std::size_t(i)]});
            const auto t0 = Clock::now();
            sender.sendBytes(frame);
            if (!runUntil([&] { return pushed && answered; }, 5000) || !ok)
                die(QStringLiteral("latency: send %1 not delivered").arg(i));
            lat.push_back(std::chrono::duration<double, std::milli>(pushAt - t0).count());
        }
        receiver.hook = sender.hook = nullptr;

        // Raw: the same path through the bare relay (sender -> relay -> receiver).
        const QUrl relayUrl = relayThread.start();
        RawClient rs(relayUrl), rr(relayUrl);
        if (!runUntil([&] { return rs.connected() && rr.connected() && relayThread.peers() == 2; }, 10000))
            die(QStringLiteral("relay latency clients did not connect"));
        const QByteArray msg = putFrame(1, dm, QCborArray{sealed[0]});
        for (int i = 0; i < perRound; ++i) {
            const qint64 r0 = rr.received, s0 = rs.received;
            const auto t0 = Clock::now();
            rs.sendBytes(msg);
            if (!runUntil([&] { return rr.received > r0 && rs.received > s0; }, 5000))
                die(QStringLiteral("relay latency: message lost"));
            rawLat.push_back(std::chrono::duration<double, std::milli>(rr.lastAt - t0).count());
        }
        relayThread.stop();

        // Context: the durability floor, one SQLite commit of a row of the same size.
        const Row row{dm, {}, users[1].id.username.toUtf8(), sealed[0]};
        for (int i = 0; i < perRound; ++i)
            commitLat.push_back(raw.commitOne(row));
    }

    return res;
}

} // namespace benchsrv
