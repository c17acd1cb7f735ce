// Typed access to a frame body. Each getter refuses a missing field or a wrong type with
// ErrorCode::BadRequest and a message naming the field, so handlers never guess.
#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QCborArray>
#include <QCborMap>
#include <QString>

namespace tavern::protocol {

[[nodiscard]] Result<QByteArray> bytesField(const QCborMap &body, const QString &key, qsizetype minSize,
                                            qsizetype maxSize);
[[nodiscard]] Result<QString> textField(const QCborMap &body, const QString &key, qsizetype maxSize);
// Missing gives fallback; present must be an unsigned integer <= max.
[[nodiscard]] Result<quint64> uintField(const QCborMap &body, const QString &key, quint64 fallback, quint64 max);
[[nodiscard]] Result<quint64> requiredUintField(const QCborMap &body, const QString &key, quint64 max);
// An array of byte strings, each minSize..maxSize, at most maxCount of them.
[[nodiscard]] Result<QList<QByteArray>> bytesListField(const QCborMap &body, const QString &key, qsizetype maxCount,
                                                       qsizetype minSize, qsizetype maxSize);
// The size rules of bytesField and bytesListField, for values read some other way
// (Frame::kegPut), with the same messages.
[[nodiscard]] Result<QByteArray> checkBytes(const QString &key, QByteArray b, qsizetype minSize, qsizetype maxSize);
[[nodiscard]] Result<QList<QByteArray>> checkBytesList(const QString &key, QList<QByteArray> list, qsizetype maxCount,
                                                       qsizetype minSize, qsizetype maxSize);

} // namespace tavern::protocol
