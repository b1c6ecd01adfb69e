/*  gateway_filter.c — an /events stream's filter (gateway_filter.h).

    The query is untrusted: libmicrohttpd bounds the request line, and we
    bound what it may ask (GATEWAY_FILTER_VALUES_MAX values, each at most
    GATEWAY_FILTER_VALUE_MAX bytes) and check every name against the
    config, so a typo is a 400 that says which value names nothing rather
    than a stream that stays silent all night. A region is turned into its
    constituencies at once: matching an event is then one bit.           */

#include "gateway_filter.h"
#include "proto/tr_msg.h"
#include <microhttpd.h>

#define S_SHOWN_MAX 80              //  of a bad value, in a reason
#define S_TYPES (TR_MSG_CONTEST + 1)    //  message types, for kinds []

struct _gateway_filter_t {
    const tr_config_t *config;      //  not owned
    bool by_kind;                   //  kind= given
    bool kinds [S_TYPES]; //  the message types it keeps
    bool by_place;                  //  constituency=, contest= or region= given
    bool *places;                   //  per constituency of the config
    bool *contests;                 //  per contest of the config's table (a
                                    //  night without one has no contest events)
    size_t values;                  //  values read so far, for the bound
    char *error;                    //  the first reason, or NULL
    size_t error_size;
    bool failed;
};

static void
s_fail (gateway_filter_t *self, const char *format, ...)
{
    if (self->failed)
        return;
    self->failed = true;
    va_list args;
    va_start (args, format);
    vsnprintf (self->error, self->error_size, format, args);
    va_end (args);
}

//  A value as it may be shown back: printable ASCII, bounded.
static void
s_shown (const char *text, size_t length, char *shown, size_t size)
{
    size_t at = 0;
    for (size_t index = 0; index < length && at + 1 < size && at < S_SHOWN_MAX; index++)
        shown [at++] = (text [index] >= 0x20 && text [index] < 0x7f) ? text [index] : '?';
    shown [at] = 0;
}

static void
s_add_constituency (gateway_filter_t *self, const char *value, size_t length)
{
    char id [TR_ID_MAX + 1];
    int index = -1;
    if (length <= TR_ID_MAX) {
        memcpy (id, value, length);
        id [length] = 0;
        index = tr_config_constituency_index (self->config, id);
    }
    if (index < 0) {
        char shown [S_SHOWN_MAX + 1];
        s_shown (value, length, shown, sizeof shown);
        s_fail (self, "constituency: '%s' is not a constituency of %s (give its "
                "id, e.g. %s)", shown, self->config->name,
                self->config->constituencies [0].id);
        return;
    }
    self->places [index] = true;
}

//  A contest: its own events and alerts, and the results of every unit it
//  is counted in. A night without a contests table has each constituency
//  as its own contest, named by the constituency's id.
static void
s_add_contest (gateway_filter_t *self, const char *value, size_t length)
{
    const tr_config_t *config = self->config;
    char id [TR_ID_MAX + 1];
    int index = -1;
    if (length <= TR_ID_MAX) {
        memcpy (id, value, length);
        id [length] = 0;
        index = config->contest_count ? tr_config_contest_index (config, id)
                                      : tr_config_constituency_index (config, id);
    }
    if (index < 0) {
        char shown [S_SHOWN_MAX + 1];
        s_shown (value, length, shown, sizeof shown);
        s_fail (self, "contest: '%s' is not a contest of %s (give its id, e.g. %s)",
                shown, config->name, config->contest_count ? config->contests [0].id
                                                           : config->constituencies [0].id);
        return;
    }
    if (!config->contest_count) {
        self->places [index] = true;
        return;
    }
    self->contests [index] = true;
    for (size_t unit = 0; unit < config->constituency_count; unit++)
        if (config->constituencies [unit].contest == (uint32_t) index)
            self->places [unit] = true;
}

//  A region or nation: its constituencies, and on a contests night the
//  contests counted there (a US state's counties have the state as their
//  region: ?region=Georgia is Georgia's counties and its contest).
static void
s_add_region (gateway_filter_t *self, const char *value, size_t length)
{
    bool found = false;
    for (size_t index = 0; index < self->config->constituency_count; index++) {
        const tr_constituency_t *seat = &self->config->constituencies [index];
        if ((strlen (seat->region) == length && memcmp (seat->region, value, length) == 0)
        ||  (strlen (seat->nation) == length && memcmp (seat->nation, value, length) == 0)) {
            self->places [index] = true;
            if (self->config->contest_count)
                self->contests [seat->contest] = true;
            found = true;
        }
    }
    if (!found) {
        char shown [S_SHOWN_MAX + 1];
        s_shown (value, length, shown, sizeof shown);
        s_fail (self, "region: '%s' is not a region or nation of %s (e.g. '%s')",
                shown, self->config->name, self->config->constituencies [0].region);
    }
}

static void
s_add_kind (gateway_filter_t *self, const char *value, size_t length)
{
    static const struct { const char *name; int type; } kinds [] = {
        { "result", TR_MSG_RESULT }, { "totals", TR_MSG_TOTALS }, { "alert", TR_MSG_ALERT },
        { "contest", TR_MSG_CONTEST }
    };
    for (size_t index = 0; index < sizeof kinds / sizeof kinds [0]; index++)
        if (strlen (kinds [index].name) == length
        &&  memcmp (kinds [index].name, value, length) == 0) {
            self->kinds [kinds [index].type] = true;
            return;
        }
    char shown [S_SHOWN_MAX + 1];
    s_shown (value, length, shown, sizeof shown);
    s_fail (self, "kind: '%s' is not an event kind (result, totals, alert or contest; a "
            "snapshot is sent whenever a stream cannot resume)", shown);
}

//  One parameter of the query (MHD_KeyValueIterator): each of its
//  comma-separated values.
static enum MHD_Result
s_parameter (void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void) kind;
    gateway_filter_t *self = (gateway_filter_t *) cls;
    if (self->failed)
        return MHD_NO;
    if (streq (key, "last_event_id"))
        return MHD_YES;         //  gateway_http reads it
    void (*add) (gateway_filter_t *, const char *, size_t) =
        streq (key, "constituency") ? s_add_constituency
      : streq (key, "contest") ? s_add_contest
      : streq (key, "region") ? s_add_region
      : streq (key, "kind") ? s_add_kind : NULL;
    if (!add) {
        char shown [S_SHOWN_MAX + 1];
        s_shown (key, strlen (key), shown, sizeof shown);
        s_fail (self, "unknown parameter '%s': /events takes constituency, contest, "
                "region, kind and last_event_id", shown);
        return MHD_NO;
    }
    if (add == s_add_kind)
        self->by_kind = true;
    else
        self->by_place = true;
    const char *at = value ? value : "";
    while (true) {
        size_t length = strcspn (at, ",");
        if (length == 0)
            s_fail (self, "%s: an empty value (give %s=VALUE, several separated "
                    "by commas or repeated)", key, key);
        else
        if (length > GATEWAY_FILTER_VALUE_MAX)
            s_fail (self, "%s: a value of %zu bytes (at most %d)", key, length,
                    GATEWAY_FILTER_VALUE_MAX);
        else
        if (++self->values > GATEWAY_FILTER_VALUES_MAX)
            s_fail (self, "more than %d values in the query (ask for a region, or "
                    "open another stream)", GATEWAY_FILTER_VALUES_MAX);
        else
            add (self, at, length);
        if (self->failed || at [length] == 0)
            break;
        at += length + 1;
    }
    return self->failed ? MHD_NO : MHD_YES;
}

bool
gateway_filter_parse (const tr_config_t *config, struct MHD_Connection *connection,
                      gateway_filter_t **filter, char *error, size_t error_size)
{
    *filter = NULL;
    gateway_filter_t *self = (gateway_filter_t *) calloc (1, sizeof (gateway_filter_t));
    assert (self);
    self->config = config;
    self->places = (bool *) calloc (config->constituency_count + 1, sizeof (bool));
    self->contests = (bool *) calloc (config->contest_count + 1, sizeof (bool));
    assert (self->places && self->contests);
    self->error = error;
    self->error_size = error_size;
    MHD_get_connection_values (connection, MHD_GET_ARGUMENT_KIND, s_parameter, self);
    bool failed = self->failed;
    if (failed || (!self->by_kind && !self->by_place))
        gateway_filter_destroy (&self);
    *filter = self;
    return !failed;
}

void
gateway_filter_destroy (gateway_filter_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        gateway_filter_t *self = *self_p;
        free (self->places);
        free (self->contests);
        free (self);
        *self_p = NULL;
    }
}

bool
gateway_filter_passes (const gateway_filter_t *self, int type, int place, int contest,
                       bool national)
{
    if (!self)
        return true;
    if (self->by_kind && (type < 0 || type >= S_TYPES || !self->kinds [type]))
        return false;
    if (!self->by_place || national)
        return true;
    if (place >= 0 && (size_t) place < self->config->constituency_count
    &&  self->places [place])
        return true;
    return contest >= 0 && (size_t) contest < self->config->contest_count
        && self->contests [contest];
}
