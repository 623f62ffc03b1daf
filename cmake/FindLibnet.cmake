# Finds libnet 1.1.x. Debian's libnet1-dev ships no pkg-config file, so try
# pkg-config first (newer libnet releases have one) and fall back to the
# header and library search paths. Defines the imported target Libnet::Libnet.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_LIBNET QUIET libnet)
endif()
find_path(LIBNET_INCLUDE_DIR libnet.h HINTS ${PC_LIBNET_INCLUDE_DIRS})
find_library(LIBNET_LIBRARY NAMES net HINTS ${PC_LIBNET_LIBRARY_DIRS})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libnet REQUIRED_VARS LIBNET_LIBRARY LIBNET_INCLUDE_DIR)
if(Libnet_FOUND AND NOT TARGET Libnet::Libnet)
  add_library(Libnet::Libnet UNKNOWN IMPORTED)
  set_target_properties(Libnet::Libnet PROPERTIES
    IMPORTED_LOCATION "${LIBNET_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIBNET_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS "HAVE_NET_ETHERNET_H")
endif()
mark_as_advanced(LIBNET_INCLUDE_DIR LIBNET_LIBRARY)
