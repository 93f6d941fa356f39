# Every third-party dependency is found here, in one place, from Debian 12 packages
# (see ../shared/reference/build-notes.md for how each one is packaged).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2>=1.5)
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
