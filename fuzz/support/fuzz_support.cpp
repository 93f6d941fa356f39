// The interposed open(), openat(), fopen() and glob() below are found before the C
// library's by the dynamic linker, because they are defined in the executable; while no
// Confinement is armed they forward to the next definition (the C library's, or a
// sanitizer's interceptor).
#undef _FORTIFY_SOURCE // its inline open() wrappers would clash with the definitions below

#include "fuzz_support.hpp"

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <unistd.h>

namespace mr::fuzz {

namespace {

std::atomic<bool> g_armed{false};
fs::path g_confined_to; // set before g_armed, read only while armed

// The absolute, lexically normal form of `path` opened relative to `dirfd`.
fs::path absolute_for(int dirfd, const char* path) {
  fs::path p(path);
  if (p.is_relative()) {
    std::error_code ec;
    fs::path base = dirfd == AT_FDCWD
                        ? fs::current_path(ec)
                        : fs::read_symlink("/proc/self/fd/" + std::to_string(dirfd), ec);
    p = base / p;
  }
  return p.lexically_normal();
}

bool allowed(int dirfd, const char* path) {
  if (!g_armed.load()) {
    return true;
  }
  const auto abs = absolute_for(dirfd, path).native();
  const auto& dir = g_confined_to.native();
  return abs.size() > dir.size() && abs.compare(0, dir.size(), dir) == 0 && abs[dir.size()] == '/';
}

// Only reading is confined: the code under test reads, and libFuzzer must still be able to
// write the crashing input when a crash happens while confined.
bool open_allowed(int dirfd, const char* path, int flags) {
  return (flags & O_ACCMODE) != O_RDONLY || allowed(dirfd, path);
}

bool fopen_allowed(const char* path, const char* mode) {
  return std::strpbrk(mode, "wa+") != nullptr || allowed(AT_FDCWD, path);
}

// A directory may be listed if it is the confining directory itself or inside it.
bool opendir_allowed(const char* path) {
  return !g_armed.load() || absolute_for(AT_FDCWD, path) == g_confined_to ||
         allowed(AT_FDCWD, path);
}

bool glob_allowed(const char* pattern) {
  if (!allowed(AT_FDCWD, pattern)) {
    return false;
  }
  // A ".." in the pattern could expand to paths outside: glob does not normalise them.
  const std::string_view p(pattern);
  return p.find("/../") == std::string_view::npos && !p.ends_with("/..");
}

template <class Fn>
Fn next(const char* name) {
  void* fn = ::dlsym(RTLD_NEXT, name);
  if (fn == nullptr) {
    std::fprintf(stderr, "fuzz support: no next definition of %s\n", name);
    std::abort();
  }
  return reinterpret_cast<Fn>(fn);
}

mode_t mode_argument(int flags, va_list args) {
  return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(args, mode_t) : 0;
}

void remove_scratch_dir() {
  std::error_code ec;
  fs::remove_all(scratch_dir(), ec);
}

// Scratch directories are named mr-fuzz-PID-XXXXXX. A crash (abort, libFuzzer's _Exit)
// skips atexit, so each new one removes those whose process is gone.
void remove_stale_scratch_dirs(const fs::path& base) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(base, ec)) {
    const auto name = entry.path().filename().string();
    unsigned long pid = 0;
    char rest[16];
    if (std::sscanf(name.c_str(), "mr-fuzz-%lu-%15s", &pid, rest) == 2 &&
        ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      fs::remove_all(entry.path(), ec);
    }
  }
}

const char* env_value(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

// $MR_FUZZ_TMP, else /dev/shm, else $TMPDIR, else /tmp.
fs::path scratch_base() {
  if (const char* dir = env_value("MR_FUZZ_TMP")) {
    return dir;
  }
  if (::access("/dev/shm", W_OK) == 0) {
    return "/dev/shm";
  }
  const char* tmpdir = env_value("TMPDIR");
  return tmpdir != nullptr ? tmpdir : "/tmp";
}

} // namespace

std::vector<std::string_view> split(const std::uint8_t* data, std::size_t size, char separator,
                                    std::size_t max_parts) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    const auto at = rest.find(separator);
    if (at == std::string_view::npos) {
      break;
    }
    parts.push_back(rest.substr(0, at));
    rest.remove_prefix(at + 1);
  }
  parts.push_back(rest);
  return parts;
}

const fs::path& scratch_dir() {
  static const fs::path dir = [] {
    const fs::path base = scratch_base();
    remove_stale_scratch_dirs(base);
    std::string tmpl = (base / ("mr-fuzz-" + std::to_string(::getpid()) + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      std::fprintf(stderr, "fuzz support: cannot create %s: %s\n", tmpl.c_str(),
                   std::strerror(errno));
      std::abort();
    }
    return fs::path(tmpl);
  }();
  static const bool cleanup_registered = std::atexit(remove_scratch_dir) == 0;
  (void)cleanup_registered;
  return dir;
}

void write_file(const fs::path& path, std::string_view content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  const bool ok =
      f != nullptr && std::fwrite(content.data(), 1, content.size(), f) == content.size();
  if (f == nullptr || std::fclose(f) != 0 || !ok) {
    std::fprintf(stderr, "fuzz support: cannot write %s\n", path.c_str());
    std::abort();
  }
  // Whatever the umask: a group-writable registry would not be trusted.
  fs::permissions(path, fs::perms(0644), ec);
}

void remove_file(const fs::path& path) {
  std::error_code ec;
  fs::remove(path, ec);
}

Confinement::Confinement(const fs::path& dir) {
  g_confined_to = dir.lexically_normal();
  g_armed.store(true);
  static const bool works = [] {
    // /proc/self/status always exists and is readable: if it opens, something bypassed us.
    const int fd = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    std::FILE* f = std::fopen("/proc/self/status", "r");
    DIR* d = ::opendir("/proc/self");
    const bool confined = fd < 0 && errno == EACCES && f == nullptr && d == nullptr;
    if (d != nullptr) {
      ::closedir(d);
    }
    if (fd >= 0) {
      ::close(fd);
    }
    if (f != nullptr) {
      std::fclose(f);
    }
    return confined;
  }();
  require(works, "Confinement does not confine opens: update fuzz/support/fuzz_support.cpp");
}

Confinement::~Confinement() {
  g_armed.store(false);
}

bool strict() {
  static const bool on = [] {
    const char* value = std::getenv("MR_FUZZ_STRICT");
    return value != nullptr && std::string_view(value) == "1";
  }();
  return on;
}

void require(bool holds, std::string_view what) {
  if (!holds) {
    std::fprintf(stderr, "PROPERTY VIOLATED: %.*s\n", static_cast<int>(what.size()), what.data());
    std::abort();
  }
}

} // namespace mr::fuzz

using mr::fuzz::fopen_allowed;
using mr::fuzz::glob_allowed;
using mr::fuzz::mode_argument;
using mr::fuzz::next;
using mr::fuzz::open_allowed;
using mr::fuzz::opendir_allowed;

namespace {

// open(path) is openat(AT_FDCWD, path), so all four forward to the next openat.
int confined_openat(int dirfd, const char* path, int flags, va_list args) {
  const mode_t mode = mode_argument(flags, args);
  if (!open_allowed(dirfd, path, flags)) {
    errno = EACCES;
    return -1;
  }
  static const auto real = next<int (*)(int, const char*, int, ...)>("openat");
  return real(dirfd, path, flags, mode);
}

FILE* confined_fopen(const char* path, const char* mode) {
  if (!fopen_allowed(path, mode)) {
    errno = EACCES;
    return nullptr;
  }
  static const auto real = next<FILE* (*)(const char*, const char*)>("fopen");
  return real(path, mode);
}

} // namespace

extern "C" {

int open(const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  const int fd = confined_openat(AT_FDCWD, path, flags, args);
  va_end(args);
  return fd;
}

int open64(const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  const int fd = confined_openat(AT_FDCWD, path, flags, args);
  va_end(args);
  return fd;
}

int openat(int dirfd, const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  const int fd = confined_openat(dirfd, path, flags, args);
  va_end(args);
  return fd;
}

int openat64(int dirfd, const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  const int fd = confined_openat(dirfd, path, flags, args);
  va_end(args);
  return fd;
}

FILE* fopen(const char* path, const char* mode) {
  return confined_fopen(path, mode);
}

FILE* fopen64(const char* path, const char* mode) {
  return confined_fopen(path, mode);
}

// The loader's include globs list directories with opendir(), which glibc opens with an
// internal call that the open() above never sees: unconfined, `include = "/*/*/s*/*"`
// walked the machine's file system (up to the glob's 100,000 entries, seconds an input).
DIR* opendir(const char* path) {
  if (!opendir_allowed(path)) {
    errno = EACCES;
    return nullptr;
  }
  static const auto real = next<DIR* (*)(const char*)>("opendir");
  return real(path);
}

int glob(const char* pattern, int flags, int (*errfunc)(const char*, int), glob_t* out) noexcept {
  if (!glob_allowed(pattern)) {
    *out = glob_t{};
    return GLOB_NOMATCH;
  }
  static const auto real =
      next<int (*)(const char*, int, int (*)(const char*, int), glob_t*)>("glob");
  return real(pattern, flags, errfunc, out);
}

int glob64(const char* pattern, int flags, int (*errfunc)(const char*, int),
           glob64_t* out) noexcept {
  if (!glob_allowed(pattern)) {
    *out = glob64_t{};
    return GLOB_NOMATCH;
  }
  static const auto real =
      next<int (*)(const char*, int, int (*)(const char*, int), glob64_t*)>("glob64");
  return real(pattern, flags, errfunc, out);
}

} // extern "C"
