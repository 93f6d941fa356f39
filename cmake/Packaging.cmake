# The Debian package: `cpack -G DEB` in the build directory makes mr_VERSION-1_ARCH.deb from
# the install() rules, plus what Debian asks of every package: a machine-readable copyright
# file, a gzipped Debian changelog, and maintainer scripts (packaging/) that divert
# myrepos' /usr/bin/mr and mr(1) to mr.myrepos, and bash-completion's completion of
# myrepos' mr to mr.distrib, while this package is installed.
# The version is 0.1.0-1, not 0.1.0: the package is upstream's release packaged for Debian
# (revision 1), so its changelog is changelog.Debian.gz; with a native version lintian
# warns wrong-name-for-changelog-of-native-package (it wants changelog.gz).
set(MR_DEB_RELEASE 1)
set(MR_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(MR_PACKAGING_BINARY_DIR ${PROJECT_BINARY_DIR}/packaging)

# The changelog's newest entry must name the version being packaged: checked here, so a
# version bump without a changelog entry fails at configure time, not after a release.
file(STRINGS ${MR_PACKAGING_DIR}/changelog mr_changelog_head LIMIT_COUNT 1)
set(MR_DEB_VERSION "${PROJECT_VERSION}-${MR_DEB_RELEASE}")
if(NOT mr_changelog_head MATCHES "^mr \\(${MR_DEB_VERSION}\\) ")
  message(FATAL_ERROR "packaging/changelog: the newest entry must be for mr ${MR_DEB_VERSION} "
                      "(project version ${PROJECT_VERSION}), found: ${mr_changelog_head}")
endif()

# /usr/share/doc/mr/copyright in DEP-5 form, its licence text taken from LICENSE so the two
# cannot disagree: the line "Copyright ..." gives the Copyright field, the paragraphs after
# it the Expat text (indented one space, blank lines as " .").
file(READ ${PROJECT_SOURCE_DIR}/LICENSE mr_license)
if(NOT mr_license MATCHES "\nCopyright ([^\n]+)\n\n(.+)$")
  message(FATAL_ERROR "LICENSE: expected a \"Copyright ...\" line followed by the licence text")
endif()
set(MR_COPYRIGHT "${CMAKE_MATCH_1}")
string(STRIP "${CMAKE_MATCH_2}" mr_license_text)
string(REPLACE "\n\n" "\n.\n" mr_license_text "${mr_license_text}")
string(REPLACE "\n" "\n " mr_license_text "${mr_license_text}")
set(MR_LICENSE_TEXT " ${mr_license_text}")
configure_file(${MR_PACKAGING_DIR}/copyright.in ${MR_PACKAGING_BINARY_DIR}/copyright @ONLY)
install(FILES ${MR_PACKAGING_BINARY_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

# changelog.Debian.gz, compressed as the man pages are (gzip -9n: reproducible), and
# lintian's overrides: Debian's files, so in the package only, not in a plain
# `cmake --install` (the component debian, which only cpack installs).
find_program(GZIP gzip REQUIRED)
add_custom_command(
  OUTPUT ${MR_PACKAGING_BINARY_DIR}/changelog.Debian.gz
  COMMAND ${GZIP} -9n < ${MR_PACKAGING_DIR}/changelog > ${MR_PACKAGING_BINARY_DIR}/changelog.Debian.gz
  DEPENDS ${MR_PACKAGING_DIR}/changelog
  COMMENT "gzip changelog.Debian")
add_custom_target(debian_changelog ALL DEPENDS ${MR_PACKAGING_BINARY_DIR}/changelog.Debian.gz)
install(FILES ${MR_PACKAGING_BINARY_DIR}/changelog.Debian.gz DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT debian EXCLUDE_FROM_ALL)
install(FILES ${MR_PACKAGING_DIR}/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME mr COMPONENT debian EXCLUDE_FROM_ALL)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mr)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "manage many git repositories at once, a myrepos mr replacement")
set(CPACK_PACKAGE_DESCRIPTION_FILE ${MR_PACKAGING_DIR}/description.txt)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Every install() rule of the project, and the debian component besides.
set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};mr;ALL;/" "${PROJECT_BINARY_DIR};mr;debian;/")
# The staged binary is stripped as dh_strip strips (lintian rejects unstripped binaries);
# build/mr keeps its symbols.
if(NOT CMAKE_STRIP)
  message(FATAL_ERROR "strip (binutils) not found: the Debian package needs it")
endif()
set(CPACK_MR_STRIP ${CMAKE_STRIP})
set(CPACK_MR_BINARY ${CMAKE_INSTALL_BINDIR}/mr)
set(CPACK_PRE_BUILD_SCRIPTS ${MR_PACKAGING_DIR}/strip.cmake)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${MR_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_SECTION vcs)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# As in packaging/changelog's trailer. The project has no mail address yet: example.org is
# the reserved placeholder domain, to be replaced by a real address.
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "The mr developers <mr@example.org>")
# The shared libraries' packages come from dpkg-shlibdeps; git is the one dependency it
# cannot see: mr runs the git binary (commit, push, log, grep, clean, and the options of
# status, diff, fetch and update it hands to git).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS git)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${MR_PACKAGING_DIR}/preinst ${MR_PACKAGING_DIR}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
