#include "ops.h"

#include "keg/canonical.h"

namespace tavern::protocol {

QByteArray signupMessage(const QString &username, QByteArrayView signKey, QByteArrayView boxKey)
{
    keg::Writer w(128);
    w.text(username);
    w.fixed(signKey);
    w.fixed(boxKey);
    return w.take();
}

QByteArray authMessage(QByteArrayView nonce, const QString &username)
{
    keg::Writer w(80);
    w.fixed(nonce);
    w.text(username);
    return w.take();
}

} // namespace tavern::protocol
