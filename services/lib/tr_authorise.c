/*  tr_authorise.c — which seats a count centre may declare (tr_authorise.h).

    Three rules, checked from the cheapest: a desk may declare anything; a
    seat's own count_centre may declare it; a grant in security.centres
    adds seats by id and by region or nation. Anything else is refused with
    a reason that names both centres, so the person at the count can tell a
    typo in the ONS code from a key installed under the wrong name.
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

bool
tr_authorise_declaration (const tr_config_t *config, const char *centre,
                          const char *constituency, char *reason, size_t reason_size)
{
    assert (config);
    assert (centre);
    assert (constituency);
    if (!*centre) {
        snprintf (reason, reason_size, "the key this declaration came with has no "
                  "centre name in ingest's trusted certificate; ask the desk to "
                  "reinstall it");
        return false;
    }
    if (tr_authorise_is_desk (config, centre))
        return true;
    int seat_index = tr_config_constituency_index (config, constituency);
    if (seat_index < 0) {
        //  Refused here rather than by the validator, so a centre's message
        //  goes no further than this check whatever seat it names.
        snprintf (reason, reason_size, "constituency: '%s' is not a seat of this "
                  "election, let alone one count centre '%s' may declare",
                  constituency, centre);
        return false;
    }
    const tr_constituency_t *seat = &config->constituencies [seat_index];
    if (streq (seat->count_centre, centre))
        return true;
    const tr_centre_grant_t *grant = s_grant (config, centre);
    if (grant && s_granted (grant, (size_t) seat_index, seat))
        return true;
    snprintf (reason, reason_size, "constituency: %s (%s) is declared by count "
              "centre '%s', not '%s'", seat->id, seat->name, seat->count_centre,
              centre);
    return false;
}
