# interimap_add_plugin(<name> SOURCES <files...> [LIBRARIES <libs...>]
#                      [COMPONENT <component>] [DESTINATION <dir>])
#
# Builds the plugin <name> (also the name of its CMake target): a MODULE shared
# object named interimap-<name>.so, built with hidden visibility so that it
# exports exactly one symbol, the descriptor declared with INTERIMAP_PLUGIN().
# It links the core library (InterIMAP::core) so that RTTI, the Result type
# and the logger exist once per process. It is installed in DESTINATION
# (default: INTERIMAP_PLUGIN_INSTALL_DIR, the directory where the interimap it
# is built for looks for plugins), in install COMPONENT when given.
#
# The same file serves the plugins of interimap's source tree and, installed
# with the SDK, out-of-tree plugins (find_package(InterIMAP) includes it). The
# includer sets:
#   INTERIMAP_PLUGIN_INSTALL_DIR    the default DESTINATION;
#   INTERIMAP_PLUGIN_OUTPUT_DIR     where modules are built (unset: the
#                                   current binary directory);
#   INTERIMAP_PLUGIN_INSTALL_RPATH  their RPATH once installed (unset: none;
#                                   a plugin needs none, the program that
#                                   loads it has already loaded the core).
function(interimap_add_plugin name)
  cmake_parse_arguments(PLUGIN "" "COMPONENT;DESTINATION" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT PLUGIN_SOURCES)
    message(FATAL_ERROR "interimap_add_plugin(${name}): no SOURCES")
  endif()
  if(NOT PLUGIN_DESTINATION)
    set(PLUGIN_DESTINATION "${INTERIMAP_PLUGIN_INSTALL_DIR}")
  endif()
  add_library(${name} MODULE ${PLUGIN_SOURCES})
  target_link_libraries(${name} PRIVATE InterIMAP::core ${PLUGIN_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    SUFFIX ".so"
    OUTPUT_NAME "interimap-${name}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(INTERIMAP_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${INTERIMAP_PLUGIN_OUTPUT_DIR}")
  endif()
  if(INTERIMAP_PLUGIN_INSTALL_RPATH)
    set_target_properties(${name} PROPERTIES INSTALL_RPATH "${INTERIMAP_PLUGIN_INSTALL_RPATH}")
  endif()
  if(PLUGIN_COMPONENT)
    install(TARGETS ${name} LIBRARY DESTINATION "${PLUGIN_DESTINATION}" COMPONENT ${PLUGIN_COMPONENT})
  else()
    install(TARGETS ${name} LIBRARY DESTINATION "${PLUGIN_DESTINATION}")
  endif()
endfunction()
