# Every third-party dependency is found here, in one place, from Debian 12 packages
# (see ../shared/reference/build-notes.md for how each one is packaged).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2>=1.5)
# src/git/net_stream.cpp mirrors a private structure of libgit2 1.5 (checked there too).
if(LIBGIT2_VERSION VERSION_GREATER_EQUAL 1.6)
  message(FATAL_ERROR "mr needs libgit2 1.5.x, found ${LIBGIT2_VERSION}: src/git/net_stream.cpp "
                      "mirrors libgit2 1.5's private socket stream (check that layout, then widen this)")
endif()
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(tl-expected REQUIRED)
find_package(Threads REQUIRED)
if(MR_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
find_program(SCDOC scdoc)
