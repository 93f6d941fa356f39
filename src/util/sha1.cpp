#include <cstring>

#include <mr/util/sha1.hpp>

namespace mr::util {

namespace {

constexpr std::uint32_t rotl(std::uint32_t x, int n) {
  return (x << n) | (x >> (32 - n));
}

std::uint32_t load_be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

} // namespace

Sha1::Sha1() : m_state{0x67452301U, 0xEFCDAB89U, 0x98BADCFEU, 0x10325476U, 0xC3D2E1F0U} {}

void Sha1::block(const unsigned char* p) {
  std::uint32_t w[80];
  for (int i = 0; i < 16; ++i) {
    w[i] = load_be32(p + 4 * i);
  }
  for (int i = 16; i < 80; ++i) {
    w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  }
  std::uint32_t a = m_state[0];
  std::uint32_t b = m_state[1];
  std::uint32_t c = m_state[2];
  std::uint32_t d = m_state[3];
  std::uint32_t e = m_state[4];
  const auto round = [&](std::uint32_t f, std::uint32_t k, std::uint32_t wi) {
    const std::uint32_t t = rotl(a, 5) + f + e + k + wi;
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = t;
  };
  for (int i = 0; i < 20; ++i) {
    round((b & c) | (~b & d), 0x5A827999U, w[i]);
  }
  for (int i = 20; i < 40; ++i) {
    round(b ^ c ^ d, 0x6ED9EBA1U, w[i]);
  }
  for (int i = 40; i < 60; ++i) {
    round((b & c) | (b & d) | (c & d), 0x8F1BBCDCU, w[i]);
  }
  for (int i = 60; i < 80; ++i) {
    round(b ^ c ^ d, 0xCA62C1D6U, w[i]);
  }
  m_state[0] += a;
  m_state[1] += b;
  m_state[2] += c;
  m_state[3] += d;
  m_state[4] += e;
}

void Sha1::update(std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t n = data.size();
  m_length += n;
  if (m_buffered > 0) {
    const std::size_t take = std::min(n, m_buffer.size() - m_buffered);
    std::memcpy(m_buffer.data() + m_buffered, p, take);
    m_buffered += take;
    p += take;
    n -= take;
    if (m_buffered < m_buffer.size()) {
      return;
    }
    block(m_buffer.data());
    m_buffered = 0;
  }
  for (; n >= 64; p += 64, n -= 64) {
    block(p);
  }
  std::memcpy(m_buffer.data(), p, n);
  m_buffered = n;
}

Sha1::Digest Sha1::finish() {
  const std::uint64_t bits = m_length * 8;
  unsigned char pad[72] = {0x80};
  const std::size_t pad_len = (m_buffered < 56 ? 56 : 120) - m_buffered;
  for (int i = 0; i < 8; ++i) {
    pad[pad_len + static_cast<std::size_t>(i)] = static_cast<unsigned char>(bits >> (56 - 8 * i));
  }
  update(std::string_view(reinterpret_cast<const char*>(pad), pad_len + 8));
  Digest out{};
  for (std::size_t i = 0; i < 5; ++i) {
    out[4 * i] = static_cast<unsigned char>(m_state[i] >> 24);
    out[4 * i + 1] = static_cast<unsigned char>(m_state[i] >> 16);
    out[4 * i + 2] = static_cast<unsigned char>(m_state[i] >> 8);
    out[4 * i + 3] = static_cast<unsigned char>(m_state[i]);
  }
  return out;
}

Sha1::Digest Sha1::of(std::string_view data) {
  Sha1 h;
  h.update(data);
  return h.finish();
}

std::string Sha1::hex(const Digest& digest) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(40);
  for (const unsigned char byte : digest) {
    out += k_digits[byte >> 4];
    out += k_digits[byte & 15];
  }
  return out;
}

} // namespace mr::util
