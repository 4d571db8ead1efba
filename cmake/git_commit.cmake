# Sets NIRL_COMMIT for the version header (kCommit, include/nirl/version.hpp.in): the short
# hash of the checked-out commit, with "-dirty" when tracked files differ from it, or
# "unknown" when the source tree is not a git checkout of its own (a tarball). It is read
# at configure time, and the configure step reruns when HEAD moves (its reflog changes);
# the header is rewritten only when the text changes, so a build is not dirtied by it.
set(NIRL_COMMIT unknown)
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --show-toplevel
                  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} OUTPUT_VARIABLE nirl_git_top
                  OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE nirl_git_failed ERROR_QUIET)
  get_filename_component(nirl_source_real ${CMAKE_CURRENT_SOURCE_DIR} REALPATH)
  if(NOT nirl_git_failed)
    get_filename_component(nirl_git_top ${nirl_git_top} REALPATH)
  endif()
  if(NOT nirl_git_failed AND nirl_git_top STREQUAL nirl_source_real)
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short HEAD WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
                    OUTPUT_VARIABLE NIRL_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    execute_process(COMMAND ${GIT_EXECUTABLE} status --porcelain --untracked-files=no
                    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} OUTPUT_VARIABLE nirl_git_changes ERROR_QUIET)
    if(nirl_git_changes)
      string(APPEND NIRL_COMMIT -dirty)
    endif()
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --git-path logs/HEAD WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
                    OUTPUT_VARIABLE nirl_git_reflog OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    get_filename_component(nirl_git_reflog ${nirl_git_reflog} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    if(EXISTS ${nirl_git_reflog})
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${nirl_git_reflog})
    endif()
  endif()
  if(NIRL_COMMIT STREQUAL "")
    set(NIRL_COMMIT unknown)
  endif()
endif()
message(STATUS "nirl commit: ${NIRL_COMMIT}")
