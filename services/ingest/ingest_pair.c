/*  ingest_pair.c — Binary Star for an ingest pair (ingest_pair.h).

    The table, after the Guide's bstar.c, with two changes: a half that
    sees the other active while it is active too does not abort (the
    server stops the backup and keeps the primary, so the desk keeps one
    door), and an active half can hand over (TAKEOVER) when its disk fails.
*/
#include "ingest_pair.h"
#include <assert.h>
#include <string.h>

static const char *s_state_names [] = {
    NULL, "primary", "backup", "active", "passive"
};

void
ingest_pair_init (ingest_pair_t *self, bool primary, int64_t now)
{
    assert (self);
    self->state = primary ? INGEST_PAIR_PRIMARY : INGEST_PAIR_BACKUP;
    self->peer_expiry = now + INGEST_PAIR_EXPIRY_MS;
}

bool
ingest_pair_peer_lost (const ingest_pair_t *self, int64_t now)
{
    return now >= self->peer_expiry;
}

ingest_pair_answer_t
ingest_pair_step (ingest_pair_t *self, ingest_pair_event_t event, int64_t now)
{
    assert (self);
    bool from_peer = event >= INGEST_PAIR_PEER_PRIMARY && event <= INGEST_PAIR_PEER_PASSIVE;
    if (from_peer)
        self->peer_expiry = now + INGEST_PAIR_EXPIRY_MS;
    switch (self->state) {
        case INGEST_PAIR_PRIMARY:
            if (event == INGEST_PAIR_PEER_BACKUP || event == INGEST_PAIR_PEER_PASSIVE)
                self->state = INGEST_PAIR_ACTIVE;
            else
            if (event == INGEST_PAIR_PEER_ACTIVE)
                //  We restarted while the backup had taken over: follow it.
                self->state = INGEST_PAIR_PASSIVE;
            else
            if (event == INGEST_PAIR_PEER_PRIMARY)
                return INGEST_PAIR_SPLIT;       //  two primaries: a config error
            else
            if (event == INGEST_PAIR_CLIENT_REQUEST) {
                //  Alone since start: take the night once the peer has had
                //  the time to say it is active.
                if (!ingest_pair_peer_lost (self, now))
                    return INGEST_PAIR_REFUSE;
                self->state = INGEST_PAIR_ACTIVE;
            }
            else
            if (event == INGEST_PAIR_TAKEOVER)
                self->state = INGEST_PAIR_ACTIVE;
            break;
        case INGEST_PAIR_BACKUP:
            if (event == INGEST_PAIR_PEER_ACTIVE)
                self->state = INGEST_PAIR_PASSIVE;
            else
            if (event == INGEST_PAIR_PEER_BACKUP)
                return INGEST_PAIR_SPLIT;       //  two backups: a config error
            else
            if (event == INGEST_PAIR_TAKEOVER)
                self->state = INGEST_PAIR_ACTIVE;
            else
            if (event == INGEST_PAIR_CLIENT_REQUEST)
                //  A backup that never heard an active peer never takes over:
                //  it cannot know the night so far.
                return INGEST_PAIR_REFUSE;
            break;
        case INGEST_PAIR_ACTIVE:
            if (event == INGEST_PAIR_PEER_ACTIVE)
                return INGEST_PAIR_SPLIT;
            break;
        case INGEST_PAIR_PASSIVE:
            if (event == INGEST_PAIR_PEER_PRIMARY || event == INGEST_PAIR_PEER_BACKUP)
                //  The active peer restarted: it lost its state; we hold the
                //  night, so we take it and it will follow us.
                self->state = INGEST_PAIR_ACTIVE;
            else
            if (event == INGEST_PAIR_PEER_PASSIVE)
                return INGEST_PAIR_SPLIT;
            else
            if (event == INGEST_PAIR_TAKEOVER)
                self->state = INGEST_PAIR_ACTIVE;
            else
            if (event == INGEST_PAIR_CLIENT_REQUEST) {
                if (!ingest_pair_peer_lost (self, now))
                    return INGEST_PAIR_REFUSE;
                self->state = INGEST_PAIR_ACTIVE;
            }
            break;
    }
    if (event == INGEST_PAIR_CLIENT_REQUEST && self->state != INGEST_PAIR_ACTIVE)
        return INGEST_PAIR_REFUSE;
    return INGEST_PAIR_OK;
}

const char *
ingest_pair_state_name (ingest_pair_state_t state)
{
    assert (state >= INGEST_PAIR_PRIMARY && state <= INGEST_PAIR_PASSIVE);
    return s_state_names [state];
}

bool
ingest_pair_event_of (const char *state_name, ingest_pair_event_t *event)
{
    for (int state = INGEST_PAIR_PRIMARY; state <= INGEST_PAIR_PASSIVE; state++)
        if (strcmp (state_name, s_state_names [state]) == 0) {
            //  The peer events are in the states' order.
            *event = (ingest_pair_event_t) state;
            return true;
        }
    return false;
}
