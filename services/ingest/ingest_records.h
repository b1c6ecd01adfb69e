/*  ingest_records.h — the night so far, read back from ingest's own log for
    whoever missed part of it: ingest itself when it restarts, and the tally
    when it restarts or sees a gap in ingest's numbers (records_request).

    It reads the log through its own file descriptor while ingest appends
    through another, and remembers where each record starts, so serving the
    records after any seq is one seek and a few reads, not a scan.
*/
#ifndef INGEST_RECORDS_H_INCLUDED
#define INGEST_RECORDS_H_INCLUDED

#include "proto/tr_nightlog.h"

typedef struct _ingest_records_t ingest_records_t;

//  Opens path (a log open_append has already checked) for reading. NULL
//  with error set if it cannot.
ingest_records_t *
    ingest_records_new (const char *path, char *error, size_t error_size);

void
    ingest_records_destroy (ingest_records_t **self_p);

//  Reads the next record not read yet into declaration: 1 if there was
//  one, 0 at the end of the log, -1 on a read error (error says where).
int
    ingest_records_next (ingest_records_t *self, tr_declaration_t *declaration,
                         char *error, size_t error_size);

//  Fills reply with the records after seq after, at most TR_RECORDS_MAX and
//  none past durable (the last seq known to be on disk); reply->seq is set
//  to durable. Returns 0, or -1 on a read error (error says where).
int
    ingest_records_after (ingest_records_t *self, uint64_t after, uint64_t durable,
                          tr_records_reply_t *reply, char *error, size_t error_size);

#endif
