# The hardening Debian builds its packages with (dpkg-buildflags), where it applies: the
# optimised builds without a sanitizer, which are what gets installed and packaged.
# _FORTIFY_SOURCE checks the bounds of the C library's string and memory calls where they
# are known at compile time (it needs optimisation); -z relro -z now resolves every symbol
# at start and makes the relocated data read-only, so a write through a stray pointer
# cannot redirect a library call. lintian's hardening-* checks look for both.
if(NOT MR_SANITIZE AND NOT MR_FUZZ AND CMAKE_BUILD_TYPE MATCHES "^(Release|RelWithDebInfo|MinSizeRel)$")
  add_compile_options(-D_FORTIFY_SOURCE=2 -fstack-protector-strong)
  add_link_options(-Wl,-z,relro -Wl,-z,now)
endif()
