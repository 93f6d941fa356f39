// A move-only type-erased callable: C++20 has no std::move_only_function, and tasks own
// move-only state (buffers, RAII handles).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace mr::task {

template <class Signature>
class UniqueFunction;

template <class R, class... Args>
class UniqueFunction<R(Args...)> {
public:
  UniqueFunction() = default;
  UniqueFunction(std::nullptr_t) {} // NOLINT(google-explicit-constructor)

  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, UniqueFunction> &&
                                              std::is_invocable_r_v<R, F&, Args...>>>
  UniqueFunction(F&& f) // NOLINT(google-explicit-constructor)
      : m_impl(std::make_unique<Impl<std::decay_t<F>>>(std::forward<F>(f))) {}

  UniqueFunction(UniqueFunction&&) noexcept = default;
  UniqueFunction& operator=(UniqueFunction&&) noexcept = default;
  UniqueFunction(const UniqueFunction&) = delete;
  UniqueFunction& operator=(const UniqueFunction&) = delete;
  ~UniqueFunction() = default;

  R operator()(Args... args) { return m_impl->call(std::forward<Args>(args)...); }
  explicit operator bool() const noexcept { return m_impl != nullptr; }

private:
  struct Base {
    virtual ~Base() = default;
    virtual R call(Args&&... args) = 0;
  };
  template <class F>
  struct Impl final : Base {
    explicit Impl(F&& f) : fn(std::move(f)) {}
    explicit Impl(const F& f) : fn(f) {}
    R call(Args&&... args) override { return std::invoke(fn, std::forward<Args>(args)...); }
    F fn;
  };
  std::unique_ptr<Base> m_impl;
};

} // namespace mr::task
