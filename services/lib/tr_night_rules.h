/*  tr_night_rules.h — what ingest knows of the night so far, as the rules of
    the next declaration need it (tr_validate.h): which units have counted
    and which are final, a contests night's last partial count of each unit
    (counts are cumulative), and each contest's standing call. Rebuilt from
    the night log when ingest starts, and emptied when a pair's log is cut.
*/
#ifndef TR_NIGHT_RULES_H_INCLUDED
#define TR_NIGHT_RULES_H_INCLUDED

#include "config/tr_config.h"
#include "proto/tr_nack.h"

typedef struct _tr_night_rules_t tr_night_rules_t;

//  An empty night of config's election (which must outlive it).
tr_night_rules_t *
    tr_night_rules_new (const tr_config_t *config);

void
    tr_night_rules_destroy (tr_night_rules_t **self_p);

//  Forgets everything: the log was cut back to nothing.
void
    tr_night_rules_reset (tr_night_rules_t *self);

//  The night's rules for declaration, whose target (a seat index for a
//  count, a contest index for a call) the config's rules resolved. True if
//  it may be accepted; otherwise false with nack filled.
bool
    tr_night_rules_check (tr_night_rules_t *self, const tr_declaration_t *declaration,
                        size_t target, tr_nack_t *nack);

//  Records an accepted declaration of target.
void
    tr_night_rules_apply (tr_night_rules_t *self, const tr_declaration_t *declaration,
                        size_t target);

//  The config's rules and the target for a declaration from the log (which
//  passed them when it was accepted): false if it no longer does.
bool
    tr_night_rules_target (const tr_config_t *config, const tr_declaration_t *declaration,
                         size_t *target, tr_nack_t *nack);

#endif
