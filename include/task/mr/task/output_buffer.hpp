// What one task printed: bytes appended while its work runs, read back when its block is
// printed. However much a repository prints (`yes`, `cat /dev/zero`), memory stays bounded:
// a buffer keeps at most Limits::per_buffer bytes in memory, all buffers together at most
// Limits::total, and the rest goes to one unlinked temporary file in $TMPDIR (else /tmp)
// shared by the process, read back in pieces by for_each(). The disk space of a buffer is
// given back when the buffer (and every copy of it) is gone.
//
// The file never takes the last twentieth (at least 64 MiB) of its file system, and one
// buffer never holds more than Limits::per_buffer_on_disk (1 GiB). If the file cannot be
// created or grown, or a buffer reaches that, the buffer keeps what it has, ends with one
// line saying what was lost and why, and drops the rest: printing continues, nothing throws.
//
// The limits are on the bytes held, and they hold for the process's memory too: a buffer's
// larger contents live in pages of their own that go back to the system when released.
//
// One buffer is used by one thread at a time; different buffers may be used concurrently.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mr::task {

class OutputBuffer {
public:
  struct Limits {
    std::size_t per_buffer = std::size_t{4} << 20;
    std::size_t total = std::size_t{32} << 20;
    // All of one buffer, disk included: a command that never stops printing (`yes`
    // without --timeout) must not fill the disk.
    std::size_t per_buffer_on_disk = std::size_t{1} << 30;
  };

  OutputBuffer() = default;
  explicit OutputBuffer(std::string_view text) { append(text); }
  OutputBuffer(const OutputBuffer& other);
  OutputBuffer(OutputBuffer&& other) noexcept;
  OutputBuffer& operator=(const OutputBuffer& other);
  OutputBuffer& operator=(OutputBuffer&& other) noexcept;
  ~OutputBuffer();

  OutputBuffer& operator=(std::string_view text);
  OutputBuffer& operator+=(std::string_view text) {
    append(text);
    return *this;
  }
  OutputBuffer& operator+=(const OutputBuffer& other);
  void append(std::string_view text);
  // Empties the buffer and gives its memory and disk space back.
  void clear() noexcept;

  std::size_t size() const noexcept { return m_size; }
  bool empty() const noexcept { return m_size == 0; }
  // The last byte. Precondition: !empty().
  char back() const noexcept { return m_last; }

  // Hands the content to `sink` in order, in pieces. False when a spilled piece could not
  // be read back; `error` then says why and the content after it is missing.
  bool for_each(const std::function<void(std::string_view)>& sink, std::string* error) const;
  // The whole content as one string: for small outputs and tests only.
  std::string str() const;

  // Process-wide. Tests lower them to exercise spilling with little data.
  static void set_limits(Limits limits) noexcept;
  static Limits limits() noexcept;
  // Bytes of memory all buffers hold now.
  static std::size_t memory_in_use() noexcept;

private:
  // The bytes a buffer holds in memory (output_memory.cpp): a few KB on the heap; more in an
  // anonymous mapping of their own, grown in place and unmapped when released. Freed heap
  // memory stays in malloc's per-thread arenas, so with many workers each arena would keep
  // the largest output it ever held, and the process would grow far past the limits.
  class Memory {
  public:
    Memory() = default;
    Memory(const Memory& other);
    Memory(Memory&& other) noexcept { swap(other); }
    Memory& operator=(const Memory&) = delete;
    Memory& operator=(Memory&& other) noexcept {
      Memory moved(std::move(other));
      moved.swap(*this);
      return *this;
    }
    ~Memory() { release(); }

    // What reserve(n) would hold: n, or n rounded up to whole pages once it is mapped.
    static std::size_t capacity_for(std::size_t n) noexcept;
    // Room for n bytes in all (std::bad_alloc when the system has none).
    void reserve(std::size_t n);
    // Precondition: it fits the capacity.
    void append(std::string_view text) noexcept;
    void release() noexcept;
    void swap(Memory& other) noexcept;

    std::string_view view() const noexcept { return {m_data, m_size}; }
    std::size_t size() const noexcept { return m_size; }
    std::size_t capacity() const noexcept { return m_capacity; }

  private:
    char* m_data = nullptr;
    std::size_t m_size = 0;
    std::size_t m_capacity = 0;
  };

  struct Extent;
  void spill(std::string_view more);
  void lose(const std::string& why);
  bool grow_for(std::size_t wanted);
  void release_memory() noexcept;

  std::vector<std::shared_ptr<const Extent>> m_spilled; // first, in order
  Memory m_memory;                                      // then this
  std::size_t m_accounted = 0;                          // this buffer's share of memory_in_use()
  std::size_t m_size = 0;
  char m_last = 0;
  bool m_lost = false; // a spill failed: what comes after is dropped
};

} // namespace mr::task
