/*  tr_nightlog.c — the night log of tr_nightlog.h: declarations in the
    order ingest accepted them, one checksummed record each.

    The log is what ingest promises a count centre when it acks, so it is
    written with plain open/write/fdatasync and no stdio buffer: each
    record goes out in one write(2) call, and after a crash the file ends
    either after a whole record or inside the last one (a torn record).
    A torn tail is the one damage a crash can do to a log (and a torn
    header the one it can do to a log being created, before anything was
    acked), so open_append cuts it off and carries on; anything else (a bad checksum, a record that does
    not decode, a seq out of order) means the file was changed behind our
    back, and we stop and say where rather than guess. Each record's prefix
    carries its own checksum so that the two can be told apart (see
    "Records" below).

    An ack promises the disk, not the page cache, so nothing in the file
    is taken as durable until this process has synced it: open_append
    syncs the file it read through (a record written by an ingest killed
    before its fdatasync is in the page cache only, and would otherwise be
    acked again on a resend and lost at a power cut). After a failed
    fdatasync the kernel may have marked the pages clean without writing
    them, and a later fdatasync reports success: tr_nightlog_cut_unsynced
    cuts the file back to what the last good sync covered before ingest
    exits, so a restart cannot read those bytes back as durable.

    Reads use pread at an offset we keep, so a log open for appending
    (O_APPEND) can be read through first without juggling the file
    position. Lengths are checked against their limits before anything is
    allocated: a corrupt length cannot make us allocate gigabytes.
*/
#include "tr_nightlog.h"
#include "tr_msg_schema.h"
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC               "TRNIGHT\n"
#define MAGIC_SIZE          8
#define HEADER_MAX          4096        /*  the header map's bytes          */
#define ELECTION_MAX        TR_NAME_MAX /*  the election's name, bytes      */
#define PREFIX_SIZE         28          /*  length, seq, accepted_at,
                                            body CRC, prefix CRC            */

struct _tr_nightlog_t {
    char *path;                         //  as given, for error messages
    int fd;                             //  the open file
    bool writable;                      //  opened by create or open_append
    char election [ELECTION_MAX + 1];   //  from the header
    off_t offset;                       //  where the next record is read
    off_t end;                          //  writer: end of the last whole record
    off_t synced_end;                   //  writer: end of what the last
                                        //  successful fdatasync covered
    uint64_t last_seq;                  //  of the last record read or written
    tr_msg_t scratch;                   //  a message to decode and encode in,
                                        //  too big for a daemon's stack
};

//  Writes "path: offset N: what" (no offset if it is -1) into error and
//  returns false, so a check can fail in one line.
static bool
s_fail (char *error, size_t error_size, const char *path, long long offset,
        const char *format, ...) __attribute__ ((format (printf, 5, 6)));

static bool
s_fail (char *error, size_t error_size, const char *path, long long offset,
        const char *format, ...)
{
    if (!error || error_size == 0)
        return false;
    int used = offset >= 0
             ? snprintf (error, error_size, "%s: offset %lld: ", path, offset)
             : snprintf (error, error_size, "%s: ", path);
    if (used >= 0 && (size_t) used < error_size) {
        va_list args;
        va_start (args, format);
        vsnprintf (error + used, error_size - (size_t) used, format, args);
        va_end (args);
    }
    return false;
}

static uint32_t
s_get_u32 (const uint8_t *bytes)
{
    return (uint32_t) bytes [0] << 24 | (uint32_t) bytes [1] << 16
         | (uint32_t) bytes [2] << 8 | (uint32_t) bytes [3];
}

static void
s_put_u32 (uint8_t *bytes, uint32_t value)
{
    bytes [0] = (uint8_t) (value >> 24);
    bytes [1] = (uint8_t) (value >> 16);
    bytes [2] = (uint8_t) (value >> 8);
    bytes [3] = (uint8_t) value;
}

//  Reads up to size bytes at offset, fewer only at end of file. Returns
//  the count, or -1 with errno set.
static ssize_t
s_read_at (int fd, void *buffer, size_t size, off_t offset)
{
    size_t done = 0;
    while (done < size) {
        ssize_t got = pread (fd, (char *) buffer + done, size - done,
                             offset + (off_t) done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        done += (size_t) got;
    }
    return (ssize_t) done;
}

//  One write(2): the bytes land whole or the file is cut back to end, so
//  a failed append (a full disk) leaves no torn record mid-file.
static int
s_write_whole (tr_nightlog_t *self, const uint8_t *bytes, size_t size)
{
    ssize_t written;
    do
        written = write (self->fd, bytes, size);
    while (written < 0 && errno == EINTR);
    if (written == (ssize_t) size) {
        self->end += (off_t) size;
        return 0;
    }
    int saved = written < 0? errno: ENOSPC;
    if (written > 0 && ftruncate (self->fd, self->end) != 0)
        saved = errno;
    errno = saved;
    return -1;
}

//  Takes fd: closes it if it cannot wrap it.
static tr_nightlog_t *
s_new (const char *path, int fd, bool writable)
{
    tr_nightlog_t *self = calloc (1, sizeof (*self));
    if (self)
        self->path = strdup (path);
    if (!self || !self->path) {
        free (self);
        close (fd);
        return NULL;
    }
    self->fd = fd;
    self->writable = writable;
    return self;
}

void
tr_nightlog_destroy (tr_nightlog_t **self_p)
{
    assert (self_p);
    tr_nightlog_t *self = *self_p;
    if (!self)
        return;
    close (self->fd);
    tr_msg_clear (&self->scratch);
    free (self->path);
    free (self);
    *self_p = NULL;
}

//  -------------------------------------------------------------------------
//  The header: magic, u32 length, {"format": 1, "election": str}

static bool
s_parse_header_map (tr_nightlog_t *self, const msgpack_object *object,
                    char *error, size_t error_size)
{
    char detail [256];
    if (object->type != MSGPACK_OBJECT_MAP)
        return s_fail (error, error_size, self->path, MAGIC_SIZE,
                       "header is a %s, not a map", tr_msg_read_type_name (object));
    const msgpack_object_map *map = &object->via.map;
    if (tr_msg_read_keys (map, "header", detail, sizeof (detail)) != TR_MSG_OK)
        return s_fail (error, error_size, self->path, MAGIC_SIZE, "%s", detail);
    const msgpack_object *format = tr_msg_read_find (map, "format");
    if (!format || format->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return s_fail (error, error_size, self->path, MAGIC_SIZE,
                       "header: format is not an unsigned integer");
    if (format->via.u64 != TR_NIGHTLOG_FORMAT)
        return s_fail (error, error_size, self->path, MAGIC_SIZE,
                       "header: format %" PRIu64 ", but this tallyroom reads "
                       "format %d only", format->via.u64, TR_NIGHTLOG_FORMAT);
    const msgpack_object *election = tr_msg_read_find (map, "election");
    if (!election || election->type != MSGPACK_OBJECT_STR
    ||  election->via.str.size > ELECTION_MAX
    ||  (election->via.str.size && memchr (election->via.str.ptr, 0, election->via.str.size)))
        return s_fail (error, error_size, self->path, MAGIC_SIZE,
                       "header: election is not a string of at most %d bytes",
                       ELECTION_MAX);
    if (election->via.str.size)
        memcpy (self->election, election->via.str.ptr, election->via.str.size);
    self->election [election->via.str.size] = 0;
    return true;
}

static bool
s_read_header_map (tr_nightlog_t *self, const uint8_t *bytes, size_t size,
                   char *error, size_t error_size)
{
    //  msgpack-c reserves a container's claimed items before reading them:
    //  a header of 4 KiB must not ask for gigabytes (tr_msg_claims.c).
    char detail [256];
    if (tr_msg_read_claims (bytes, size, detail, sizeof (detail)) != TR_MSG_OK)
        return s_fail (error, error_size, self->path, MAGIC_SIZE, "header: %s", detail);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t used = 0;
    msgpack_unpack_return rc = msgpack_unpack_next (&unpacked, (const char *) bytes,
                                                    size, &used);
    bool valid;
    if (rc != MSGPACK_UNPACK_SUCCESS || used != size)
        valid = s_fail (error, error_size, self->path, MAGIC_SIZE,
                        "header is not one MessagePack object of %zu bytes", size);
    else
        valid = s_parse_header_map (self, &unpacked.data, error, error_size);
    msgpack_unpacked_destroy (&unpacked);
    return valid;
}

static bool
s_read_header (tr_nightlog_t *self, char *error, size_t error_size)
{
    uint8_t start [MAGIC_SIZE + 4];
    ssize_t got = s_read_at (self->fd, start, sizeof (start), 0);
    if (got < 0)
        return s_fail (error, error_size, self->path, 0, "cannot read: %s",
                       strerror (errno));
    if (got < MAGIC_SIZE || memcmp (start, MAGIC, MAGIC_SIZE) != 0)
        return s_fail (error, error_size, self->path, 0,
                       "not a night log (no \"TRNIGHT\" magic)");
    if (got < (ssize_t) sizeof (start))
        return s_fail (error, error_size, self->path, MAGIC_SIZE,
                       "the file ends inside the header length");
    uint32_t length = s_get_u32 (start + MAGIC_SIZE);
    if (length == 0 || length > HEADER_MAX)
        return s_fail (error, error_size, self->path, MAGIC_SIZE,
                       "header length %" PRIu32 " is not 1..%d", length, HEADER_MAX);
    uint8_t header [HEADER_MAX];
    got = s_read_at (self->fd, header, length, sizeof (start));
    if (got != (ssize_t) length)
        return s_fail (error, error_size, self->path, MAGIC_SIZE,
                       "the file ends inside the %" PRIu32 "-byte header", length);
    if (!s_read_header_map (self, header, length, error, error_size))
        return false;
    self->offset = (off_t) (sizeof (start) + length);
    self->end = self->offset;
    return true;
}

//  The whole header goes out in one write, then to disk.
static bool
s_write_header (tr_nightlog_t *self, const char *election,
                char *error, size_t error_size)
{
    size_t length = strlen (election);
    if (length > ELECTION_MAX)
        return s_fail (error, error_size, self->path, -1,
                       "election name past %d bytes", ELECTION_MAX);
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    bool written = msgpack_sbuffer_write (&buffer, MAGIC "\0\0\0\0", MAGIC_SIZE + 4) == 0
        && msgpack_pack_map (&packer, 2) == 0
        && msgpack_pack_str_with_body (&packer, "format", 6) == 0
        && msgpack_pack_uint32 (&packer, TR_NIGHTLOG_FORMAT) == 0
        && msgpack_pack_str_with_body (&packer, "election", 8) == 0
        && msgpack_pack_str_with_body (&packer, election, length) == 0;
    if (written) {
        s_put_u32 ((uint8_t *) buffer.data + MAGIC_SIZE,
                   (uint32_t) (buffer.size - MAGIC_SIZE - 4));
        written = s_write_whole (self, (const uint8_t *) buffer.data, buffer.size) == 0
               && fdatasync (self->fd) == 0;
        if (written)
            self->synced_end = self->end;
    }
    msgpack_sbuffer_destroy (&buffer);
    if (!written)
        return s_fail (error, error_size, self->path, 0,
                       "cannot write the header: %s", strerror (errno));
    memcpy (self->election, election, length + 1);
    self->offset = self->end;
    return true;
}

//  A new file is durable only once its directory entry is: fsync the
//  directory too, or a crash could lose the whole log.
static bool
s_sync_directory (const char *path)
{
    char *copy = strdup (path);
    if (!copy)
        return false;
    int fd = open (dirname (copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free (copy);
    if (fd < 0)
        return false;
    //  Some file systems cannot sync a directory (EINVAL): nothing to do.
    bool synced = fsync (fd) == 0 || errno == EINVAL;
    close (fd);
    return synced;
}

//  -------------------------------------------------------------------------
//  Opening

//  Opens path with flags and wraps it; NULL with error set on failure.
static tr_nightlog_t *
s_open (const char *path, int flags, char *error, size_t error_size)
{
    int fd = open (path, flags | O_CLOEXEC, 0644);
    if (fd < 0) {
        s_fail (error, error_size, path, -1, "cannot open: %s", strerror (errno));
        return NULL;
    }
    tr_nightlog_t *self = s_new (path, fd, (flags & O_ACCMODE) != O_RDONLY);
    if (!self)
        s_fail (error, error_size, path, -1, "out of memory");
    return self;
}

tr_nightlog_t *
tr_nightlog_open_read (const char *path, char *error, size_t error_size)
{
    assert (path);
    tr_nightlog_t *self = s_open (path, O_RDONLY, error, error_size);
    if (self && !s_read_header (self, error, error_size))
        tr_nightlog_destroy (&self);
    return self;
}

tr_nightlog_t *
tr_nightlog_create (const char *path, const char *election,
                    char *error, size_t error_size)
{
    assert (path && election);
    tr_nightlog_t *self = s_open (path, O_RDWR | O_CREAT | O_TRUNC | O_APPEND,
                                  error, error_size);
    if (!self)
        return NULL;
    if (!s_write_header (self, election, error, error_size))
        tr_nightlog_destroy (&self);
    else
    if (!s_sync_directory (path)) {
        s_fail (error, error_size, path, -1, "cannot sync its directory: %s",
                strerror (errno));
        tr_nightlog_destroy (&self);
    }
    return self;
}

//  Reads every record; a torn last one is cut off. False on anything else.
static bool
s_read_through (tr_nightlog_t *self, uint64_t *last_seq, long *truncated,
                char *error, size_t error_size)
{
    tr_declaration_t *declaration = malloc (sizeof (*declaration));
    if (!declaration)
        return s_fail (error, error_size, self->path, -1, "out of memory");
    tr_nightlog_err_t err;
    while ((err = tr_nightlog_read (self, declaration, error, error_size))
           == TR_NIGHTLOG_OK)
        *last_seq = declaration->seq;
    free (declaration);
    if (err == TR_NIGHTLOG_ERR_TORN) {
        if (ftruncate (self->fd, self->offset) != 0 || fdatasync (self->fd) != 0)
            return s_fail (error, error_size, self->path, (long long) self->offset,
                           "cannot cut off the torn record: %s", strerror (errno));
        *truncated = (long) self->offset;
        err = TR_NIGHTLOG_END;
    }
    self->end = self->offset;
    return err == TR_NIGHTLOG_END;
}

//  The offset just past the last non-zero byte of the file (0 if it is
//  all zeros), or -1 if it cannot be read.
static off_t
s_content_end (int fd)
{
    uint8_t block [4096];
    off_t offset = 0, content_end = 0;
    ssize_t got;
    while ((got = s_read_at (fd, block, sizeof block, offset)) > 0) {
        for (ssize_t index = got; index > 0; index--)
            if (block [index - 1]) {
                content_end = offset + index;
                break;
            }
        offset += got;
    }
    return got < 0? -1: content_end;
}

//  True if the file holds the start of a header and nothing after it:
//  empty, all zeros, or cut (or zeros) before the header's last byte.
//  The header is written in one write and synced before any record is
//  appended, so such a file holds no record and nothing was ever acked.
//  A complete header that does not read, or bytes that are not the start
//  of one, is damage and is not torn.
static bool
s_header_torn (int fd)
{
    off_t content_end = s_content_end (fd);
    if (content_end < 0)
        return false;
    uint8_t start [MAGIC_SIZE + 4];
    ssize_t got = s_read_at (fd, start, sizeof start, 0);
    if (got < 0 || got < (content_end < (off_t) sizeof start? content_end:
                                                               (off_t) sizeof start))
        return false;
    size_t magic_present = content_end < MAGIC_SIZE? (size_t) content_end: MAGIC_SIZE;
    if (memcmp (start, MAGIC, magic_present) != 0)
        return false;
    if (content_end < (off_t) sizeof start)
        return true;
    uint32_t length = s_get_u32 (start + MAGIC_SIZE);
    return length >= 1 && length <= HEADER_MAX
        && content_end < (off_t) (sizeof start + length);
}

bool
tr_nightlog_header_torn (const char *path)
{
    assert (path);
    int fd = open (path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool torn = s_header_torn (fd);
    close (fd);
    return torn;
}

//  A torn header: creation stopped before its header was on disk. Start
//  the night again in the same file.
static bool
s_rewrite_header (tr_nightlog_t *self, const char *election,
                  char *error, size_t error_size)
{
    if (ftruncate (self->fd, 0) != 0)
        return s_fail (error, error_size, self->path, 0,
                       "cannot cut off the torn header: %s", strerror (errno));
    self->end = 0;
    return s_write_header (self, election, error, error_size);
}

//  What the file holds may be in the page cache only (the ingest that
//  wrote it was killed before its fdatasync): make it durable before
//  anyone takes it as such.
static bool
s_sync_at_open (tr_nightlog_t *self, char *error, size_t error_size)
{
    if (fdatasync (self->fd) != 0)
        return s_fail (error, error_size, self->path, -1,
                       "cannot sync what the log holds: %s", strerror (errno));
    self->synced_end = self->end;
    return true;
}

tr_nightlog_t *
tr_nightlog_open_append (const char *path, const char *election,
                         uint64_t *last_seq, long *truncated,
                         char *error, size_t error_size)
{
    assert (path && last_seq && truncated);
    *last_seq = 0;
    *truncated = -1;
    if (election && access (path, F_OK) != 0 && errno == ENOENT)
        return tr_nightlog_create (path, election, error, error_size);
    tr_nightlog_t *self = s_open (path, O_RDWR | O_APPEND, error, error_size);
    if (!self)
        return NULL;

    //  An empty file, or a torn header, is a log whose creation stopped
    //  before its header was on disk: start it again rather than refuse
    //  it. An empty file is not worth a word; a torn one is (*truncated 0).
    struct stat status;
    bool empty = fstat (self->fd, &status) == 0 && status.st_size == 0;
    if (election && (empty || (!s_read_header (self, NULL, 0)
                               && s_header_torn (self->fd)))) {
        if (!s_rewrite_header (self, election, error, error_size))
            tr_nightlog_destroy (&self);
        else
        if (!empty)
            *truncated = 0;
        return self;
    }
    if (!s_read_header (self, error, error_size))
        tr_nightlog_destroy (&self);
    else
    if (election && strcmp (self->election, election) != 0) {
        s_fail (error, error_size, path, MAGIC_SIZE,
                "the log is of election \"%s\", not \"%s\"", self->election, election);
        tr_nightlog_destroy (&self);
    }
    else
    if (!s_read_through (self, last_seq, truncated, error, error_size)
    ||  !s_sync_at_open (self, error, error_size))
        tr_nightlog_destroy (&self);
    return self;
}

const char *
tr_nightlog_election (tr_nightlog_t *self)
{
    assert (self);
    return self->election;
}

//  -------------------------------------------------------------------------
//  Records: a 28-byte prefix that checks itself, then the body
//
//  The prefix carries its own CRC so that a reader can tell the two kinds
//  of damage apart. A crash can only cut the file short: what is there is
//  a whole prefix that checks, or fewer than 28 bytes. A prefix of 28 bytes
//  that does not check, or a whole body that does not, was changed after
//  it was written — corruption, which no crash explains.

static uint64_t
s_get_u64 (const uint8_t *bytes)
{
    return (uint64_t) s_get_u32 (bytes) << 32 | s_get_u32 (bytes + 4);
}

static void
s_put_u64 (uint8_t *bytes, uint64_t value)
{
    s_put_u32 (bytes, (uint32_t) (value >> 32));
    s_put_u32 (bytes + 4, (uint32_t) value);
}

static tr_nightlog_err_t
s_read_error (tr_nightlog_t *self, tr_nightlog_err_t err, char *error,
              size_t error_size, const char *format, ...)
    __attribute__ ((format (printf, 5, 6)));

static tr_nightlog_err_t
s_read_error (tr_nightlog_t *self, tr_nightlog_err_t err, char *error,
              size_t error_size, const char *format, ...)
{
    char what [512];
    va_list args;
    va_start (args, format);
    vsnprintf (what, sizeof (what), format, args);
    va_end (args);
    s_fail (error, error_size, self->path, (long long) self->offset,
            "record: %s", what);
    return err;
}

//  True if every byte from offset to the end of the file is zero: space a
//  crash left allocated but never written, which is a torn tail too.
static bool
s_zeros_to_end (tr_nightlog_t *self, off_t offset)
{
    uint8_t block [4096];
    ssize_t got;
    while ((got = s_read_at (self->fd, block, sizeof block, offset)) > 0) {
        for (ssize_t index = 0; index < got; index++)
            if (block [index])
                return false;
        offset += got;
    }
    return got == 0;
}

//  Checks and decodes one whole body into declaration: its CRC, that it is
//  a declaration, and that it carries the prefix's seq and time.
static tr_nightlog_err_t
s_check_body (tr_nightlog_t *self, const uint8_t *prefix, const uint8_t *body,
              uint32_t length, tr_declaration_t *declaration,
              char *error, size_t error_size)
{
    uint32_t checksum = s_get_u32 (prefix + 20);
    uint32_t actual = (uint32_t) crc32 (0L, body, length);
    if (actual != checksum)
        return s_read_error (self, TR_NIGHTLOG_ERR_CHECKSUM, error, error_size,
                             "body checksum %08" PRIx32 " does not match its "
                             "body's %08" PRIx32, checksum, actual);
    char detail [256];
    tr_msg_err_t err = tr_msg_decode (body, length, &self->scratch,
                                      detail, sizeof (detail));
    tr_nightlog_err_t result = TR_NIGHTLOG_ERR_RECORD;
    const tr_declaration_t *decoded = &self->scratch.u.declaration;
    if (err != TR_MSG_OK)
        s_read_error (self, result, error, error_size,
                      "not a valid declaration: %s: %s", tr_msg_err_name (err), detail);
    else
    if (self->scratch.type != TR_MSG_DECLARATION)
        s_read_error (self, result, error, error_size, "a %s, not a declaration",
                      tr_msg_type_name (self->scratch.type));
    else
    if (decoded->seq != s_get_u64 (prefix + 4)
    ||  decoded->accepted_at != (int64_t) s_get_u64 (prefix + 12))
        s_read_error (self, result, error, error_size,
                      "the body's seq %" PRIu64 " or accepted_at %" PRId64
                      " differs from the prefix's", decoded->seq, decoded->accepted_at);
    else {
        *declaration = *decoded;
        result = TR_NIGHTLOG_OK;
    }
    tr_msg_clear (&self->scratch);
    return result;
}

//  Checks a whole prefix: its CRC, its length and that its seq follows the
//  one before. A prefix that fails its CRC is corruption, unless it and all
//  after it are zeros.
static tr_nightlog_err_t
s_check_prefix (tr_nightlog_t *self, const uint8_t *prefix, uint32_t *length,
                char *error, size_t error_size)
{
    uint32_t checksum = s_get_u32 (prefix + 24);
    uint32_t actual = (uint32_t) crc32 (0L, prefix, 24);
    if (actual != checksum && s_zeros_to_end (self, self->offset))
        return s_read_error (self, TR_NIGHTLOG_ERR_TORN, error, error_size,
                             "the file ends in zeros where a record should be");
    if (actual != checksum)
        return s_read_error (self, TR_NIGHTLOG_ERR_CHECKSUM, error, error_size,
                             "prefix checksum %08" PRIx32 " does not match its "
                             "prefix's %08" PRIx32, checksum, actual);
    *length = s_get_u32 (prefix);
    uint64_t seq = s_get_u64 (prefix + 4);
    if (*length == 0 || *length > TR_NIGHTLOG_RECORD_MAX)
        return s_read_error (self, TR_NIGHTLOG_ERR_RECORD, error, error_size,
                             "length %" PRIu32 " is not 1..%d", *length,
                             TR_NIGHTLOG_RECORD_MAX);
    if (seq == 0 || (self->last_seq && seq != self->last_seq + 1))
        return s_read_error (self, TR_NIGHTLOG_ERR_RECORD, error, error_size,
                             "seq %" PRIu64 " does not follow %" PRIu64, seq,
                             self->last_seq);
    return TR_NIGHTLOG_OK;
}

tr_nightlog_err_t
tr_nightlog_read (tr_nightlog_t *self, tr_declaration_t *declaration,
                  char *error, size_t error_size)
{
    assert (self && declaration);
    uint8_t prefix [PREFIX_SIZE];
    ssize_t got = s_read_at (self->fd, prefix, PREFIX_SIZE, self->offset);
    if (got < 0)
        return s_read_error (self, TR_NIGHTLOG_ERR_IO, error, error_size,
                             "cannot read: %s", strerror (errno));
    if (got == 0)
        return TR_NIGHTLOG_END;
    if (got < PREFIX_SIZE)
        return s_read_error (self, TR_NIGHTLOG_ERR_TORN, error, error_size,
                             "the file ends inside its prefix (%zd of %d bytes)",
                             got, PREFIX_SIZE);
    uint32_t length = 0;
    tr_nightlog_err_t err = s_check_prefix (self, prefix, &length, error, error_size);
    if (err != TR_NIGHTLOG_OK)
        return err;
    uint8_t *body = malloc (length);
    if (!body)
        return s_read_error (self, TR_NIGHTLOG_ERR_IO, error, error_size,
                             "no memory for %" PRIu32 " bytes", length);
    got = s_read_at (self->fd, body, length, self->offset + PREFIX_SIZE);
    if (got < 0)
        err = s_read_error (self, TR_NIGHTLOG_ERR_IO, error, error_size,
                            "cannot read: %s", strerror (errno));
    else
    if (got < (ssize_t) length)
        err = s_read_error (self, TR_NIGHTLOG_ERR_TORN, error, error_size,
                            "the file ends inside its body (%zd of %" PRIu32 " bytes)",
                            got, length);
    else
        err = s_check_body (self, prefix, body, length, declaration, error, error_size);
    free (body);
    if (err == TR_NIGHTLOG_OK) {
        self->offset += PREFIX_SIZE + (off_t) length;
        self->last_seq = declaration->seq;
    }
    return err;
}

long
tr_nightlog_offset (tr_nightlog_t *self)
{
    assert (self);
    return (long) self->offset;
}

void
tr_nightlog_seek (tr_nightlog_t *self, long offset, uint64_t seq_before)
{
    assert (self && offset >= 0);
    self->offset = (off_t) offset;
    self->last_seq = seq_before;
}

tr_nightlog_err_t
tr_nightlog_append (tr_nightlog_t *self, const tr_declaration_t *declaration)
{
    assert (self && declaration);
    assert (self->writable);
    assert (declaration->seq > 0);
    self->scratch.type = TR_MSG_DECLARATION;
    self->scratch.u.declaration = *declaration;
    size_t length;
    uint8_t *body = tr_msg_encode (&self->scratch, &length);
    tr_msg_clear (&self->scratch);
    if (!body)
        return TR_NIGHTLOG_ERR_RECORD;
    tr_nightlog_err_t err = tr_nightlog_append_body (self, declaration->seq,
                                                     declaration->accepted_at,
                                                     body, length);
    free (body);
    return err;
}

tr_nightlog_err_t
tr_nightlog_append_body (tr_nightlog_t *self, uint64_t seq, int64_t accepted_at,
                         const uint8_t *body, size_t length)
{
    assert (self && body);
    assert (self->writable);
    assert (seq > 0);
    if (length > TR_NIGHTLOG_RECORD_MAX)
        return TR_NIGHTLOG_ERR_RECORD;
    uint8_t *record = malloc (PREFIX_SIZE + length);
    if (!record)
        return TR_NIGHTLOG_ERR_IO;
    s_put_u32 (record, (uint32_t) length);
    s_put_u64 (record + 4, seq);
    s_put_u64 (record + 12, (uint64_t) accepted_at);
    s_put_u32 (record + 20, (uint32_t) crc32 (0L, body, (uInt) length));
    s_put_u32 (record + 24, (uint32_t) crc32 (0L, record, 24));
    memcpy (record + PREFIX_SIZE, body, length);
    int rc = s_write_whole (self, record, PREFIX_SIZE + length);
    free (record);
    if (rc == 0)
        self->last_seq = seq;
    return rc == 0? TR_NIGHTLOG_OK: TR_NIGHTLOG_ERR_IO;
}

tr_nightlog_err_t
tr_nightlog_sync (tr_nightlog_t *self)
{
    assert (self);
    //  fdatasync flushes the file's size with its data: enough for a log
    //  that only grows.
    if (fdatasync (self->fd) != 0)
        return TR_NIGHTLOG_ERR_IO;
    self->synced_end = self->end;
    return TR_NIGHTLOG_OK;
}

tr_nightlog_err_t
tr_nightlog_cut_unsynced (tr_nightlog_t *self)
{
    assert (self);
    assert (self->writable);
    int saved = 0;
    if (ftruncate (self->fd, self->synced_end) != 0)
        saved = errno;
    else
        self->end = self->synced_end;
    //  The new size must reach the disk too; if this sync fails as well,
    //  the truncation still holds in this boot's page cache, which is what
    //  a restarted ingest reads.
    if (fdatasync (self->fd) != 0 && !saved)
        saved = errno;
    errno = saved;
    return saved? TR_NIGHTLOG_ERR_IO: TR_NIGHTLOG_OK;
}

const char *
tr_nightlog_err_name (tr_nightlog_err_t err)
{
    switch (err) {
        case TR_NIGHTLOG_OK:            return "ok";
        case TR_NIGHTLOG_END:           return "end";
        case TR_NIGHTLOG_ERR_IO:        return "io";
        case TR_NIGHTLOG_ERR_MAGIC:     return "magic";
        case TR_NIGHTLOG_ERR_HEADER:    return "header";
        case TR_NIGHTLOG_ERR_TORN:      return "torn";
        case TR_NIGHTLOG_ERR_CHECKSUM:  return "checksum";
        case TR_NIGHTLOG_ERR_RECORD:    return "record";
    }
    return "unknown";
}
