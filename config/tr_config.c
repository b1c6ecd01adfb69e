/*  tr_config.c — loads the election a tallyroom stack runs: one YAML file
    (tr_config.h has its shape, config/README.md every key), read with
    libyaml through the strict readers of tr_yaml_read.h, validated as a
    whole, and held in plain structs with two hash indexes.

    Loading is a chain of small readers, one per table, each stopping at
    the first problem with "FILE:LINE: PATH: what is wrong": a daemon
    refuses to start on a config it cannot trust, and the operator fixes
    one line at a time. Checks that span tables (party codes named by
    seats, seats against the constituency list) run once the table they
    refer to has been read, which is why the readers run in this order.
    The two lists that grow with the night, constituencies and contests,
    are read an entry at a time (tr_yaml_new_streamed), which is why a
    seat's duplicate is told the first's line from id_lines, not from the
    first's entry, which is gone by then.
*/
#include "tr_config.h"
#include "tr_config_security.h"
#include "tr_config_contests.h"
#include "tr_yaml_read.h"
#include <malloc.h>

//  config/embedded.S: the default config file, built into every binary.
extern const char tr_config_embedded_yaml [];
extern const char tr_config_embedded_yaml_end [];

#define TR_CONFIG_EMBEDDED_SOURCE "built-in ge2024.yaml"
#define TR_CONFIG_NAME_MAX 32           /*  election.name                    */
#define TR_CONFIG_COLOUR_DEFAULT "#999999"

//  Every table's keys: anything else is an error naming the known ones.
static const char *const s_root_keys [] = {
    "election", "endpoints", "alerts", "headline", "parties", "constituencies",
    "security", "contests", NULL
};
static const char *const s_election_keys [] = {
    "name", "title", "date", "seats", "majority", "hexmap", "kind", "headline",
    NULL
};
static const char *const s_endpoint_keys [] = {
    "ingest", "ingest_pub", "tally_pub", "tally_snapshot",
    "publisher_pub", "publisher_snapshot", "ingest_records", "ingest_peer", NULL
};
static const char *const s_alerts_keys [] = { "breaking", NULL };
static const char *const s_group_keys [] = { "code", "name", NULL };
static const char *const s_party_keys [] = {
    "code", "name", "headline_name", "colour", "headline", NULL
};
static const char *const s_constituency_keys [] = {
    "id", "name", "region", "nation", "electorate", "previous", "new",
    "count_centre", "previous_shares", "candidates", "contest", NULL
};
static const char *const s_nominee_keys [] = { "name", "party", "sitting_mp", NULL };

//  The endpoints table: where each value goes and its default, one port
//  each from 7401 in the order the header lists them.
static const struct {
    const char *key;
    size_t offset;
    const char *fallback;
} s_endpoints [] = {
    { "ingest",             offsetof (tr_endpoints_t, ingest),
                            "tcp://127.0.0.1:7401" },
    { "ingest_pub",         offsetof (tr_endpoints_t, ingest_pub),
                            "tcp://127.0.0.1:7402" },
    { "tally_pub",          offsetof (tr_endpoints_t, tally_pub),
                            "tcp://127.0.0.1:7403" },
    { "tally_snapshot",     offsetof (tr_endpoints_t, tally_snapshot),
                            "tcp://127.0.0.1:7404" },
    { "publisher_pub",      offsetof (tr_endpoints_t, publisher_pub),
                            "tcp://127.0.0.1:7405" },
    { "publisher_snapshot", offsetof (tr_endpoints_t, publisher_snapshot),
                            "tcp://127.0.0.1:7406" },
    { "ingest_records",     offsetof (tr_endpoints_t, ingest_records),
                            "tcp://127.0.0.1:7407" },
    { "ingest_peer",        offsetof (tr_endpoints_t, ingest_peer),
                            "tcp://127.0.0.1:7408" },
};
#define TR_CONFIG_ENDPOINTS (sizeof s_endpoints / sizeof s_endpoints [0])

//  The alerts that break news when the file does not say.
static const tr_alert_kind_t s_breaking_default [] = {
    TR_ALERT_FIRST, TR_ALERT_GAIN, TR_ALERT_WIN, TR_ALERT_MAJORITY,
    TR_ALERT_DEFEAT, TR_ALERT_CORRECTION, TR_ALERT_LAST
};


//  --------------------------------------------------------------------------
//  Helpers

static char *
s_endpoint (tr_config_t *self, size_t index)
{
    return (char *) &self->endpoints + s_endpoints [index].offset;
}

//  Line of the value under key in the table at list[index]: where the
//  first of two duplicates was, for the message about the second.
static size_t
s_line_of (tr_yaml_t *yaml, yaml_node_t *list, size_t index, const char *key)
{
    tr_yaml_map_t map = { .yaml = yaml, .node = tr_yaml_item (yaml, list, index) };
    yaml_node_t *value = tr_yaml_map_value (&map, key);
    return tr_yaml_line (value ? value : map.node);
}

//  Reads the party code under key and checks the parties table has it;
//  code then points at the party's own and index is its place there.
static bool
s_read_party_code (tr_config_t *self, const tr_yaml_map_t *map, const char *key,
                   const char **code_p, uint16_t *index_p)
{
    char code [TR_PARTY_MAX + 1];
    if (!tr_yaml_map_string (map, key, TR_YAML_REQUIRED, code, TR_PARTY_MAX))
        return false;
    int index = tr_config_party_index (self, code);
    if (index >= 0) {
        *code_p = self->parties [index].code;
        *index_p = (uint16_t) index;
        return true;
    }
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_key (path, map->path, key);
    return tr_yaml_fail (map->yaml, tr_yaml_map_value (map, key),
                         "%s: unknown party code '%s'", path, code);
}


//  Reads the string under key into a heap copy at its length (*text is
//  left alone if an optional key is absent).
static bool
s_read_text (const tr_yaml_map_t *map, const char *key, tr_yaml_need_t need,
             char **text, size_t max)
{
    char buffer [TR_NAME_MAX + 1] = "";
    assert (max <= TR_NAME_MAX);
    if (!tr_yaml_map_string (map, key, need, buffer, max))
        return false;
    if (!tr_yaml_map_value (map, key))
        return true;
    char *copy = strdup (buffer);
    if (!copy)
        return tr_yaml_fail (map->yaml, map->node, "%s: out of memory", map->path);
    free (*text);
    *text = copy;
    return true;
}


//  --------------------------------------------------------------------------
//  election

static bool
s_read_election (const tr_yaml_map_t *root, tr_config_t *self,
                 tr_yaml_map_t *election)
{
    if (!tr_yaml_map_table (root, "election", TR_YAML_REQUIRED, s_election_keys,
                            election))
        return false;
    bool ok;
    yaml_node_t *name = tr_yaml_map_need (election, "name", TR_YAML_REQUIRED, &ok);
    if (!name || !tr_yaml_identifier (election->yaml, name, "election.name",
                                      self->name, TR_CONFIG_NAME_MAX))
        return false;
    strcpy (self->title, self->name);
    if (!tr_yaml_map_string (election, "title", TR_YAML_OPTIONAL,
                             self->title, TR_NAME_MAX))
        return false;
    //  The map of the election's boundaries, for the gateway; "" for the
    //  2024 map built into it.
    if (!tr_yaml_map_string (election, "hexmap", TR_YAML_OPTIONAL,
                             self->hexmap, TR_CONFIG_HEXMAP_MAX))
        return false;
    yaml_node_t *date = tr_yaml_map_need (election, "date", TR_YAML_REQUIRED, &ok);
    if (!date || !tr_yaml_date (election->yaml, date, "election.date", self->date))
        return false;
    char kind [16] = "plurality";
    if (!tr_yaml_map_string (election, "kind", TR_YAML_OPTIONAL, kind, sizeof kind - 1))
        return false;
    if (streq (kind, "referendum"))
        self->kind = TR_CONTEST_REFERENDUM;
    else
    if (!streq (kind, "plurality"))
        return tr_yaml_fail (election->yaml, tr_yaml_map_value (election, "kind"),
            "election.kind: '%s', expected plurality or referendum", kind);
    return tr_config_read_headline_kind (election, self);
}

//  Runs last: seats must equal the constituencies (with contests, the sum
//  of their weights), and the majority is out of those seats.
static bool
s_read_seats (const tr_yaml_map_t *election, tr_config_t *self)
{
    uint64_t total = tr_config_contest_weight_total (self);
    if (total > UINT32_MAX)
        return tr_yaml_fail (election->yaml, election->node,
            "election: the contests' weights add up to %" PRIu64 ", too many", total);
    uint32_t listed = (uint32_t) total;
    self->seats = listed;
    if (!tr_yaml_map_uint32 (election, "seats", TR_YAML_OPTIONAL, 1, UINT32_MAX,
                             &self->seats))
        return false;
    if (self->seats != listed)
        return tr_yaml_fail (election->yaml, tr_yaml_map_value (election, "seats"),
            self->contest_count
                ? "election.seats: %u, but the contests' weights add up to %u"
                : "election.seats: %u, but constituencies lists %u",
            self->seats, listed);
    self->majority = self->seats / 2 + 1;
    return tr_yaml_map_uint32 (election, "majority", TR_YAML_OPTIONAL, 1, self->seats,
                               &self->majority);
}


//  --------------------------------------------------------------------------
//  endpoints and alerts

int
tr_endpoint_list_parse (const char *text, tr_endpoint_list_t *list,
                        char *error, size_t error_size)
{
    memset (list, 0, sizeof *list);
    const char *start = text;
    while (true) {
        const char *comma = strchr (start, ',');
        size_t length = comma ? (size_t) (comma - start) : strlen (start);
        if (length == 0) {
            snprintf (error, error_size, "empty endpoint in '%s'", text);
            return -1;
        }
        if (list->count == TR_ENDPOINTS_MAX) {
            snprintf (error, error_size, "more than %d endpoints in '%s'",
                      TR_ENDPOINTS_MAX, text);
            return -1;
        }
        if (length > TR_ENDPOINT_MAX) {
            snprintf (error, error_size, "an endpoint of more than %d bytes in '%.64s...'",
                      TR_ENDPOINT_MAX, text);
            return -1;
        }
        char *item = list->items [list->count];
        memcpy (item, start, length);
        item [length] = 0;
        if (!strstr (item, "://")) {
            snprintf (error, error_size,
                      "expected a ZeroMQ endpoint like tcp://127.0.0.1:7401, got '%s'", item);
            return -1;
        }
        for (size_t earlier = 0; earlier < list->count; earlier++)
            if (streq (list->items [earlier], item)) {
                snprintf (error, error_size, "'%s' is twice in '%s'", item, text);
                return -1;
            }
        list->count++;
        if (!comma)
            return 0;
        start = comma + 1;
    }
}

static bool
s_read_endpoint (const tr_yaml_map_t *endpoints, tr_config_t *self, size_t index)
{
    const char *key = s_endpoints [index].key;
    char *endpoint = s_endpoint (self, index);
    strcpy (endpoint, s_endpoints [index].fallback);
    yaml_node_t *node = tr_yaml_map_value (endpoints, key);
    if (!node)
        return true;
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_key (path, endpoints->path, key);
    if (!tr_yaml_string (endpoints->yaml, node, path, endpoint, TR_ENDPOINT_LIST_MAX))
        return false;
    tr_endpoint_list_t list;
    char error [TR_ENDPOINT_MAX + 128];
    if (tr_endpoint_list_parse (endpoint, &list, error, sizeof error) != 0)
        return tr_yaml_fail (endpoints->yaml, node, "%s: %s", path, error);
    //  Two daemons binding one endpoint would fail at bind time, later
    //  and with a vaguer message than this.
    for (size_t earlier = 0; earlier < index; earlier++) {
        tr_endpoint_list_t other;
        if (tr_endpoint_list_parse (s_endpoint (self, earlier), &other, error,
                                    sizeof error) != 0)
            continue;
        for (size_t mine = 0; mine < list.count; mine++)
            for (size_t theirs = 0; theirs < other.count; theirs++)
                if (streq (list.items [mine], other.items [theirs]))
                    return tr_yaml_fail (endpoints->yaml, node,
                        "%s: '%s' is also endpoints.%s", path, list.items [mine],
                        s_endpoints [earlier].key);
    }
    return true;
}

//  The index of the endpoint called name in s_endpoints, or -1.
static int
s_endpoint_index (const char *name, size_t length)
{
    for (size_t index = 0; index < TR_CONFIG_ENDPOINTS; index++)
        if (strlen (s_endpoints [index].key) == length
        &&  strncmp (s_endpoints [index].key, name, length) == 0)
            return (int) index;
    return -1;
}

int
tr_config_set_endpoint (tr_config_t *self, const char *name, size_t name_length,
                        const char *value, char *error, size_t error_size)
{
    int index = s_endpoint_index (name, name_length);
    if (index < 0) {
        char known [256] = "";
        for (size_t each = 0; each < TR_CONFIG_ENDPOINTS; each++)
            snprintf (known + strlen (known), sizeof known - strlen (known), "%s%s",
                      each ? ", " : "", s_endpoints [each].key);
        snprintf (error, error_size, "expected NAME=URL with NAME one of %s", known);
        return -1;
    }
    tr_endpoint_list_t list;
    if (strlen (value) > TR_ENDPOINT_LIST_MAX) {
        snprintf (error, error_size, "%s: more than %d bytes", s_endpoints [index].key,
                  TR_ENDPOINT_LIST_MAX);
        return -1;
    }
    char reason [TR_ENDPOINT_MAX + 128];
    if (tr_endpoint_list_parse (value, &list, reason, sizeof reason) != 0) {
        snprintf (error, error_size, "%s: %s", s_endpoints [index].key, reason);
        return -1;
    }
    strcpy (s_endpoint (self, (size_t) index), value);
    return 0;
}

const char *
tr_config_endpoint (const tr_config_t *self, const char *name)
{
    int index = s_endpoint_index (name, strlen (name));
    return index < 0 ? NULL
         : (const char *) &self->endpoints + s_endpoints [index].offset;
}

int
tr_config_own_endpoint (const tr_config_t *self, const char *name,
                        char *error, size_t error_size)
{
    const char *value = tr_config_endpoint (self, name);
    assert (value);
    if (strchr (value, ',')) {
        snprintf (error, error_size, "endpoints.%s is a list (%s): a daemon binds "
                  "one; give this daemon its own with -e %s=URL", name, value, name);
        return -1;
    }
    return 0;
}

static bool
s_read_endpoints (const tr_yaml_map_t *root, tr_config_t *self)
{
    tr_yaml_map_t endpoints;
    if (!tr_yaml_map_table (root, "endpoints", TR_YAML_OPTIONAL, s_endpoint_keys,
                            &endpoints))
        return false;
    for (size_t index = 0; index < TR_CONFIG_ENDPOINTS; index++)
        if (!s_read_endpoint (&endpoints, self, index))
            return false;
    return true;
}

static bool
s_read_breaking_kind (tr_yaml_t *yaml, yaml_node_t *list, const char *list_path,
                      size_t index, tr_config_t *self)
{
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_index (path, list_path, index);
    yaml_node_t *node = tr_yaml_item (yaml, list, index);
    char name [TR_CODE_MAX + 1];
    tr_alert_kind_t kind;
    if (!tr_yaml_string (yaml, node, path, name, TR_CODE_MAX))
        return false;
    if (!tr_alert_kind_parse (name, &kind)) {
        char known [256] = "";
        for (int other = 0; other < TR_ALERT_KIND_COUNT; other++) {
            if (other)
                strcat (known, ", ");
            strcat (known, tr_alert_kind_name ((tr_alert_kind_t) other));
        }
        return tr_yaml_fail (yaml, node, "%s: unknown alert kind '%s'; expected one of %s",
                             path, name, known);
    }
    if (self->breaking [kind])
        return tr_yaml_fail (yaml, node, "%s: '%s' listed twice", path, name);
    self->breaking [kind] = true;
    return true;
}

static bool
s_read_alerts (const tr_yaml_map_t *root, tr_config_t *self)
{
    tr_yaml_map_t alerts;
    if (!tr_yaml_map_table (root, "alerts", TR_YAML_OPTIONAL, s_alerts_keys, &alerts))
        return false;
    char path [TR_YAML_PATH_MAX];
    bool ok;
    yaml_node_t *list = tr_yaml_map_list (&alerts, "breaking", TR_YAML_OPTIONAL, 0,
                                          TR_ALERT_KIND_COUNT, path, &ok);
    if (!ok)
        return false;
    if (!list) {
        size_t count = sizeof s_breaking_default / sizeof s_breaking_default [0];
        for (size_t index = 0; index < count; index++)
            self->breaking [s_breaking_default [index]] = true;
        return true;
    }
    for (size_t index = 0; index < tr_yaml_list_size (list); index++)
        if (!s_read_breaking_kind (alerts.yaml, list, path, index, self))
            return false;
    return true;
}


//  --------------------------------------------------------------------------
//  headline and parties

static int
s_group_index (const tr_config_t *self, const char *code)
{
    for (size_t index = 0; index < self->group_count; index++)
        if (streq (self->groups [index].code, code))
            return (int) index;
    return -1;
}

static bool
s_read_group (tr_yaml_t *yaml, yaml_node_t *list, const char *list_path,
              size_t index, tr_config_t *self)
{
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_index (path, list_path, index);
    tr_yaml_map_t map;
    tr_headline_group_t *group = &self->groups [index];
    if (!tr_yaml_map_open (yaml, tr_yaml_item (yaml, list, index), path,
                           s_group_keys, &map)
    ||  !tr_yaml_map_string (&map, "code", TR_YAML_REQUIRED, group->code, TR_PARTY_MAX)
    ||  !tr_yaml_map_string (&map, "name", TR_YAML_REQUIRED, group->name, TR_NAME_MAX))
        return false;
    int first = s_group_index (self, group->code);
    if (first >= 0)
        return tr_yaml_fail (yaml, tr_yaml_map_value (&map, "code"),
            "%s.code: duplicate group code '%s' (first at line %zu)", path,
            group->code, s_line_of (yaml, list, (size_t) first, "code"));
    self->group_count++;
    return true;
}

static bool
s_read_headline (const tr_yaml_map_t *root, tr_config_t *self)
{
    char path [TR_YAML_PATH_MAX];
    bool ok;
    yaml_node_t *list = tr_yaml_map_list (root, "headline", TR_YAML_REQUIRED, 1,
                                          TR_HEADLINE_GROUPS_MAX, path, &ok);
    if (!list)
        return false;
    for (size_t index = 0; index < tr_yaml_list_size (list); index++)
        if (!s_read_group (root->yaml, list, path, index, self))
            return false;
    return true;
}

static bool
s_read_colour (const tr_yaml_map_t *map, tr_party_t *party)
{
    strcpy (party->colour, TR_CONFIG_COLOUR_DEFAULT);
    yaml_node_t *node = tr_yaml_map_value (map, "colour");
    if (!node)
        return true;
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_key (path, map->path, "colour");
    return tr_yaml_colour (map->yaml, node, path, party->colour);
}

//  The party's headline group: a group code, or the last group.
static bool
s_read_party_group (const tr_yaml_map_t *map, tr_config_t *self, tr_party_t *party)
{
    party->group = self->group_count - 1;
    char code [TR_PARTY_MAX + 1];
    yaml_node_t *node = tr_yaml_map_value (map, "headline");
    if (!node)
        return true;
    if (!tr_yaml_map_string (map, "headline", TR_YAML_REQUIRED, code, TR_PARTY_MAX))
        return false;
    int group = s_group_index (self, code);
    if (group < 0) {
        char known [TR_HEADLINE_GROUPS_MAX * (TR_PARTY_MAX + 2) + 1] = "";
        for (size_t index = 0; index < self->group_count; index++) {
            if (index)
                strcat (known, ", ");
            strcat (known, self->groups [index].code);
        }
        return tr_yaml_fail (map->yaml, node,
            "%s.headline: unknown headline group '%s'; expected one of %s",
            map->path, code, known);
    }
    party->group = (size_t) group;
    return true;
}

static bool
s_read_party (tr_yaml_t *yaml, yaml_node_t *list, const char *list_path,
              size_t index, tr_config_t *self)
{
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_index (path, list_path, index);
    tr_yaml_map_t map;
    tr_party_t *party = &self->parties [index];
    if (!tr_yaml_map_open (yaml, tr_yaml_item (yaml, list, index), path,
                           s_party_keys, &map)
    ||  !tr_yaml_map_string (&map, "code", TR_YAML_REQUIRED, party->code, TR_PARTY_MAX))
        return false;
    int first = tr_config_party_index (self, party->code);
    if (first >= 0)
        return tr_yaml_fail (yaml, tr_yaml_map_value (&map, "code"),
            "%s.code: duplicate party code '%s' (first at line %zu)", path,
            party->code, s_line_of (yaml, list, (size_t) first, "code"));
    if (!tr_yaml_map_string (&map, "name", TR_YAML_REQUIRED, party->name, TR_NAME_MAX))
        return false;
    strcpy (party->headline_name, party->name);
    if (!tr_yaml_map_string (&map, "headline_name", TR_YAML_OPTIONAL,
                             party->headline_name, TR_NAME_MAX)
    ||  !s_read_colour (&map, party)
    ||  !s_read_party_group (&map, self, party))
        return false;
    zhashx_insert (self->party_index, party->code, (void *) (uintptr_t) (index + 1));
    self->party_count++;
    return true;
}

static bool
s_read_parties (const tr_yaml_map_t *root, tr_config_t *self)
{
    char path [TR_YAML_PATH_MAX];
    bool ok;
    yaml_node_t *list = tr_yaml_map_list (root, "parties", TR_YAML_REQUIRED, 1,
                                          TR_PARTIES_MAX, path, &ok);
    if (!list)
        return false;
    self->parties = calloc (tr_yaml_list_size (list), sizeof *self->parties);
    if (!self->parties)
        return tr_yaml_fail (root->yaml, list, "%s: out of memory", path);
    for (size_t index = 0; index < tr_yaml_list_size (list); index++)
        if (!s_read_party (root->yaml, list, path, index, self))
            return false;
    return true;
}


//  --------------------------------------------------------------------------
//  constituencies

static bool
s_read_nominee (tr_yaml_t *yaml, yaml_node_t *list, const char *list_path,
                size_t index, tr_config_t *self, tr_constituency_t *seat)
{
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_index (path, list_path, index);
    tr_yaml_map_t map;
    tr_nominee_t *nominee = &seat->nominees [index];
    seat->nominee_count++;                  //  so a failure frees its name
    if (!tr_yaml_map_open (yaml, tr_yaml_item (yaml, list, index), path,
                           s_nominee_keys, &map)
    ||  !s_read_text (&map, "name", TR_YAML_REQUIRED, &nominee->name, TR_NAME_MAX)
    ||  !s_read_party_code (self, &map, "party", &nominee->party, &nominee->party_index)
    ||  !tr_yaml_map_bool (&map, "sitting_mp", TR_YAML_OPTIONAL, &nominee->sitting_mp))
        return false;
    //  A declaration names candidates, so two of one name would be ambiguous.
    for (size_t earlier = 0; earlier < index; earlier++)
        if (streq (seat->nominees [earlier].name, nominee->name))
            return tr_yaml_fail (yaml, tr_yaml_map_value (&map, "name"),
                "%s.name: duplicate candidate '%s' in %s (first at line %zu)",
                path, nominee->name, seat->id, s_line_of (yaml, list, earlier, "name"));
    return true;
}

static bool
s_read_nominees (const tr_yaml_map_t *map, tr_config_t *self, tr_constituency_t *seat)
{
    char path [TR_YAML_PATH_MAX];
    bool ok;
    yaml_node_t *list = tr_yaml_map_list (map, "candidates", TR_YAML_REQUIRED, 1,
                                          TR_CANDIDATES_MAX, path, &ok);
    if (!list)
        return false;
    seat->nominees = calloc (tr_yaml_list_size (list), sizeof *seat->nominees);
    if (!seat->nominees)
        return tr_yaml_fail (map->yaml, list, "%s: out of memory", path);
    for (size_t index = 0; index < tr_yaml_list_size (list); index++)
        if (!s_read_nominee (map->yaml, list, path, index, self, seat))
            return false;
    return true;
}

//  previous_shares: {Con: 0.47, Lab: 0.34}, keyed by party code.
static bool
s_read_previous_shares (const tr_yaml_map_t *map, tr_config_t *self,
                        tr_constituency_t *seat)
{
    yaml_node_t *node = tr_yaml_map_value (map, "previous_shares");
    if (!node)
        return true;
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_key (path, map->path, "previous_shares");
    tr_yaml_map_t shares;
    if (!tr_yaml_map_open_any (map->yaml, node, path, TR_CANDIDATES_MAX, &shares))
        return false;
    seat->previous_shares = calloc (tr_yaml_map_size (&shares) + 1,
                                    sizeof *seat->previous_shares);
    if (!seat->previous_shares)
        return tr_yaml_fail (map->yaml, node, "%s: out of memory", path);
    for (size_t index = 0; index < tr_yaml_map_size (&shares); index++) {
        tr_previous_share_t *share = &seat->previous_shares [index];
        yaml_node_t *key = tr_yaml_map_key_at (&shares, index);
        char share_path [TR_YAML_PATH_MAX];
        tr_yaml_path_key (share_path, path, (const char *) key->data.scalar.value);
        char party [TR_PARTY_MAX + 1];
        if (!tr_yaml_string (map->yaml, key, share_path, party, TR_PARTY_MAX))
            return false;
        int party_index = tr_config_party_index (self, party);
        if (party_index < 0)
            return tr_yaml_fail (map->yaml, key, "%s: unknown party code '%s'",
                                 share_path, party);
        share->party = self->parties [party_index].code;
        share->party_index = (uint16_t) party_index;
        if (!tr_yaml_share (map->yaml, tr_yaml_map_value_at (&shares, index),
                            share_path, &share->share))
            return false;
        seat->previous_share_count++;
    }
    return true;
}

//  A seat's previous winner; a referendum's areas have none (their result
//  says "" and the tally counts no change for them).
static bool
s_read_previous (tr_config_t *self, const tr_yaml_map_t *map, tr_constituency_t *seat)
{
    if ((self->kind == TR_CONTEST_REFERENDUM || self->contest_count)
    &&  !tr_yaml_map_value (map, "previous")) {
        seat->previous = "";
        seat->previous_index = 0;
        return true;
    }
    return s_read_party_code (self, map, "previous", &seat->previous,
                              &seat->previous_index);
}

//  A referendum's areas each nominate every option, once, in the order of
//  parties, named by its code: a declaration gives the votes of each.
static bool
s_check_referendum (const tr_yaml_map_t *root, tr_config_t *self)
{
    if (self->kind != TR_CONTEST_REFERENDUM)
        return true;
    if (self->party_count < 2)
        return tr_yaml_fail (root->yaml, tr_yaml_map_value (root, "parties"),
            "parties: a referendum needs at least two options, has %zu",
            self->party_count);
    for (size_t index = 0; index < self->constituency_count; index++) {
        const tr_constituency_t *area = &self->constituencies [index];
        bool same = area->nominee_count == self->party_count;
        for (size_t option = 0; same && option < area->nominee_count; option++)
            same = area->nominees [option].party_index == option
                && streq (area->nominees [option].name, self->parties [option].code);
        if (!same)
            return tr_yaml_fail (root->yaml, tr_yaml_map_value (root, "constituencies"),
                "constituencies[%zu] (%s): a referendum area's candidates must be "
                "its options, {name: CODE, party: CODE}, in the order of parties",
                index, area->id);
    }
    return true;
}

//  id_lines holds the line of each seat's id read so far: a duplicate's
//  message names the first's, and its entry is gone (the list is read an
//  entry at a time, tr_yaml_new_streamed).
static bool
s_read_constituency (tr_yaml_t *yaml, yaml_node_t *list, const char *list_path,
                     size_t index, tr_config_t *self, size_t *id_lines)
{
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_index (path, list_path, index);
    tr_yaml_map_t map;
    tr_constituency_t *seat = &self->constituencies [index];
    if (!tr_yaml_map_open (yaml, tr_yaml_item (yaml, list, index), path,
                           s_constituency_keys, &map)
    ||  !tr_yaml_map_string (&map, "id", TR_YAML_REQUIRED, seat->id, TR_ID_MAX))
        return false;
    int first = tr_config_constituency_index (self, seat->id);
    if (first >= 0)
        return tr_yaml_fail (yaml, tr_yaml_map_value (&map, "id"),
            "%s.id: duplicate constituency id '%s' (first at line %zu)", path,
            seat->id, id_lines [first]);
    id_lines [index] = tr_yaml_line (tr_yaml_map_value (&map, "id"));
    //  Counted now, so tr_config_destroy frees what this seat has read
    //  if a later key fails; the index below waits until it is whole.
    self->constituency_count++;
    seat->count_centre = strdup (seat->id);
    if (!seat->count_centre)
        return tr_yaml_fail (yaml, map.node, "%s: out of memory", path);
    if (!s_read_text (&map, "name", TR_YAML_REQUIRED, &seat->name, TR_NAME_MAX)
    ||  !s_read_text (&map, "region", TR_YAML_REQUIRED, &seat->region, TR_NAME_MAX)
    ||  !s_read_text (&map, "nation", TR_YAML_REQUIRED, &seat->nation, TR_NAME_MAX)
    ||  !tr_config_read_unit_contest (&map, self, seat)
    ||  !tr_yaml_map_uint32 (&map, "electorate",
                             self->contest_count ? TR_YAML_OPTIONAL : TR_YAML_REQUIRED,
                             self->contest_count ? 0 : 1, TR_ELECTORATE_MAX,
                             &seat->electorate)
    ||  !s_read_previous (self, &map, seat)
    ||  !tr_yaml_map_bool (&map, "new", TR_YAML_OPTIONAL, &seat->new_seat)
    ||  !s_read_text (&map, "count_centre", TR_YAML_OPTIONAL,
                      &seat->count_centre, TR_CODE_MAX)
    ||  !s_read_previous_shares (&map, self, seat)
    ||  !s_read_nominees (&map, self, seat))
        return false;
    zhashx_insert (self->constituency_index, seat->id, (void *) (uintptr_t) (index + 1));
    return true;
}

static bool
s_read_constituencies (const tr_yaml_map_t *root, tr_config_t *self)
{
    char path [TR_YAML_PATH_MAX];
    bool ok;
    //  The reporting units: up to TR_UNITS_MAX (a snapshot carries them in
    //  pieces, proto/README.md "snapshot_reply").
    yaml_node_t *list = tr_yaml_map_list (root, "constituencies", TR_YAML_REQUIRED, 1,
                                          TR_UNITS_MAX, path, &ok);
    if (!list)
        return false;
    size_t count = tr_yaml_list_size (list);
    self->constituencies = calloc (count, sizeof *self->constituencies);
    size_t *id_lines = calloc (count, sizeof *id_lines);
    bool read = self->constituencies && id_lines;
    if (!read)
        tr_yaml_fail (root->yaml, list, "%s: out of memory", path);
    for (size_t index = 0; read && index < count; index++)
        read = s_read_constituency (root->yaml, list, path, index, self, id_lines);
    free (id_lines);
    return read;
}


//  --------------------------------------------------------------------------
//  Loading

static bool
s_read_config (tr_yaml_t *yaml, tr_config_t *self)
{
    tr_yaml_map_t root, election;
    return tr_yaml_map_open (yaml, tr_yaml_root (yaml), "", s_root_keys, &root)
        && s_read_election (&root, self, &election)
        && s_read_endpoints (&root, self)
        && s_read_alerts (&root, self)
        && s_read_headline (&root, self)
        && s_read_parties (&root, self)
        && tr_config_read_contests (&root, self)
        && s_read_constituencies (&root, self)
        && tr_config_check_contests (&root, self)
        && s_read_seats (&election, self)
        && s_check_referendum (&root, self)
        && tr_config_read_security (&root, self);
}

static tr_config_t *
s_config_new (const char *source)
{
    tr_config_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    snprintf (self->source, sizeof self->source, "%s", source);
    self->party_index = zhashx_new ();
    self->constituency_index = zhashx_new ();
    self->contest_index = zhashx_new ();
    if (!self->party_index || !self->constituency_index || !self->contest_index)
        tr_config_destroy (&self);
    return self;
}

//  The lists a config may hold 100,000 entries of: read an entry at a time
//  (tr_yaml_new_streamed), so loading costs about what the config keeps.
static const char *const s_streamed_lists [] = { "constituencies", "contests", NULL };

static tr_config_t *
s_parse (const char *text, size_t size, const char *source, bool streamed,
         char *error, size_t error_size)
{
    assert (text);
    assert (source);
    if (size > TR_CONFIG_SIZE_MAX) {
        if (error && error_size)
            snprintf (error, error_size, "%s: too big: %zu bytes, at most %d",
                      source, size, TR_CONFIG_SIZE_MAX);
        return NULL;
    }
    tr_yaml_t *yaml = streamed
        ? tr_yaml_new_streamed (text, size, source, s_streamed_lists, error, error_size)
        : tr_yaml_new (text, size, source, error, error_size);
    if (!yaml)
        return NULL;
    tr_config_t *self = s_config_new (source);
    if (!self)
        tr_yaml_fail (yaml, tr_yaml_root (yaml), "out of memory");
    else
    if (!s_read_config (yaml, self))
        tr_config_destroy (&self);
    tr_yaml_destroy (&yaml);
    //  What reading took (a whole libyaml document, 5 KB a seat against
    //  the config's 1; streamed, an entry's worth) is free but resident:
    //  give those pages back, or every daemon keeps them all night.
    malloc_trim (0);
    return self;
}

tr_config_t *
tr_config_parse (const char *text, size_t size, const char *source,
                 char *error, size_t error_size)
{
    return s_parse (text, size, source, true, error, error_size);
}

tr_config_t *
tr_config_parse_whole (const char *text, size_t size, const char *source,
                       char *error, size_t error_size)
{
    return s_parse (text, size, source, false, error, error_size);
}

tr_config_t *
tr_config_load (const char *path, char *error, size_t error_size)
{
    assert (path);
    size_t size = 0;
    char *text = tr_yaml_read_file (path, TR_CONFIG_SIZE_MAX, &size, error, error_size);
    if (!text)
        return NULL;
    tr_config_t *self = tr_config_parse (text, size, path, error, error_size);
    free (text);
    return self;
}

tr_config_t *
tr_config_load_default (char *error, size_t error_size)
{
    //  Two symbols of one object (embedded.S), so the difference is its size.
    size_t size = (size_t) ((uintptr_t) tr_config_embedded_yaml_end
                            - (uintptr_t) tr_config_embedded_yaml);
    return tr_config_parse (tr_config_embedded_yaml, size, TR_CONFIG_EMBEDDED_SOURCE,
                            error, error_size);
}

tr_config_t *
tr_config_load_or_default (const char *path, char *error, size_t error_size)
{
    return path
        ? tr_config_load (path, error, error_size)
        : tr_config_load_default (error, error_size);
}

void
tr_config_destroy (tr_config_t **self_p)
{
    assert (self_p);
    tr_config_t *self = *self_p;
    if (self) {
        zhashx_destroy (&self->party_index);
        zhashx_destroy (&self->constituency_index);
        zhashx_destroy (&self->contest_index);
        for (size_t index = 0; index < self->contest_count; index++) {
            free (self->contests [index].name);
            free (self->contests [index].region);
        }
        free (self->contests);
        for (size_t index = 0; index < self->security.grant_count; index++)
            free (self->security.grants [index].seats);
        free (self->security.grants);
        free (self->parties);
        for (size_t index = 0; index < self->constituency_count; index++) {
            tr_constituency_t *seat = &self->constituencies [index];
            free (seat->name);
            free (seat->region);
            free (seat->nation);
            free (seat->count_centre);
            for (size_t nominee = 0; nominee < seat->nominee_count; nominee++)
                free (seat->nominees [nominee].name);
            free (seat->nominees);
            free (seat->previous_shares);
        }
        free (self->constituencies);
        free (self);
        *self_p = NULL;
    }
}


//  --------------------------------------------------------------------------
//  Lookups

static int
s_index (zhashx_t *index, const char *key)
{
    void *item = zhashx_lookup (index, key);
    return item ? (int) ((uintptr_t) item - 1) : -1;
}

int
tr_config_party_index (const tr_config_t *self, const char *code)
{
    assert (self);
    assert (code);
    return s_index (self->party_index, code);
}

int
tr_config_constituency_index (const tr_config_t *self, const char *id)
{
    assert (self);
    assert (id);
    return s_index (self->constituency_index, id);
}

int
tr_config_contest_index (const tr_config_t *self, const char *id)
{
    assert (self);
    assert (id);
    return s_index (self->contest_index, id);
}

const tr_party_t *
tr_config_party (const tr_config_t *self, const char *code)
{
    int index = tr_config_party_index (self, code);
    return index < 0 ? NULL : &self->parties [index];
}

const tr_constituency_t *
tr_config_constituency (const tr_config_t *self, const char *id)
{
    int index = tr_config_constituency_index (self, id);
    return index < 0 ? NULL : &self->constituencies [index];
}
