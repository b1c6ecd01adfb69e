/*  ingest_night.h — what ingest knows of the night so far, as the rules of
    the next declaration need it (tr_validate.h): which units have counted
    and which are final, a contests night's last partial count of each unit
    (counts are cumulative), and each contest's standing call. Rebuilt from
    the night log when ingest starts, and emptied when a pair's log is cut.
*/
#ifndef INGEST_NIGHT_H_INCLUDED
#define INGEST_NIGHT_H_INCLUDED

#include "config/tr_config.h"
#include "proto/tr_nack.h"

typedef struct _ingest_night_t ingest_night_t;

//  An empty night of config's election (which must outlive it).
ingest_night_t *
    ingest_night_new (const tr_config_t *config);

void
    ingest_night_destroy (ingest_night_t **self_p);

//  Forgets everything: the log was cut back to nothing.
void
    ingest_night_reset (ingest_night_t *self);

//  The night's rules for declaration, whose target (a seat index for a
//  count, a contest index for a call) the config's rules resolved. True if
//  it may be accepted; otherwise false with nack filled.
bool
    ingest_night_check (ingest_night_t *self, const tr_declaration_t *declaration,
                        size_t target, tr_nack_t *nack);

//  Records an accepted declaration of target.
void
    ingest_night_apply (ingest_night_t *self, const tr_declaration_t *declaration,
                        size_t target);

//  The config's rules and the target for a declaration from the log (which
//  passed them when it was accepted): false if it no longer does.
bool
    ingest_night_target (const tr_config_t *config, const tr_declaration_t *declaration,
                         size_t *target, tr_nack_t *nack);

#endif
