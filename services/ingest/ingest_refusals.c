/*  ingest_refusals.c — one log line a second per centre (ingest_refusals.h). */

#include "ingest_refusals.h"
#include <czmq.h>

//  What the log has been told of one centre's refusals.
typedef struct {
    int64_t window_at;          //  when the current window opened (mono ms);
                                //  0: no window open
    uint64_t unlogged;          //  refusals since, not yet in the log
    char code [TR_CODE_MAX + 1];    //  the last of them
} s_centre_t;

struct _ingest_refusals_t {
    zhashx_t *centres;          //  certificate name -> s_centre_t *
};

static void
s_free_centre (void **item)
{
    free (*item);
    *item = NULL;
}

ingest_refusals_t *
ingest_refusals_new (void)
{
    ingest_refusals_t *self = (ingest_refusals_t *) calloc (1, sizeof (ingest_refusals_t));
    assert (self);
    self->centres = zhashx_new ();
    assert (self->centres);
    zhashx_set_destructor (self->centres, s_free_centre);
    return self;
}

void
ingest_refusals_destroy (ingest_refusals_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        ingest_refusals_t *self = *self_p;
        zhashx_destroy (&self->centres);
        free (self);
        *self_p = NULL;
    }
}

void
ingest_refusals_log (ingest_refusals_t *self, const char *centre,
                     const tr_nack_t *nack, const char *detail)
{
    s_centre_t *known = (s_centre_t *) zhashx_lookup (self->centres, centre);
    if (!known) {
        known = (s_centre_t *) calloc (1, sizeof (s_centre_t));
        assert (known);
        zhashx_insert (self->centres, centre, known);
    }
    if (known->window_at) {
        known->unlogged++;
        TR_COPY (known->code, nack->code);
        return;
    }
    known->window_at = zclock_mono ();
    const char *name = *centre ? centre : "-";
    const char *id = *nack->submission_id ? nack->submission_id : "-";
    if (detail)
        zsys_warning ("ingest: refused submission=%s code=%s centre=%s %s "
                      "reason=\"%s\"", id, nack->code, name, detail, nack->reason);
    else
        zsys_info ("ingest: refused submission=%s code=%s centre=%s reason=\"%s\"",
                   id, nack->code, name, nack->reason);
}

void
ingest_refusals_flush (ingest_refusals_t *self)
{
    int64_t now = zclock_mono ();
    for (s_centre_t *known = (s_centre_t *) zhashx_first (self->centres);
         known; known = (s_centre_t *) zhashx_next (self->centres)) {
        if (!known->window_at || now - known->window_at < INGEST_REFUSALS_WINDOW_MS)
            continue;
        if (known->unlogged) {
            const char *centre = (const char *) zhashx_cursor (self->centres);
            zsys_warning ("ingest: refused %llu more messages from centre=%s in the "
                          "last %.1f s (the last: code=%s)",
                          (unsigned long long) known->unlogged, *centre ? centre : "-",
                          (double) (now - known->window_at) / 1000.0, known->code);
            //  The summary is this window's line: the next refusal counts.
            known->window_at = now;
            known->unlogged = 0;
        }
        else
            known->window_at = 0;
    }
}
