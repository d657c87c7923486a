// Reading the signed part of a stored document, for the store's readers of lots and 合格证
// (registry/lots.cpp, registry/hgz.cpp); kept out of the public signed_record.h so that it
// hands out no SQL statement.
#pragma once

#include "agritrace/registry/signed_record.h"
#include "agritrace/registry/sql_connection.h"

namespace agritrace {

// The signed part of a `lots` or `hgz` row: its columns record_json, signature, kid and
// event_index, in that order from column `first` of the statement's current row.
SignedRecord ReadSignedRecord(sql::Statement& row, int first);

}  // namespace agritrace
