# Run by CPack (CPACK_PRE_BUILD_SCRIPTS) on its staging tree before it makes
# the packages: Debian wants manual pages compressed with gzip -9n (no name
# nor time stamp, so that packages are reproducible), and install rules copy
# them as they are in the source tree.
file(GLOB_RECURSE staged LIST_DIRECTORIES false "${CPACK_TEMPORARY_DIRECTORY}/*")
foreach(file IN LISTS staged)
  if(file MATCHES "/share/man/([a-z_.@]+/)?man[1-9][^/]*/[^/]+\\.[1-9][^/.]*$" AND NOT IS_SYMLINK "${file}")
    execute_process(COMMAND gzip -9nf "${file}" COMMAND_ERROR_IS_FATAL ANY)
  endif()
endforeach()
