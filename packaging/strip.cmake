# Run by cpack on the staged package (CPACK_PRE_BUILD_SCRIPTS, see cmake/Packaging.cmake):
# strips the packaged binary as Debian's dh_strip does, debug symbols and the .comment and
# .note sections lintian calls unneeded. CPACK_STRIP_FILES would run a bare `strip`,
# which keeps .comment. build/mr itself keeps its symbols.
set(mr_binary "${CPACK_TEMPORARY_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}/${CPACK_MR_BINARY}")
if(NOT EXISTS "${mr_binary}")
  message(FATAL_ERROR "packaging/strip.cmake: ${mr_binary} was not staged")
endif()
execute_process(
  COMMAND "${CPACK_MR_STRIP}" --remove-section=.comment --remove-section=.note --strip-unneeded
          "${mr_binary}"
  RESULT_VARIABLE mr_strip_result)
if(NOT mr_strip_result EQUAL 0)
  message(FATAL_ERROR "packaging/strip.cmake: ${CPACK_MR_STRIP} ${mr_binary} failed: ${mr_strip_result}")
endif()
