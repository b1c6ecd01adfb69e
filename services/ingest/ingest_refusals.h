/*  ingest_refusals.h — what ingest's log says of the messages it refuses:
    at most one line a second for each centre. The first refusal in a
    window is logged in full; the rest are counted and summed in one line
    when the window closes. A flood of bad messages would otherwise write a
    line each: megabytes a second (issue 10.5).

    Centres are told apart by their certificate names (all "" with Curve
    off), so the table is as small as the trust store.                    */
#ifndef INGEST_REFUSALS_H_INCLUDED
#define INGEST_REFUSALS_H_INCLUDED

#include "proto/tr_msg.h"

#define INGEST_REFUSALS_WINDOW_MS   1000

typedef struct _ingest_refusals_t ingest_refusals_t;

ingest_refusals_t *
    ingest_refusals_new (void);

void
    ingest_refusals_destroy (ingest_refusals_t **self_p);

//  Logs nack, refused to centre, unless centre already had its line in this
//  window. detail (may be NULL) goes in the line before the reason, and
//  makes it a warning: a refusal the desk should see (not_your_seat).
void
    ingest_refusals_log (ingest_refusals_t *self, const char *centre,
                         const tr_nack_t *nack, const char *detail);

//  Closes the windows that are over, logging the sum of what each held
//  back. Call about once a window, and once at the end.
void
    ingest_refusals_flush (ingest_refusals_t *self);

#endif
