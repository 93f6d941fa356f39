# -DMR_SANITIZE=address,undefined  or  -DMR_SANITIZE=thread  (see CMakePresets.json).
if(MR_SANITIZE)
  if(MR_SANITIZE MATCHES "thread" AND MR_SANITIZE MATCHES "address")
    message(FATAL_ERROR "ThreadSanitizer cannot be combined with AddressSanitizer")
  endif()
  add_compile_options(-fsanitize=${MR_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${MR_SANITIZE})
  if(MR_SANITIZE MATCHES "address")
    # Not position-independent: the sanitizers' per-check data in a PIE binary needs a
    # million relocations at every start (0.18 s instead of 0.11 s per mr run, and the
    # suite starts mr thousands of times).
    add_compile_options(-fno-pie)
    add_link_options(-no-pie)
  endif()
endif()
