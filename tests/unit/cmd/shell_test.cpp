#include <gtest/gtest.h>

#include "cmd/repo_task.hpp"

namespace mr::cmd {

TEST(ResultOf, AStoppedOperationIsCancelledWithoutATextOfItsOwn) {
  // status and diff stop with cancelled(); a queued task, a command and a fetch end with a
  // bare cancelled result. --json showed "error":"cancelled" for the first kind only.
  const auto stopped = result_of(mr::cancelled("half of the output\n").value());
  EXPECT_EQ(stopped.status, task::Status::cancelled);
  EXPECT_EQ(stopped.error, "");
  EXPECT_EQ(stopped.error, task::TaskResult::cancelled().error);
}

TEST(ResultOf, AFailedOperationKeepsItsMessage) {
  const auto failed = result_of(mr::fail("index.lock exists").value());
  EXPECT_EQ(failed.status, task::Status::failed);
  EXPECT_EQ(failed.error, "index.lock exists");
}

} // namespace mr::cmd
