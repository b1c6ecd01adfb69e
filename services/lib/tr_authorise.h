/*  tr_authorise.h — may this count centre declare this seat? Pure: the
    config's answer to a name and a constituency id, no sockets, so every
    rule is unit-tested (tests/unit/test_authorise.c).

    The name is the one in the certificate ingest trusts (the ZAP metadata
    "name" of the peer's CurveZMQ key, services/lib/tr_curve.h); it is never
    anything the peer sends in a message. A centre may declare (first,
    recount or correction) the seats whose count_centre is its name, and
    those config security.centres grants it by id or by region or nation; a
    desk (security.desks) may declare and correct any seat.
*/
#ifndef TR_AUTHORISE_H_INCLUDED
#define TR_AUTHORISE_H_INCLUDED

#include "config/tr_config.h"

#include "proto/tr_nack.h"     //  TR_NACK_NOT_YOUR_SEAT

//  True if the certificate name belongs to a desk.
bool
    tr_authorise_is_desk (const tr_config_t *config, const char *centre);

//  True if centre may declare the seat at index seat of config's
//  constituencies (as tr_validate_seat resolves it). False with a reason
//  for the centre in reason, naming the seat and the sender only — never
//  the seat's own count centre, which is another centre's business
//  ("constituency: E14001342 (Loughborough) is not a seat count centre
//  'leics' may declare"). An empty centre (a key with no name) may declare
//  nothing.
bool
    tr_authorise_seat (const tr_config_t *config, const char *centre, size_t seat,
                       char *reason, size_t reason_size);

//  The same for a constituency id, known to the config or not.
bool
    tr_authorise_declaration (const tr_config_t *config, const char *centre,
                              const char *constituency,
                              char *reason, size_t reason_size);

#endif
