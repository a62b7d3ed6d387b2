# interimap_add_plugin(<target> SOURCES <files...> [LIBRARIES <libs...>])
#
# A plugin is a MODULE shared object with hidden visibility that exports exactly
# one symbol, the descriptor declared with INTERIMAP_PLUGIN(). It links the core
# library so that RTTI, the Result type and the logger exist once per process.
# The output is named interimap-<target>.so and lands in the build tree's plugin
# directory, where a program run from the build tree looks first.
function(interimap_add_plugin target)
  cmake_parse_arguments(PLUGIN "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${target} MODULE ${PLUGIN_SOURCES})
  target_link_libraries(${target} PRIVATE interimap::core ${PLUGIN_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "interimap-${target}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${INTERIMAP_BUILD_PLUGIN_DIR}")
  install(TARGETS ${target} LIBRARY DESTINATION "${INTERIMAP_INSTALL_PLUGIN_DIR}")
endfunction()
