# -DMR_FUZZ=ON (the "fuzz" preset, clang): every object is compiled with libFuzzer's
# coverage instrumentation and AddressSanitizer + UndefinedBehaviorSanitizer; the targets in
# fuzz/ link libFuzzer itself (fuzz/CMakeLists.txt). Without it, fuzz/ builds replay
# programs for the test suite instead.
# MR_FUZZ_SANITIZERS picks the sanitizers: "undefined" alone runs about twice as many
# inputs a second, for long runs on few cores (MR_FUZZ_SANITIZERS=undefined scripts/fuzz.sh,
# see README.md, Fuzzing); CI keeps both.
set(MR_FUZZ_SANITIZERS "address,undefined" CACHE STRING "Sanitizers of the fuzz build")
if(MR_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MR_FUZZ needs clang (libFuzzer): use the fuzz preset")
  endif()
  if(MR_SANITIZE)
    message(FATAL_ERROR "MR_FUZZ brings its own sanitizers: leave MR_SANITIZE empty")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,${MR_FUZZ_SANITIZERS} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${MR_FUZZ_SANITIZERS})
endif()
