#include "similarity.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <sys/stat.h>

#include <mr/util/file_io.hpp>

namespace mr::git {

namespace {

constexpr std::uint32_t k_hash_base = 107927;
constexpr long long k_max_score = 60000;
constexpr long long k_minimum_score = 30000; // 50%, git's default rename threshold

struct Signature {
  std::map<std::uint32_t, std::uint64_t> spans; // hash -> bytes (diffcore-delta.c)
  std::uint64_t size = 0;
  bool regular = true;
};

bool looks_binary(const std::string& data) {
  // git's buffer_is_binary(): a NUL in the first 8000 bytes.
  return data.find('\0', 0) < std::min<std::size_t>(data.size(), 8000);
}

// hash_chars(): chunks end at a newline or after 64 bytes; CR before LF is ignored in
// text.
Signature hash_chars(const std::string& data) {
  Signature sig;
  sig.size = data.size();
  const bool is_text = !looks_binary(data);
  std::uint32_t accum1 = 0;
  std::uint32_t accum2 = 0;
  unsigned n = 0;
  const std::size_t size = data.size();
  for (std::size_t i = 0; i < size; ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    const std::uint32_t old_1 = accum1;
    if (is_text && c == '\r' && i + 1 < size && data[i + 1] == '\n') {
      continue;
    }
    accum1 = (accum1 << 7) ^ (accum2 >> 25);
    accum2 = (accum2 << 7) ^ (old_1 >> 25);
    accum1 += c;
    if (++n < 64 && c != '\n') {
      continue;
    }
    sig.spans[(accum1 + accum2 * 0x61) % k_hash_base] += n;
    n = 0;
    accum1 = accum2 = 0;
  }
  if (n > 0) {
    sig.spans[(accum1 + accum2 * 0x61) % k_hash_base] += n;
  }
  return sig;
}

int buffer_signature(void** out, const git_diff_file* file, const char* buf, size_t len, void*) {
  auto* sig = new Signature(hash_chars(std::string(buf, len)));
  sig->regular = (file->mode & 0170000) == 0100000;
  *out = sig;
  return 0;
}

int file_signature(void** out, const git_diff_file* file, const char* path, void*) {
  const auto data = util::read_file(path);
  if (!data) {
    return -1;
  }
  return buffer_signature(out, file, data->data(), data->size(), nullptr);
}

void free_signature(void* sig, void*) {
  delete static_cast<Signature*>(sig);
}

// estimate_similarity() as a percentage.
int similarity(int* score, void* a, void* b, void*) {
  const auto* src = static_cast<const Signature*>(a);
  const auto* dst = static_cast<const Signature*>(b);
  *score = 0;
  if (!src->regular || !dst->regular) {
    return 0; // only exact renames of non-regular files
  }
  const long long max_size = static_cast<long long>(std::max(src->size, dst->size));
  const long long base_size = static_cast<long long>(std::min(src->size, dst->size));
  const long long delta_size = max_size - base_size;
  if (max_size == 0 || max_size * (k_max_score - k_minimum_score) < delta_size * k_max_score) {
    return 0;
  }
  std::uint64_t copied = 0;
  for (const auto& [hash, count] : src->spans) {
    const auto it = dst->spans.find(hash);
    if (it != dst->spans.end()) {
      copied += std::min(count, it->second);
    }
  }
  const long long raw = static_cast<long long>(copied) * k_max_score / max_size;
  *score = static_cast<int>(raw * 100 / k_max_score);
  return 0;
}

git_diff_similarity_metric g_metric{&file_signature, &buffer_signature, &free_signature,
                                    &similarity, nullptr};

} // namespace

git_diff_similarity_metric* git_similarity_metric() {
  return &g_metric;
}

} // namespace mr::git
