#include "username.h"

namespace tavern {

namespace {
bool allowedChar(char c, bool first)
{
    if (c >= 'a' && c <= 'z')
        return true;
    if (first)
        return false;
    return (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}
} // namespace

bool isCanonicalUsername(QByteArrayView utf8)
{
    if (utf8.size() < UsernameMinLength || utf8.size() > UsernameMaxLength)
        return false;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        if (!allowedChar(utf8[i], i == 0))
            return false;
    }
    return true;
}

Result<QString> normalizeUsername(const QString &input)
{
    const QString s = input.trimmed().toLower();
    if (s.size() < UsernameMinLength || s.size() > UsernameMaxLength)
        return Error{
            1, QStringLiteral("A username has %1 to %2 characters.").arg(UsernameMinLength).arg(UsernameMaxLength)};
    if (!isCanonicalUsername(s.toUtf8()))
        return Error{2, QStringLiteral("A username starts with a letter and uses only a-z, 0-9, "
                                       "'.', '_' and '-'.")};
    return s;
}

} // namespace tavern
