# The build's check of the libraries' borders (issue 12, part 1), run before the registry
# compiles: cmake -DSOURCE_DIR=... -DREGISTRY_PUBLIC=a.h,b.h -DLABELER_PUBLIC=... -DHTTP_PUBLIC=...
# -P check_layers.cmake. It fails the build, naming file and line text, when
#   - a folder includes a header of a folder that depends on it (cli -> http -> labeler ->
#     registry, one way);
#   - labeler/, http/ or cli/ includes a registry, labeler or http header that is not on that
#     library's public list (CMakeLists.txt): the store, its SQL and its backends stay inside;
#   - a file outside registry/ holds an SQL statement or includes sqlite3.h or libpq-fe.h.
# tests/ and bench/ may reach inside: they test and measure the insides.
cmake_minimum_required(VERSION 3.25)

foreach(var SOURCE_DIR REGISTRY_PUBLIC LABELER_PUBLIC HTTP_PUBLIC)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_layers.cmake needs -D${var}=")
  endif()
  string(REPLACE "," ";" ${var} "${${var}}")
endforeach()

# The folders each folder may include from, besides itself.
set(allowed_registry "")
set(allowed_labeler registry)
set(allowed_http registry labeler)
set(allowed_cli registry labeler http)
set(public_registry ${REGISTRY_PUBLIC})
set(public_labeler ${LABELER_PUBLIC})
set(public_http ${HTTP_PUBLIC})

set(problems "")
foreach(folder registry labeler http cli)
  file(GLOB_RECURSE files "${SOURCE_DIR}/${folder}/*.h" "${SOURCE_DIR}/${folder}/*.cpp")
  foreach(file ${files})
    file(RELATIVE_PATH shown "${SOURCE_DIR}" "${file}")
    # Only the lines that can matter; a problem is shown with its line's text.
    file(STRINGS "${file}" lines REGEX "#[ \t]*include|SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA")
    foreach(line IN LISTS lines)
      string(STRIP "${line}" text)
      if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"(registry|labeler|http|cli)/([^\"]+)\"")
        set(to "${CMAKE_MATCH_1}")
        set(header "${CMAKE_MATCH_2}")
        if(NOT to STREQUAL folder)
          if(NOT to IN_LIST allowed_${folder})
            string(APPEND problems
                   "${shown}: ${text}\n  ${folder}/ 不得包含 ${to}/${header}（依赖只能单向：cli -> http -> "
                   "labeler -> registry）/ ${folder}/ may not include ${to}/${header}: the arrows "
                   "go one way\n")
          elseif(NOT header IN_LIST public_${to})
            string(APPEND problems
                   "${shown}: ${text}\n  ${to}/${header} 不是 ${to} 的公开头文件，请改用公开接口或在 "
                   "CMakeLists.txt 中说明理由后加入公开列表 / ${to}/${header} is not one of ${to}'s "
                   "public headers: use its public functions, or add it to the list in "
                   "CMakeLists.txt saying why\n")
          endif()
        endif()
      elseif(NOT folder STREQUAL "registry" AND
             line MATCHES "^[ \t]*#[ \t]*include[ \t]*<(sqlite3|libpq-fe)\\.h>")
        string(APPEND problems
               "${shown}: ${text}\n  只有 registry/ 的存储实现可以使用数据库驱动 / only the registry's "
               "store may include <${CMAKE_MATCH_1}.h>\n")
      elseif(NOT folder STREQUAL "registry" AND
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
