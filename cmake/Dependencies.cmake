# Every third-party dependency is found here, in one place, from Debian 12 packages
# (scripts/install-deps.sh installs them). How each package is found, and its target:
#   libgit2-dev 1.5.1      no CMake config: pkg-config            PkgConfig::LIBGIT2
#   libcli11-dev 2.1       find_package(CLI11)                    CLI11::CLI11
#   libtomlplusplus-dev 3  find_package(tomlplusplus)             tomlplusplus::tomlplusplus
#   libfmt-dev 9           find_package(fmt)                      fmt::fmt
#   libspdlog-dev 1.10     find_package(spdlog), built on that fmt spdlog::spdlog
#   libexpected-dev 1.0    find_package(tl-expected)              tl::expected
#   libgtest-dev 1.12      find_package(GTest), tests only        GTest::gtest_main
#   scdoc                  find_program: the man pages are built only when it is there
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2>=1.5)
# zlib: status reads HEAD's commit straight from a loose object or a pack (src/git/commit_tree.cpp).
find_package(ZLIB REQUIRED)
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
