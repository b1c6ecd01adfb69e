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

//  The nack code of a declaration for a seat that is not the centre's
//  (proto/README.md, nack codes).
#define TR_NACK_NOT_YOUR_SEAT   "not_your_seat"

//  True if the certificate name belongs to a desk.
bool
    tr_authorise_is_desk (const tr_config_t *config, const char *centre);

//  True if centre may declare constituency (an id, known to the config or
//  not). False with a reason for the centre ("constituency: E14001342
//  (Loughborough) is declared by count centre 'charnwood', not 'leics'")
//  in reason. An empty centre (a key with no name) may declare nothing.
bool
    tr_authorise_declaration (const tr_config_t *config, const char *centre,
                              const char *constituency,
                              char *reason, size_t reason_size);

#endif
