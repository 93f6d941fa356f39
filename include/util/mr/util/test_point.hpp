// Named pause points for the safety tests. A test build (MR_TEST_POINTS, set when the test
// suite is built) lets a test stop mr at an exact step: with $MR_TEST_PAUSE naming the
// point, mr creates the file $MR_TEST_PAUSE_FILE (containing the point's name and mr's
// pid) when it gets there and waits while that file exists. The test then does what it
// wants (a concurrent `git add`, a SIGKILL) and removes the file to let mr go on. The wait
// ends after two minutes whatever happens. In a build without MR_TEST_POINTS this is a
// no-op the compiler removes.
#pragma once

#include <string_view>

namespace mr::util {

#ifdef MR_TEST_POINTS
void test_point(std::string_view name) noexcept;
#else
inline void test_point(std::string_view) noexcept {}
#endif

} // namespace mr::util
