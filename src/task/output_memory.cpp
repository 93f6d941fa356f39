// OutputBuffer::Memory: the bytes a buffer keeps in memory. Up to k_heap_max on the heap;
// beyond, an anonymous mapping of the buffer's own. What matters is what happens when the
// memory is freed: a mapping goes back to the system at once, whereas a large heap block
// freed by a worker thread stays in that thread's malloc arena (glibc also raises its mmap
// threshold after the first large free, so later blocks never get their own mapping). With
// thirty workers each printing 8 MB, every arena kept the largest buffer it had held and mr
// peaked at over 100 MB while the buffers never held more than 32 MiB at once.
#include <cstdlib>
#include <cstring>
#include <new>
#include <sys/mman.h>
#include <unistd.h>
#include <utility>

#include <mr/task/output_buffer.hpp>

namespace mr::task {

// ThreadSanitizer (GCC 12's) does not see mremap: the pages it moves keep their old
// shadow, and a later mapping at that address looks like a race between two buffers. Under
// it, a mapping grows by copying into a new one instead.
#if defined(__SANITIZE_THREAD__)
constexpr bool k_use_mremap = false;
#else
constexpr bool k_use_mremap = true;
#endif

namespace {

// Below this a buffer stays on the heap: a block of a few KB per repository costs less there
// than a page of its own, and what the arenas keep of such blocks is small.
constexpr std::size_t k_heap_max = std::size_t{16} << 10;

std::size_t page_size() noexcept {
  static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

bool mapped(std::size_t capacity) noexcept {
  return capacity > k_heap_max;
}

} // namespace

std::size_t OutputBuffer::Memory::capacity_for(std::size_t n) noexcept {
  if (!mapped(n)) {
    return n;
  }
  const std::size_t page = page_size();
  return (n + page - 1) / page * page;
}

OutputBuffer::Memory::Memory(const Memory& other) {
  reserve(other.m_size);
  append(other.view());
}

void OutputBuffer::Memory::reserve(std::size_t n) {
  const std::size_t capacity = capacity_for(n);
  if (capacity <= m_capacity) {
    return;
  }
  void* grown = nullptr;
  if (!mapped(capacity)) {
    grown = std::realloc(m_data, capacity);
    if (grown == nullptr) {
      throw std::bad_alloc();
    }
  } else if (mapped(m_capacity) && k_use_mremap) {
    // The kernel moves the pages; nothing is copied, and no second copy is ever resident.
    grown = ::mremap(m_data, m_capacity, capacity, MREMAP_MAYMOVE);
    if (grown == MAP_FAILED) {
      throw std::bad_alloc();
    }
  } else if (mapped(m_capacity)) {
    grown = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (grown == MAP_FAILED) {
      throw std::bad_alloc();
    }
    std::memcpy(grown, m_data, m_size);
    ::munmap(m_data, m_capacity);
  } else {
    grown = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (grown == MAP_FAILED) {
      throw std::bad_alloc();
    }
    if (m_size > 0) {
      std::memcpy(grown, m_data, m_size);
    }
    std::free(m_data);
  }
  m_data = static_cast<char*>(grown);
  m_capacity = capacity;
}

void OutputBuffer::Memory::append(std::string_view text) noexcept {
  if (!text.empty()) {
    std::memcpy(m_data + m_size, text.data(), text.size());
    m_size += text.size();
  }
}

void OutputBuffer::Memory::release() noexcept {
  if (mapped(m_capacity)) {
    ::munmap(m_data, m_capacity);
  } else {
    std::free(m_data);
  }
  m_data = nullptr;
  m_size = 0;
  m_capacity = 0;
}

void OutputBuffer::Memory::swap(Memory& other) noexcept {
  std::swap(m_data, other.m_data);
  std::swap(m_size, other.m_size);
  std::swap(m_capacity, other.m_capacity);
}

} // namespace mr::task
