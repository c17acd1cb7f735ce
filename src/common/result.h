// Result<T>: a value or an error, returned by everything that can fail.
// std::expected needs C++23 and is missing from clang-14's libstdc++ (stack-facts.md).
#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace tavern {

// An error: a stable machine code (an enum of the module that failed, as int) and a
// sentence for people that says what happened.
struct Error
{
    int code = 0;
    QString message;
};

template <typename T> class [[nodiscard]] Result
{
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }

    const Error &error() const { return std::get<1>(m_v); }
    int code() const { return ok() ? 0 : error().code; }

private:
    std::variant<T, Error> m_v;
};

// For operations that return nothing but can fail.
struct Ok
{};
using Status = Result<Ok>;

template <typename E> Error makeError(E code, QString message)
{
    return Error{static_cast<int>(code), std::move(message)};
}

} // namespace tavern
