/*  tr_authorise.c — which seats a count centre may declare (tr_authorise.h).

    Three rules, checked from the cheapest: a desk may declare anything; a
    seat's own count_centre may declare it; a grant in security.centres
    adds seats by id and by region or nation. Anything else is refused with
    a reason that names the seat and the sender's own name, so the person at
    the count can tell a typo in the ONS code from a key installed under the
    wrong name; it never names another centre (ingest's log does, for the
    desk).
*/
#include "tr_authorise.h"

bool
tr_authorise_is_desk (const tr_config_t *config, const char *centre)
{
    assert (config);
    assert (centre);
    const tr_security_t *security = &config->security;
    for (size_t index = 0; index < security->desk_count; index++)
        if (streq (security->desks [index], centre))
            return true;
    return false;
}

static const tr_centre_grant_t *
s_grant (const tr_config_t *config, const char *centre)
{
    const tr_security_t *security = &config->security;
    for (size_t index = 0; index < security->grant_count; index++)
        if (streq (security->grants [index].name, centre))
            return &security->grants [index];
    return NULL;
}

static bool
s_granted (const tr_centre_grant_t *grant, size_t seat_index,
           const tr_constituency_t *seat)
{
    for (size_t index = 0; index < grant->seat_count; index++)
        if (grant->seats [index] == seat_index)
            return true;
    for (size_t index = 0; index < grant->region_count; index++)
        if (streq (grant->regions [index], seat->region)
        ||  streq (grant->regions [index], seat->nation))
            return true;
    return false;
}

static bool
s_nameless (char *reason, size_t reason_size)
{
    snprintf (reason, reason_size, "the key this declaration came with has no "
              "centre name in ingest's trusted certificate; ask the desk to "
              "reinstall it");
    return false;
}

bool
tr_authorise_seat (const tr_config_t *config, const char *centre, size_t seat_index,
                   char *reason, size_t reason_size)
{
    assert (config);
    assert (centre);
    assert (seat_index < config->constituency_count);
    if (!*centre)
        return s_nameless (reason, reason_size);
    if (tr_authorise_is_desk (config, centre))
        return true;
    const tr_constituency_t *seat = &config->constituencies [seat_index];
    if (streq (seat->count_centre, centre))
        return true;
    const tr_centre_grant_t *grant = s_grant (config, centre);
    if (grant && s_granted (grant, seat_index, seat))
        return true;
    //  Whose seat it is stays out of the reason: the sender's operator
    //  needs to know only that this key may not declare it (the desk's log
    //  has the rest).
    snprintf (reason, reason_size, "constituency: %s (%s) is not a seat count "
              "centre '%s' may declare", seat->id, seat->name, centre);
    return false;
}

bool
tr_authorise_declaration (const tr_config_t *config, const char *centre,
                          const char *constituency, char *reason, size_t reason_size)
{
    assert (config);
    assert (centre);
    assert (constituency);
    if (!*centre)
        return s_nameless (reason, reason_size);
    if (tr_authorise_is_desk (config, centre))
        return true;
    int seat_index = tr_config_constituency_index (config, constituency);
    if (seat_index < 0) {
        snprintf (reason, reason_size, "constituency: '%s' is not a seat of this "
                  "election, let alone one count centre '%s' may declare",
                  constituency, centre);
        return false;
    }
    return tr_authorise_seat (config, centre, (size_t) seat_index, reason, reason_size);
}
