// The outcome of one task (one repository's share of an action). Shared vocabulary between
// the executor, which produces it, and the output layer, which counts and prints it.
#pragma once

#include <cstdint>
#include <string_view>

namespace mr::task {

enum class Status : std::uint8_t {
  ok,          // the task did its work
  failed,      // it could not (non-zero exit, git error, refused update)
  crashed,     // an exception escaped it: a bug, reported, never swallowed
  cancelled,   // it saw a stop request (Ctrl-C, --fail-fast) and gave up
  timed_out,   // its deadline (--timeout) passed
  skipped,     // it chose not to act (registry `skip`, nothing to do)
  not_started, // it never ran: the group was cancelled first
};

// How the footer counts a status: ok, failed or skipped.
enum class Tally : std::uint8_t { ok, failed, skipped };

constexpr Tally tally(Status s) noexcept {
  switch (s) {
  case Status::ok:
    return Tally::ok;
  case Status::failed:
  case Status::crashed:
  case Status::timed_out:
    return Tally::failed;
  case Status::cancelled:
  case Status::skipped:
  case Status::not_started:
    return Tally::skipped;
  }
  return Tally::failed;
}

// The word used in --json output.
constexpr std::string_view json_name(Status s) noexcept {
  switch (s) {
  case Status::ok:
    return "ok";
  case Status::failed:
  case Status::crashed:
    return "failed";
  case Status::timed_out:
    return "timed_out";
  case Status::skipped:
    return "skipped";
  case Status::cancelled:
  case Status::not_started:
    return "cancelled";
  }
  return "failed";
}

} // namespace mr::task
