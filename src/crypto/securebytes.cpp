#include "securebytes.h"

#include "sodium.h"

#include <sodium.h>

#include <cstring>
#include <new>
#include <utility>

namespace tavern::crypto {

SecureBytes::SecureBytes(std::size_t size)
{
    if (size == 0)
        return;
    if (!ensureSodium())
        throw std::bad_alloc();
    m_data = static_cast<unsigned char *>(sodium_malloc(size));
    if (!m_data)
        throw std::bad_alloc(); // out of locked memory: nothing sensible to continue with
    m_size = size;
    sodium_memzero(m_data, size);
}

SecureBytes SecureBytes::random(std::size_t size)
{
    SecureBytes s(size);
    if (size)
        randombytes_buf(s.m_data, size);
    return s;
}

SecureBytes SecureBytes::copyOf(QByteArrayView bytes)
{
    SecureBytes s(std::size_t(bytes.size()));
    if (!bytes.isEmpty())
        std::memcpy(s.m_data, bytes.data(), std::size_t(bytes.size()));
    return s;
}

SecureBytes::~SecureBytes()
{
    release();
}

SecureBytes::SecureBytes(SecureBytes &&other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0))
{}

SecureBytes &SecureBytes::operator=(SecureBytes &&other) noexcept
{
    if (this != &other) {
        release();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

SecureBytes SecureBytes::clone() const
{
    return copyOf(view());
}

bool SecureBytes::equals(QByteArrayView other) const
{
    return constantTimeEquals(view(), other);
}

void SecureBytes::release()
{
    if (m_data)
        sodium_free(m_data); // sodium_free wipes before releasing
    m_data = nullptr;
    m_size = 0;
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    if (a.isEmpty())
        return true;
    return sodium_memcmp(a.data(), b.data(), std::size_t(a.size())) == 0;
}

void wipe(QByteArray &bytes)
{
    if (!bytes.isEmpty())
        sodium_memzero(bytes.data(), std::size_t(bytes.size()));
    bytes.clear();
}

} // namespace tavern::crypto
