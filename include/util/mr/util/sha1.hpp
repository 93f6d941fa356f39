// SHA-1 (FIPS 180-4), for the checksum git keeps at the end of its index file. A checksum,
// not a security boundary: git names objects with a collision-detecting variant, and mr
// never computes object names itself.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mr::util {

class Sha1 {
public:
  using Digest = std::array<unsigned char, 20>;

  Sha1();
  void update(std::string_view data);
  // The digest of everything given to update(); the object is spent afterwards.
  Digest finish();

  static Digest of(std::string_view data);
  static std::string hex(const Digest& digest);

private:
  void block(const unsigned char* p);

  std::array<std::uint32_t, 5> m_state;
  std::array<unsigned char, 64> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_length = 0; // bytes
};

} // namespace mr::util
