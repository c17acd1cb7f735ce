// SecureBytes: a buffer for secrets in sodium_malloc'd memory (guard pages, mlock'd,
// wiped on free). Move-only so a secret is never silently copied into plain memory.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>

namespace tavern::crypto {

class SecureBytes
{
public:
    SecureBytes() = default;
    explicit SecureBytes(std::size_t size); // zero-filled
    static SecureBytes random(std::size_t size);
    static SecureBytes copyOf(QByteArrayView bytes);
    ~SecureBytes();

    SecureBytes(SecureBytes &&other) noexcept;
    SecureBytes &operator=(SecureBytes &&other) noexcept;
    SecureBytes(const SecureBytes &) = delete;
    SecureBytes &operator=(const SecureBytes &) = delete;

    // Explicit deep copy, for the rare place that needs two owners.
    [[nodiscard]] SecureBytes clone() const;

    unsigned char *data() { return m_data; }
    const unsigned char *data() const { return m_data; }
    std::size_t size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    QByteArrayView view() const { return {reinterpret_cast<const char *>(m_data), qsizetype(m_size)}; }

    // Constant-time comparison (sodium_memcmp); sizes are not secret.
    [[nodiscard]] bool equals(QByteArrayView other) const;

private:
    void release();

    unsigned char *m_data = nullptr;
    std::size_t m_size = 0;
};

// Constant-time equality for public-but-security-relevant bytes (hashes, commitments, tags).
[[nodiscard]] bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

// Wipes a plain buffer that briefly held secret bytes (e.g. a decrypted payload).
void wipe(QByteArray &bytes);

} // namespace tavern::crypto
