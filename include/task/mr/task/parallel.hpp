// parallel_for(): one task's loop shared with the executor's idle workers, as git's
// preload-index shares the lstat of a big index between threads.
//
// The calling thread runs body(0..n-1) itself, taking indices one at a time from a shared
// counter, and queues up to size()-1 helper jobs that take from the same counter. The queue
// is first in, first out, so a helper only runs once every job queued before it (the other
// repositories of the run) has been taken: only a worker with nothing else to do helps. When
// the caller runs out of indices it takes back the helpers nobody started and waits for the
// ones that did, so every body call has returned when parallel_for returns, and nothing it
// captured by reference is used afterwards.
#pragma once

#include <cstddef>
#include <functional>

#include <mr/task/executor.hpp>

namespace mr::task {

// Calls body(i) exactly once for each i in [0, n), on this thread and on idle workers of
// `executor`, in no particular order. An exception from a body call is rethrown here (the
// first one; the other indices are still run).
void parallel_for(Executor& executor, std::size_t n, const std::function<void(std::size_t)>& body);

} // namespace mr::task
