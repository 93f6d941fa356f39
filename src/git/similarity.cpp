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
using Signature = SimilaritySignature;

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
  const long long raw = similarity_score(*static_cast<const Signature*>(a),
                                         *static_cast<const Signature*>(b), k_minimum_score);
  *score = static_cast<int>(raw * 100 / k_max_score);
  return 0;
}

git_diff_similarity_metric g_metric{&file_signature, &buffer_signature, &free_signature,
                                    &similarity, nullptr};

} // namespace

SimilaritySignature similarity_signature(const char* data, std::size_t size, bool regular) {
  auto sig = hash_chars(std::string(data, size));
  sig.regular = regular;
  return sig;
}

bool sizes_may_match(std::uint64_t a, std::uint64_t b, long long minimum_score) {
  const auto max_size = static_cast<long long>(std::max(a, b));
  const auto delta_size = max_size - static_cast<long long>(std::min(a, b));
  return max_size != 0 && max_size * (k_max_score - minimum_score) >= delta_size * k_max_score;
}

long long similarity_score(const SimilaritySignature& src, const SimilaritySignature& dst,
                           long long minimum_score) {
  if (!src.regular || !dst.regular) {
    return 0; // only exact renames of non-regular files
  }
  if (!sizes_may_match(src.size, dst.size, minimum_score)) {
    return 0;
  }
  std::uint64_t copied = 0;
  for (const auto& [hash, count] : src.spans) {
    const auto it = dst.spans.find(hash);
    if (it != dst.spans.end()) {
      copied += std::min(count, it->second);
    }
  }
  return static_cast<long long>(copied) * k_max_score /
         static_cast<long long>(std::max(src.size, dst.size));
}

git_diff_similarity_metric* git_similarity_metric() {
  return &g_metric;
}

} // namespace mr::git
