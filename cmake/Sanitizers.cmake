# -DMR_SANITIZE=address,undefined  or  -DMR_SANITIZE=thread  (see CMakePresets.json).
if(MR_SANITIZE)
  if(MR_SANITIZE MATCHES "thread" AND MR_SANITIZE MATCHES "address")
    message(FATAL_ERROR "ThreadSanitizer cannot be combined with AddressSanitizer")
  endif()
  add_compile_options(-fsanitize=${MR_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${MR_SANITIZE})
endif()
