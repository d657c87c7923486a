# The build's check of the libraries' borders (issue 12, part 1), run before the registry
# compiles: cmake -DSOURCE_DIR=... -P check_layers.cmake. A library's public headers are those
# under include/agritrace/<library>/; everything in registry/, labeler/, http/ is private to it.
# It fails the build, naming file and line text, when
#   - a folder includes a header of a folder that depends on it (cli -> http -> labeler ->
#     registry, one way);
#   - labeler/, http/ or cli/ includes another library's private header ("registry/store_x.h"
#     rather than "agritrace/registry/…"): the store, its SQL and its backends stay inside;
#   - a public header includes its own library's private header, which would hand it out;
#   - a file outside registry/ holds an SQL statement or includes sqlite3.h or libpq-fe.h.
# tests/ and bench/ may reach inside: they test and measure the insides.
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED SOURCE_DIR)
  message(FATAL_ERROR "check_layers.cmake needs -DSOURCE_DIR=")
endif()

# The folders each folder may include from, besides itself.
set(allowed_registry "")
set(allowed_labeler registry)
set(allowed_http registry labeler)
set(allowed_cli registry labeler http)

set(problems "")
foreach(folder registry labeler http cli)
  file(GLOB_RECURSE private_files "${SOURCE_DIR}/${folder}/*.h" "${SOURCE_DIR}/${folder}/*.cpp")
  file(GLOB_RECURSE public_files "${SOURCE_DIR}/include/agritrace/${folder}/*.h")
  foreach(file ${private_files} ${public_files})
    file(RELATIVE_PATH shown "${SOURCE_DIR}" "${file}")
    set(public FALSE)
    if(shown MATCHES "^include/")
      set(public TRUE)
    endif()
    # Only the lines that can matter; a problem is shown with its line's text.
    file(STRINGS "${file}" lines REGEX "#[ \t]*include|SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA")
    foreach(line IN LISTS lines)
      string(STRIP "${line}" text)
      if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"(agritrace/)?(registry|labeler|http|cli)/([^\"]+)\"")
        set(to "${CMAKE_MATCH_2}")
        set(header "${CMAKE_MATCH_3}")
        if(NOT to STREQUAL folder AND NOT to IN_LIST allowed_${folder})
          string(APPEND problems
                 "${shown}: ${text}\n  ${folder}/ 不得包含 ${to}/${header}（依赖只能单向：cli -> http -> "
                 "labeler -> registry）/ ${folder}/ may not include ${to}/${header}: the arrows "
                 "go one way\n")
        elseif(NOT CMAKE_MATCH_1 AND NOT to STREQUAL folder)
          string(APPEND problems
                 "${shown}: ${text}\n  ${to}/${header} 是 ${to} 的私有头文件，请改用 include/agritrace/${to}/ "
                 "下的公开头文件，或说明理由后把它移到那里 / ${to}/${header} is private to ${to}: use "
                 "its public headers in include/agritrace/${to}/, or move it there saying why\n")
        elseif(NOT CMAKE_MATCH_1 AND public)
          string(APPEND problems
                 "${shown}: ${text}\n  公开头文件不得包含私有头文件 ${to}/${header}（包含它的人会因此进入库内部）"
                 "/ a public header may not include the private ${to}/${header}: whoever includes "
                 "it would reach inside\n")
        endif()
      elseif((public OR NOT folder STREQUAL "registry") AND
             line MATCHES "^[ \t]*#[ \t]*include[ \t]*<(sqlite3|libpq-fe)\\.h>")
        string(APPEND problems
               "${shown}: ${text}\n  只有 registry/ 的存储实现可以使用数据库驱动 / only the registry's "
               "store may include <${CMAKE_MATCH_1}.h>\n")
      elseif((public OR NOT folder STREQUAL "registry") AND
             line MATCHES "\"[ \t]*(SELECT [^\"]* FROM|INSERT INTO|UPDATE [A-Za-z_]+ SET|DELETE FROM|CREATE (TABLE|INDEX)|PRAGMA [a-z_]+)")
        string(APPEND problems
               "${shown}: ${text}\n  SQL 只能写在 registry/ 的存储实现中 / SQL belongs in the registry's "
               "store, not in ${folder}/\n")
      endif()
    endforeach()
  endforeach()
endforeach()

if(problems)
  message(FATAL_ERROR "库的边界被越过 / a library's border is crossed:\n${problems}")
endif()
