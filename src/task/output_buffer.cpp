#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <unistd.h>

#include <mr/task/output_buffer.hpp>
#include <mr/util/fd.hpp>
#include <mr/util/strings.hpp>

namespace mr::task {

namespace {

constexpr std::size_t k_read_piece = std::size_t{64} << 10;
constexpr std::uint64_t k_keep_free = std::uint64_t{64} << 20;

std::atomic<std::size_t> g_per_buffer{OutputBuffer::Limits{}.per_buffer};
std::atomic<std::size_t> g_total{OutputBuffer::Limits{}.total};
std::atomic<std::size_t> g_on_disk{OutputBuffer::Limits{}.per_buffer_on_disk};
std::atomic<std::size_t> g_in_use{0};

void account(std::size_t before, std::size_t after) noexcept {
  if (after > before) {
    g_in_use.fetch_add(after - before, std::memory_order_relaxed);
  } else if (before > after) {
    g_in_use.fetch_sub(before - after, std::memory_order_relaxed);
  }
}

// Claims `more` bytes of the total for one buffer, unless that would pass the limit: one
// atomic step, so workers growing their buffers at once cannot overshoot it together.
bool claim(std::size_t more) noexcept {
  std::size_t now = g_in_use.load(std::memory_order_relaxed);
  const std::size_t total = g_total.load(std::memory_order_relaxed);
  do {
    if (now + more > total) {
      return false;
    }
  } while (!g_in_use.compare_exchange_weak(now, now + more, std::memory_order_relaxed));
  return true;
}

// The process's one spill file, created on first use and never named in the file system.
struct SpillFile {
  util::FdGuard fd; // lives until exit, as the buffers that point into it
  std::string dir;
  std::string error; // why it could not be created
  std::atomic<std::uint64_t> end{0};

  std::optional<std::string> no_room_for(std::size_t length) const;

  SpillFile() {
    const char* tmpdir = std::getenv("TMPDIR");
    dir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
    fd.reset(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
    if (fd.open()) {
      return;
    }
    // File systems without O_TMPFILE: a named file, unlinked at once.
    std::string name = dir + "/mr-output-XXXXXX";
    fd.reset(::mkostemp(name.data(), O_CLOEXEC));
    if (!fd.open()) {
      error = "cannot create a temporary file in " + dir + ": " + util::errno_text(errno);
      return;
    }
    ::unlink(name.c_str());
  }
};

// Why `length` more bytes may not be spilled: a command printing without end (`cat
// /dev/zero`) must not fill the disk other programs need. What the file system keeps free
// must stay above a twentieth of its size and above k_keep_free.
std::optional<std::string> SpillFile::no_room_for(std::size_t length) const {
  struct statvfs fs {};
  if (::fstatvfs(fd.get(), &fs) != 0) {
    return std::nullopt; // the write itself will say what is wrong
  }
  const std::uint64_t unit = fs.f_frsize != 0 ? fs.f_frsize : fs.f_bsize;
  const std::uint64_t free = std::uint64_t{fs.f_bavail} * unit;
  const std::uint64_t keep =
      std::max<std::uint64_t>(k_keep_free, std::uint64_t{fs.f_blocks} * unit / 20);
  if (free >= keep + length) {
    return std::nullopt;
  }
  return "less than " + std::to_string(keep >> 20) + " MiB would be left free in " + dir;
}

SpillFile& spill_file() {
  static SpillFile file; // thread-safe initialisation; the descriptor lives until exit
  return file;
}

} // namespace

struct OutputBuffer::Extent {
  std::uint64_t offset = 0;
  std::size_t length = 0;
  Extent(std::uint64_t o, std::size_t l) : offset(o), length(l) {}
  Extent(const Extent&) = delete;
  Extent& operator=(const Extent&) = delete;
  ~Extent() {
    // Give the disk space back; a file system that cannot punch holes keeps it until exit.
    (void)::fallocate(spill_file().fd.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                      static_cast<off_t>(offset), static_cast<off_t>(length));
  }
};

OutputBuffer::OutputBuffer(const OutputBuffer& other)
    : m_spilled(other.m_spilled), m_memory(other.m_memory), m_size(other.m_size),
      m_last(other.m_last), m_lost(other.m_lost) {
  m_accounted = m_memory.capacity(); // a copy (tests, `b += b`) may pass the total a moment
  account(0, m_accounted);
}

OutputBuffer::OutputBuffer(OutputBuffer&& other) noexcept
    : m_spilled(std::move(other.m_spilled)), m_size(other.m_size), m_last(other.m_last),
      m_lost(other.m_lost) {
  // The string and its share of the total move together.
  m_memory.swap(other.m_memory);
  std::swap(m_accounted, other.m_accounted);
  other.clear();
}

OutputBuffer& OutputBuffer::operator=(const OutputBuffer& other) {
  if (this != &other) {
    OutputBuffer copy(other);
    *this = std::move(copy);
  }
  return *this;
}

OutputBuffer& OutputBuffer::operator=(OutputBuffer&& other) noexcept {
  if (this != &other) {
    clear();
    m_spilled = std::move(other.m_spilled);
    m_memory.swap(other.m_memory);
    std::swap(m_accounted, other.m_accounted);
    m_size = other.m_size;
    m_last = other.m_last;
    m_lost = other.m_lost;
    other.clear();
  }
  return *this;
}

OutputBuffer::~OutputBuffer() {
  account(m_accounted, 0);
}

OutputBuffer& OutputBuffer::operator=(std::string_view text) {
  clear();
  append(text);
  return *this;
}

OutputBuffer& OutputBuffer::operator+=(const OutputBuffer& other) {
  if (this == &other) {
    const OutputBuffer copy(other);
    return *this += copy;
  }
  std::string error;
  if (!other.for_each([this](std::string_view piece) { append(piece); }, &error)) {
    lose(error);
  }
  return *this;
}

void OutputBuffer::release_memory() noexcept {
  m_memory.release();
  account(m_accounted, 0);
  m_accounted = 0;
}

// Room for `wanted` bytes in memory, within both limits: geometric growth where the total
// allows it, else just what is wanted. False: it belongs in the file.
bool OutputBuffer::grow_for(std::size_t wanted) {
  const std::size_t per_buffer = g_per_buffer.load(std::memory_order_relaxed);
  if (wanted > per_buffer) {
    return false;
  }
  const std::size_t held = m_memory.capacity();
  if (wanted <= held) {
    return true;
  }
  for (const std::size_t size : {std::min(std::max(wanted, held * 2), per_buffer), wanted}) {
    const std::size_t capacity = Memory::capacity_for(size);
    if (claim(capacity - held)) {
      try {
        m_memory.reserve(capacity);
      } catch (const std::bad_alloc&) {
        account(capacity, held);
        throw;
      }
      m_accounted = capacity;
      return true;
    }
  }
  return false;
}

void OutputBuffer::clear() noexcept {
  release_memory();
  m_spilled.clear();
  m_size = 0;
  m_last = 0;
  m_lost = false;
}

void OutputBuffer::append(std::string_view text) {
  if (text.empty() || m_lost) {
    return;
  }
  if (!grow_for(m_memory.size() + text.size())) {
    spill(text);
    return;
  }
  m_memory.append(text);
  m_size += text.size();
  m_last = text.back();
}

void OutputBuffer::spill(std::string_view more) {
  SpillFile& file = spill_file();
  if (!file.fd.open()) {
    lose(file.error);
    return;
  }
  const std::size_t length = m_memory.size() + more.size();
  if (const std::size_t cap = limits().per_buffer_on_disk; m_size + more.size() > cap) {
    lose("more than " + std::to_string(cap >> 20) + " MiB of output (the limit for one task)");
    return;
  }
  if (const auto why = file.no_room_for(length)) {
    lose(*why);
    return;
  }
  const std::uint64_t offset = file.end.fetch_add(length, std::memory_order_relaxed);
  const std::string_view held = m_memory.view();
  iovec parts[2] = {{const_cast<char*>(held.data()), held.size()},  // NOLINT: writev's type
                    {const_cast<char*>(more.data()), more.size()}}; // NOLINT: as above
  std::size_t done = 0;
  while (done < length) {
    // Skip what was written already across both parts.
    iovec rest[2];
    int count = 0;
    std::size_t skip = done;
    for (const auto& part : parts) {
      if (skip >= part.iov_len) {
        skip -= part.iov_len;
        continue;
      }
      rest[count++] = {static_cast<char*>(part.iov_base) + skip, part.iov_len - skip};
      skip = 0;
    }
    const ssize_t put = ::pwritev(file.fd.get(), rest, count, static_cast<off_t>(offset + done));
    if (put < 0 && errno == EINTR) {
      continue;
    }
    if (put <= 0) {
      const int err = put < 0 ? errno : ENOSPC;
      lose("cannot write a temporary file in " + file.dir + ": " + util::errno_text(err));
      return;
    }
    done += static_cast<std::size_t>(put);
  }
  m_spilled.push_back(std::make_shared<const Extent>(offset, length));
  m_size += more.size();
  m_last = more.back();
  release_memory();
}

void OutputBuffer::lose(const std::string& why) {
  // The note goes in memory past the limits: one short line, once per buffer.
  std::string note = "mr: output lost from here on: " + why + "\n";
  if (m_size > 0 && m_last != '\n') {
    note.insert(note.begin(), '\n');
  }
  const std::size_t capacity = Memory::capacity_for(m_memory.size() + note.size());
  if (capacity > m_memory.capacity()) {
    m_memory.reserve(capacity);
    account(m_accounted, capacity);
    m_accounted = capacity;
  }
  m_memory.append(note);
  m_size += note.size();
  m_last = '\n';
  m_lost = true;
}

bool OutputBuffer::for_each(const std::function<void(std::string_view)>& sink,
                            std::string* error) const {
  if (!m_spilled.empty()) {
    const int fd = spill_file().fd.get();
    std::string piece(std::min(k_read_piece, m_size), '\0');
    for (const auto& extent : m_spilled) {
      std::size_t done = 0;
      while (done < extent->length) {
        const std::size_t want = std::min(piece.size(), extent->length - done);
        const ssize_t got =
            ::pread(fd, piece.data(), want, static_cast<off_t>(extent->offset + done));
        if (got < 0 && errno == EINTR) {
          continue;
        }
        if (got <= 0) {
          if (error != nullptr) {
            *error =
                "cannot read back a temporary file: " +
                (got < 0 ? util::errno_text(errno) : std::string("it is shorter than written"));
          }
          return false;
        }
        sink(std::string_view(piece.data(), static_cast<std::size_t>(got)));
        done += static_cast<std::size_t>(got);
      }
    }
  }
  if (m_memory.size() > 0) {
    sink(m_memory.view());
  }
  return true;
}

std::string OutputBuffer::str() const {
  std::string out;
  std::string error;
  if (!for_each([&out](std::string_view piece) { out.append(piece); }, &error)) {
    out += "\nmr: " + error + "\n";
  }
  return out;
}

void OutputBuffer::set_limits(Limits limits) noexcept {
  g_per_buffer.store(limits.per_buffer, std::memory_order_relaxed);
  g_total.store(limits.total, std::memory_order_relaxed);
  g_on_disk.store(limits.per_buffer_on_disk, std::memory_order_relaxed);
}

OutputBuffer::Limits OutputBuffer::limits() noexcept {
  return {g_per_buffer.load(std::memory_order_relaxed), g_total.load(std::memory_order_relaxed),
          g_on_disk.load(std::memory_order_relaxed)};
}

std::size_t OutputBuffer::memory_in_use() noexcept {
  return g_in_use.load(std::memory_order_relaxed);
}

} // namespace mr::task
