# Debian packages: `cpack -G DEB` in a build configured with prefix /usr
# (packaging/build-debs.sh does it with Debian's build flags). One package per
# install component (see CMakeLists.txt beside this file); the relations
# between them are written here, the dependencies on system libraries are
# found by dpkg-shlibdeps.
set(deb_version "${PROJECT_VERSION}-1")
set(deb_same "(= ${deb_version})")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME interimap)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# CPack's DEB generator puts the package summary before each component's
# description unless it is CPack's default: each description has its own.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_PACKAGE_CONTACT "interimap C++ maintainers <maintainers@users.noreply.h-seed-3114da53.example>")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/compress-manpages.cmake")
# The programs and plugins need libinterimap-core.so.0, which no installed
# package provides yet: dpkg-shlibdeps finds it in the build tree, and the
# dependency on libinterimap-core0 is written below.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${PROJECT_BINARY_DIR}/core")
# libinterimap-core0 gets a shlibs file (and the ldconfig trigger), for
# packages built against it elsewhere: they need at least this version.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

# interimap_deb_wrap(TEXT VAR): TEXT with its paragraphs wrapped at 72
# columns, as Debian wants an extended description (CPack leaves lines as they
# are); a paragraph is a line of TEXT.
function(interimap_deb_wrap text var)
  string(REPLACE "\n" " \n " text "${text}")
  string(REPLACE " " ";" words "${text}")
  set(out "")
  set(line "")
  foreach(word IN LISTS words)
    if(word STREQUAL "\n")
      string(APPEND out "${line}\n")
      set(line "")
    elseif(NOT word STREQUAL "")
      string(LENGTH "${line} ${word}" length)
      if(line STREQUAL "")
        set(line "${word}")
      elseif(length GREATER 72)
        string(APPEND out "${line}\n")
        set(line "${word}")
      else()
        string(APPEND line " ${word}")
      endif()
    endif()
  endforeach()
  string(APPEND out "${line}")
  set(${var} "${out}" PARENT_SCOPE)
endfunction()

# interimap_deb_package(COMPONENT NAME SECTION SUMMARY DESCRIPTION [FIELD VALUE]...)
# The Debian package NAME made of install COMPONENT; FIELDs are DEPENDS,
# SUGGESTS, ENHANCES, PROVIDES... (CPACK_DEBIAN_<COMPONENT>_PACKAGE_<FIELD>).
function(interimap_deb_package component name section summary description)
  string(TOUPPER "${component}" c)
  set(CPACK_DEBIAN_${c}_PACKAGE_NAME "${name}" PARENT_SCOPE)
  set(CPACK_DEBIAN_${c}_PACKAGE_SECTION "${section}" PARENT_SCOPE)
  interimap_deb_wrap("${description}" description)
  set(CPACK_DEBIAN_${c}_DESCRIPTION "${summary}\n${description}" PARENT_SCOPE)
  set(fields ${ARGN})
  while(fields)
    list(POP_FRONT fields field value)
    set(CPACK_DEBIAN_${c}_PACKAGE_${field} "${value}" PARENT_SCOPE)
  endwhile()
  if(INTERIMAP_PACKAGE_DOCS)
    install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/copyright ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz
      DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${name} COMPONENT ${component})
  endif()
endfunction()

if(INTERIMAP_PACKAGE_DOCS)
  # One changelog for the source package, in every binary package, compressed
  # without a name or time stamp (gzip -n) so that packages are reproducible.
  execute_process(COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
    OUTPUT_FILE ${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz COMMAND_ERROR_IS_FATAL ANY)
endif()

set(about "interimap synchronises two IMAP servers both ways: mailboxes, \
subscriptions, messages and flags, exchanging only what changed since the last run \
(QRESYNC, RFC 7162). This implementation in C++ replaces interimap 0.5.7.")

interimap_deb_package(core-library libinterimap-core0 libs
  "interimap core library"
  "${about}\n\nThis package contains the library shared by the programs (interimap, \
pullimap) and their plugins. It carries plugin ABI version 1."
  # A package of a plugin built elsewhere depends on the ABI it was built for.
  PROVIDES "interimap-plugin-abi-1"
  # ldconfig runs once per dpkg run through libc-bin's trigger (what Debian
  # wants) rather than from maintainer scripts, which CPack would write.
  CONTROL_EXTRA "${PROJECT_SOURCE_DIR}/packaging/debian/triggers")

interimap_deb_package(interimap interimap mail
  "fast bidirectional synchronisation of QRESYNC-capable IMAP servers"
  "${about}\n\nThis package contains the interimap program, its systemd user \
units, and the plugins most configurations need: the tunnel, TCP and TLS \
transports, the PLAIN and LOGIN authenticators and the SQLite database."
  DEPENDS "libinterimap-core0 ${deb_same}"
  SUGGESTS "dovecot-imapd, interimap-plugin-socks5, interimap-plugin-deflate")

# pullimap: the program is built by this tree once it exists.
if(TARGET pullimap)
  interimap_deb_package(pullimap pullimap mail
    "pull mail from an IMAP mailbox and deliver it to an SMTP or LMTP server"
    "pullimap retrieves the new messages of an IMAP mailbox and delivers them \
over SMTP or LMTP, optionally deleting them from the server some days later, \
and can stay connected (IMAP IDLE) to deliver new mail at once. It replaces \
pullimap 0.5.7.\n\nIt uses the transports and authenticators of the interimap package."
    DEPENDS "libinterimap-core0 ${deb_same}, interimap ${deb_same}"
    SUGGESTS "interimap-plugin-socks5, interimap-plugin-deflate")
endif()

interimap_deb_package(plugin-socks5 interimap-plugin-socks5 mail
  "SOCKS5 proxy transport for interimap and pullimap"
  "${about}\n\nThis plugin lets interimap and pullimap reach a server through a \
SOCKS5 proxy (option proxy = socks5://... or socks5h://...), with or without \
a user name and password."
  DEPENDS "libinterimap-core0 ${deb_same}"
  ENHANCES "interimap, pullimap")

interimap_deb_package(plugin-deflate interimap-plugin-deflate mail
  "IMAP COMPRESS=DEFLATE for interimap and pullimap"
  "${about}\n\nThis plugin compresses the IMAP traffic with the COMPRESS=DEFLATE \
extension (RFC 4978) when the server offers it (option compress)."
  DEPENDS "libinterimap-core0 ${deb_same}"
  ENHANCES "interimap, pullimap")

interimap_deb_package(dev libinterimap-core-dev libdevel
  "interimap plugin SDK"
  "${about}\n\nThis package contains what is needed to build plugins (transports, \
authenticators, state stores, compression layers) out of interimap's source tree: \
the headers, the CMake package (find_package(InterIMAP)) and interimap.pc."
  DEPENDS "libinterimap-core0 ${deb_same}, libboost-dev (>= 1.74)"
  SUGGESTS "cmake, pkg-config")

set(CPACK_COMPONENTS_ALL core-library interimap plugin-socks5 plugin-deflate dev)
if(TARGET pullimap)
  list(APPEND CPACK_COMPONENTS_ALL pullimap)
endif()

include(CPack)
