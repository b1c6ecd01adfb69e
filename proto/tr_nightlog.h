/*  tr_nightlog.h — the night log: the declarations of one election night,
    in the order they were accepted, as a file.

    Ingest appends every declaration it accepts and flushes it to disk
    before it acks; `tallyroom replay` reads the same format, so the night
    ingest wrote and a night prepared by `tallyroom import-hoc` play alike.

    Layout (proto/README.md, "The night log", is the specification):
        magic    8 bytes  "TRNIGHT\n"
        header   u32 big-endian length, then a MessagePack map
                 {"format": 2, "election": str}
        records  each: a 28-byte prefix (u32 body length, u64 seq, i64
                 accepted_at in Unix ms, u32 CRC-32 of the body, u32 CRC-32
                 of the prefix's first 24 bytes), then the body: one encoded
                 declaration message (tr_msg_encode) carrying the same seq
                 and accepted_at. Seqs run 1, 2, 3, … without a gap.
*/
#ifndef TR_NIGHTLOG_H_INCLUDED
#define TR_NIGHTLOG_H_INCLUDED

#include "tr_msg.h"
#include <stdio.h>

#define TR_NIGHTLOG_FORMAT      2
#define TR_NIGHTLOG_RECORD_MAX  (64 * 1024)     /*  one record's body        */

typedef enum {
    TR_NIGHTLOG_OK = 0,
    TR_NIGHTLOG_END,            /*  no more records                           */
    TR_NIGHTLOG_ERR_IO,         /*  read or write failed: see errno           */
    TR_NIGHTLOG_ERR_MAGIC,      /*  not a night log                           */
    TR_NIGHTLOG_ERR_HEADER,     /*  header unreadable or of another format    */
    TR_NIGHTLOG_ERR_TORN,       /*  the file ends inside a record (or in
                                    zeros): what a crash mid-write leaves     */
    TR_NIGHTLOG_ERR_CHECKSUM,   /*  a whole prefix or body fails its CRC:
                                    corruption, not a crash                   */
    TR_NIGHTLOG_ERR_RECORD      /*  a record is not a valid declaration, or
                                    its seq does not follow the one before    */
} tr_nightlog_err_t;

typedef struct _tr_nightlog_t tr_nightlog_t;

//  Opens path for reading and checks its header. Returns NULL and writes a
//  message (naming the file and offset) into error on failure.
tr_nightlog_t *
    tr_nightlog_open_read (const char *path, char *error, size_t error_size);

//  Creates path (truncating it) and writes the header for election.
tr_nightlog_t *
    tr_nightlog_create (const char *path, const char *election,
                        char *error, size_t error_size);

//  Opens an existing log to append to it, after reading it through: the
//  last record's seq is in *last_seq. A torn last record is cut off (and
//  *truncated set to its offset, else -1); a bad checksum anywhere else
//  fails with the offset in error. A missing file is created; an empty
//  one, or one whose header is torn (tr_nightlog_header_torn), is started
//  again with a new header (*truncated 0 if it was torn). Everything the
//  file holds is fdatasynced before this returns: it may have been
//  written by a process killed before its own sync, and the caller will
//  take it all as on disk.
tr_nightlog_t *
    tr_nightlog_open_append (const char *path, const char *election,
                             uint64_t *last_seq, long *truncated,
                             char *error, size_t error_size);

void
    tr_nightlog_destroy (tr_nightlog_t **self_p);

//  True if path holds only the start of a night log's header: empty, all
//  zeros, or cut (or zeroed) before the header's end. The header is
//  synced before any record is written, so such a file never held an
//  acked declaration; open_append starts it again. A complete header that
//  does not read is damage: false.
bool
    tr_nightlog_header_torn (const char *path);

//  The election named in the header.
const char *
    tr_nightlog_election (tr_nightlog_t *self);

//  Reads the next record into declaration. Returns TR_NIGHTLOG_END at a
//  clean end of file; on error, error says what and at which offset.
tr_nightlog_err_t
    tr_nightlog_read (tr_nightlog_t *self, tr_declaration_t *declaration,
                      char *error, size_t error_size);

//  The byte offset of the next record tr_nightlog_read will read.
long
    tr_nightlog_offset (tr_nightlog_t *self);

//  Makes the next read start at offset, a record's start that an earlier
//  tr_nightlog_offset returned; seq_before is the seq of the record before
//  it (0 for the first), against which the next seq is checked.
void
    tr_nightlog_seek (tr_nightlog_t *self, long offset, uint64_t seq_before);

//  "torn", "checksum", …: a short name for logs and exit messages.
const char *
    tr_nightlog_err_name (tr_nightlog_err_t err);

//  Appends one record; declaration->seq must follow the last one's.
//  Written with one write(2); call tr_nightlog_sync to make it durable.
tr_nightlog_err_t
    tr_nightlog_append (tr_nightlog_t *self,
                        const tr_declaration_t *declaration);

//  Appends one record whose body is already encoded: the exact bytes
//  another log holds (an ingest pair's passive half writes what the active
//  half wrote, so the two files are byte-identical). body must be one
//  encoded declaration carrying seq and accepted_at; the caller decodes it
//  first (it came from the network). seq must follow the last one's.
tr_nightlog_err_t
    tr_nightlog_append_body (tr_nightlog_t *self, uint64_t seq, int64_t accepted_at,
                             const uint8_t *body, size_t length);

//  fsync: everything appended so far is on disk when it returns OK.
tr_nightlog_err_t
    tr_nightlog_sync (tr_nightlog_t *self);

//  Call after tr_nightlog_sync failed, before exiting: cuts the file back
//  to the end of what the last successful sync covered, and syncs that.
//  After an fsync error the kernel may keep the unwritten pages as clean
//  and report success to a later fsync, so a restarted ingest would read
//  them back as durable; cut off, they are plainly not in the log, and the
//  clients' resends are appended again. The log takes no more appends.
tr_nightlog_err_t
    tr_nightlog_cut_unsynced (tr_nightlog_t *self);

#endif
