# Warnings are an INTERFACE library that our own targets link (ccache's pattern), so they
# never leak into third-party code or into the compile of test frameworks' headers.
add_library(mr_warnings INTERFACE)
target_compile_options(mr_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2
  -Wimplicit-fallthrough -Wcast-qual
  $<$<CXX_COMPILER_ID:GNU>:-Wduplicated-cond -Wlogical-op -Wuseless-cast>
  # libgit2's GIT_*_OPTIONS_INIT macros set the version field and leave the rest to zero,
  # which clang's -Wextra reports at every use.
  $<$<CXX_COMPILER_ID:Clang>:-Wno-missing-field-initializers>
)
