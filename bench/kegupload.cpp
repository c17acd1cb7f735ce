#include "kegupload.h"

#include <QCborArray>
#include <QEventLoop>

#include <functional>

namespace tavern::bench {

bool uploadKegs(client::Session &s, const QByteArray &dbId, const std::vector<QByteArray> &kegs, QString *why)
{
    constexpr int Batch = 100, Window = 8;
    std::size_t next = 0, acked = 0;
    int inFlight = 0;
    bool failed = false;
    QEventLoop loop;
    std::function<void()> pump = [&] {
        while (inFlight < Window && next < kegs.size() && !failed) {
            QCborArray batch;
            for (int i = 0; i < Batch && next < kegs.size(); ++i)
                batch.append(kegs[next++]);
            QCborMap body;
            body.insert(QStringLiteral("dbId"), dbId);
            body.insert(QStringLiteral("kegs"), batch);
            ++inFlight;
            const auto count = std::size_t(batch.size());
            s.connection().request(QStringLiteral("keg.put"), body, [&, count](Result<QCborMap> r) {
                --inFlight;
                if (!r) {
                    *why = r.error().message;
                    failed = true;
                }
                acked += count;
                if (acked == kegs.size() || failed)
                    loop.quit();
                else
                    pump();
            });
        }
    };
    if (kegs.empty())
        return true;
    pump();
    loop.exec();
    return !failed;
}

} // namespace tavern::bench
