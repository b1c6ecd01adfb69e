/*  ingest_records.c — the night so far, read back from the log
    (ingest_records.h).

    offsets [seq - 1] is where record seq starts, for every seq read so far
    (indexed); next_offset is where the record after indexed starts. A
    request for the records after a seq we have seen seeks straight there;
    anything newer is read forward from next_offset, indexing as it goes.
*/
#include "ingest_records.h"
#include <assert.h>
#include <stdlib.h>

struct _ingest_records_t {
    tr_nightlog_t *reader;      //  our own descriptor on the log
    long *offsets;              //  where each record starts, by seq - 1
    size_t capacity;            //  of offsets
    uint64_t indexed;           //  the highest seq in offsets
    long next_offset;           //  where record indexed + 1 starts
};

ingest_records_t *
ingest_records_new (const char *path, char *error, size_t error_size)
{
    ingest_records_t *self = (ingest_records_t *) calloc (1, sizeof (ingest_records_t));
    assert (self);
    self->reader = tr_nightlog_open_read (path, error, error_size);
    if (!self->reader) {
        free (self);
        return NULL;
    }
    self->next_offset = tr_nightlog_offset (self->reader);
    return self;
}

void
ingest_records_destroy (ingest_records_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        ingest_records_t *self = *self_p;
        tr_nightlog_destroy (&self->reader);
        free (self->offsets);
        free (self);
        *self_p = NULL;
    }
}

//  Reads the record at the reader's position, indexing it if it is new.
static int
s_read (ingest_records_t *self, tr_declaration_t *declaration,
        char *error, size_t error_size)
{
    long offset = tr_nightlog_offset (self->reader);
    tr_nightlog_err_t err = tr_nightlog_read (self->reader, declaration,
                                              error, error_size);
    if (err == TR_NIGHTLOG_END)
        return 0;
    if (err != TR_NIGHTLOG_OK)
        return -1;
    if (declaration->seq == self->indexed + 1) {
        if (self->indexed == self->capacity) {
            self->capacity = self->capacity ? self->capacity * 2 : 1024;
            self->offsets = (long *) realloc (self->offsets,
                                              self->capacity * sizeof (long));
            assert (self->offsets);
        }
        self->offsets [self->indexed++] = offset;
        self->next_offset = tr_nightlog_offset (self->reader);
    }
    return 1;
}

int
ingest_records_next (ingest_records_t *self, tr_declaration_t *declaration,
                     char *error, size_t error_size)
{
    assert (self && declaration);
    tr_nightlog_seek (self->reader, self->next_offset, self->indexed);
    return s_read (self, declaration, error, error_size);
}

int
ingest_records_after (ingest_records_t *self, uint64_t after, uint64_t durable,
                      tr_records_reply_t *reply, char *error, size_t error_size)
{
    assert (self && reply);
    reply->seq = durable;
    reply->declaration_count = 0;
    reply->declarations = NULL;
    if (after >= durable)
        return 0;
    uint64_t count = durable - after < TR_RECORDS_MAX ? durable - after : TR_RECORDS_MAX;
    reply->declarations = (tr_declaration_t *) calloc (count, sizeof (tr_declaration_t));
    assert (reply->declarations);
    if (after < self->indexed)
        tr_nightlog_seek (self->reader, self->offsets [after], after);
    else
        tr_nightlog_seek (self->reader, self->next_offset, self->indexed);
    while (reply->declaration_count < count) {
        tr_declaration_t *slot = &reply->declarations [reply->declaration_count];
        int rc = s_read (self, slot, error, error_size);
        if (rc < 0)
            return -1;
        if (rc == 0)
            break;          //  the log ends before durable: only if someone else cut it
        if (slot->seq > after)
            reply->declaration_count++;
    }
    return 0;
}
