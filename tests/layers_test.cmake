# scripts/check_layers.cmake fails the build on each kind of border crossing, names the file, and
# passes a tree that keeps to the rules. Run by ctest: cmake -DSOURCE_DIR=<repo> -DWORK=<dir> -P.
cmake_minimum_required(VERSION 3.25)

function(write_tree root)
  file(REMOVE_RECURSE "${root}")
  set(pub "${root}/include/agritrace")
  file(WRITE "${pub}/registry/store.h" "#pragma once\n#include \"agritrace/registry/status.h\"\n")
  file(WRITE "${pub}/registry/status.h" "#pragma once\n")
  file(WRITE "${root}/registry/sqlite_connection.h" "#include <sqlite3.h>\n")
  file(WRITE "${root}/registry/store.cpp"
       "#include \"agritrace/registry/store.h\"\n#include \"registry/sqlite_connection.h\"\n"
       "const char* q = \"SELECT name FROM t\";\n")
  file(WRITE "${pub}/labeler/label_job.h" "#include \"agritrace/registry/store.h\"\n")
  file(WRITE "${root}/labeler/pdf_renderer.h" "#pragma once\n")
  file(WRITE "${root}/labeler/label_job.cpp"
       "#include \"agritrace/labeler/label_job.h\"\n#include \"labeler/pdf_renderer.h\"\n")
  file(WRITE "${pub}/http/server.h" "#include \"agritrace/labeler/label_job.h\"\n")
  file(WRITE "${root}/http/console/page.cpp" "#include \"agritrace/http/server.h\"\n")
  file(WRITE "${root}/cli/main.cpp"
       "#include \"agritrace/http/server.h\"\n#include \"agritrace/registry/store.h\"\n")
  # Tests may reach inside.
  file(WRITE "${root}/tests/store_test.cpp" "#include \"registry/sqlite_connection.h\"\n")
endfunction()

# check(<name> <file to add or replace> <its text> <expected: pass or a message fragment>)
function(check name file text expected)
  set(root "${WORK}/${name}")
  write_tree("${root}")
  if(file)
    file(WRITE "${root}/${file}" "${text}")
  endif()
  execute_process(
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${root} -P ${SOURCE_DIR}/scripts/check_layers.cmake
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(expected STREQUAL "pass")
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${name}: a tree within the rules was refused:\n${out}")
    endif()
  else()
    if(rc EQUAL 0)
      message(FATAL_ERROR "${name}: the check passed a tree it must refuse")
    endif()
    string(FIND "${out}" "${expected}" at)
    if(at EQUAL -1 OR NOT out MATCHES "${file}")
      message(FATAL_ERROR "${name}: expected \"${expected}\" naming ${file}, got:\n${out}")
    endif()
  endif()
endfunction()

check(clean "" "" pass)
check(wrong_way registry/lots.cpp "#include \"agritrace/http/server.h\"\n" "arrows go one way")
check(labeler_up labeler/job.cpp "#include \"agritrace/http/server.h\"\n" "arrows go one way")
check(wrong_way_private registry/lots.cpp "#include \"http/pages.h\"\n" "arrows go one way")
check(private_registry http/api.cpp "#include \"registry/sqlite_connection.h\"\n"
      "is private to registry")
check(private_labeler http/console/labels.cpp "#include \"labeler/pdf_renderer.h\"\n"
      "is private to labeler")
check(public_leaks include/agritrace/labeler/label_job.h "#include \"labeler/pdf_renderer.h\"\n"
      "a public header may not include the private")
check(public_driver include/agritrace/registry/store.h "#include <sqlite3.h>\n"
      "only the registry's store")
check(driver labeler/export.cpp "#include <sqlite3.h>\n" "only the registry's store")
check(stray_sql cli/log.cpp "auto q = db.Query(\"SELECT idx FROM events\");\n"
      "SQL belongs in the registry's store")
check(stray_insert http/scans.cpp "  \"INSERT INTO scans (code) VALUES (?)\"\n"
      "SQL belongs in the registry's store")
