#include "temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <sys/stat.h>

namespace mr::test {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/mr-test.XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  // Readable by everyone, so tests can run mr as an unprivileged user inside it.
  ::chmod(tmpl.c_str(), 0755);
  m_path = std::filesystem::canonical(tmpl);
}

TempDir::~TempDir() {
  std::error_code ec;
  // Tests may leave read-only directories behind; make everything writable first.
  for (auto it = std::filesystem::recursive_directory_iterator(
           m_path, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, ec);
    }
  }
  std::filesystem::remove_all(m_path, ec);
}

} // namespace mr::test
