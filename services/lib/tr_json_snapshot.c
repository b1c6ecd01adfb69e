/*  tr_json_snapshot.c — the snapshot document (tr_json.h; README.md, "The
    snapshot JSON"), as a jansson tree for the tools or as compact text for
    the gateway.

    One function, s_document, says what the document holds and in which
    order; it hands each piece to a writer that either adds it to a tree or
    appends its json_dumpb text to a growing buffer and frees it. So the two
    forms cannot drift apart (tests/unit/test_json_text.c compares them
    byte for byte on every shipped night), and the text form never holds
    more than one unit's object besides the text: the whole tree of a
    100,000-unit night was 907 MB and 3.9 s to build for an 85 MB document
    (BENCHMARKS.md). jansson still does every string and number; the
    writer adds only the punctuation between pieces and the document's own
    keys, which are constants here.

    The regions' round-up is summed in plain structs as the units go by and
    each area becomes an object only when it is written.
*/

#include "tr_json.h"
#include "tr_referendum.h"

#define S_TEXT_FLAGS    (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY)
#define S_TEXT_INITIAL  (64 * 1024)     //  the buffer's first size, bytes

//  Where the pieces go: into a tree (document) or, as text, into a buffer.
typedef struct {
    bool as_text;               //  text, not a tree
    json_t *document;           //  tree: the document so far; text: NULL
    json_t *list;               //  tree: the list being filled
    const char *key;            //  tree: the list's key in the document
    char *text;                 //  text: the document so far; tree: NULL
    size_t size;                //  text: bytes written
    size_t capacity;            //  text: bytes allocated
    size_t items;               //  text: items in the open list so far
} s_writer_t;

static void
s_text_reserve (s_writer_t *self, size_t more)
{
    if (self->capacity - self->size >= more)
        return;
    size_t capacity = self->capacity ? self->capacity : S_TEXT_INITIAL;
    while (capacity - self->size < more)
        capacity *= 2;
    self->text = (char *) realloc (self->text, capacity);
    assert (self->text);
    self->capacity = capacity;
}

static void
s_text_append (s_writer_t *self, const char *bytes, size_t size)
{
    s_text_reserve (self, size);
    memcpy (self->text + self->size, bytes, size);
    self->size += size;
}

//  value's compact text, straight into the buffer (dumped again into a
//  bigger one if it did not fit).
static void
s_text_dump (s_writer_t *self, const json_t *value)
{
    size_t room = self->capacity - self->size;
    size_t needed = json_dumpb (value, self->text ? self->text + self->size : NULL,
                                room, S_TEXT_FLAGS);
    assert (needed > 0);
    if (needed > room) {
        s_text_reserve (self, needed);
        needed = json_dumpb (value, self->text + self->size, needed, S_TEXT_FLAGS);
    }
    self->size += needed;
}

//  ,"key": — the document's keys are constants of this file: no escaping.
static void
s_text_key (s_writer_t *self, const char *key)
{
    s_text_append (self, ",\"", 2);
    s_text_append (self, key, strlen (key));
    s_text_append (self, "\":", 2);
}

//  The document's first members (an object); takes it.
static void
s_write_head (s_writer_t *self, json_t *head)
{
    if (!self->as_text) {
        self->document = head;
        return;
    }
    s_text_dump (self, head);
    json_decref (head);
    //  Open again: the members that follow are written after it.
    assert (self->size > 2 && self->text [self->size - 1] == '}');
    self->size--;
}

//  A list member begins; its items follow.
static void
s_write_open (s_writer_t *self, const char *key)
{
    if (!self->as_text) {
        self->list = json_array ();
        self->key = key;
        return;
    }
    s_text_key (self, key);
    s_text_append (self, "[", 1);
    self->items = 0;
}

//  One item of the open list; takes it.
static void
s_write_item (s_writer_t *self, json_t *item)
{
    if (!self->as_text) {
        json_array_append_new (self->list, item);
        return;
    }
    if (self->items++)
        s_text_append (self, ",", 1);
    s_text_dump (self, item);
    json_decref (item);
}

static void
s_write_close (s_writer_t *self)
{
    if (!self->as_text) {
        json_object_set_new (self->document, self->key, self->list);
        self->list = NULL;
        return;
    }
    s_text_append (self, "]", 1);
}

//  One member; takes value.
static void
s_write_member (s_writer_t *self, const char *key, json_t *value)
{
    if (!self->as_text) {
        json_object_set_new (self->document, key, value);
        return;
    }
    s_text_key (self, key);
    s_text_dump (self, value);
    json_decref (value);
}

//  --- The regions' round-up ---------------------------------------------

//  One party's seats and votes in an area.
typedef struct {
    char party [TR_PARTY_MAX + 1];
    json_int_t seats;
    json_int_t votes;
} s_area_party_t;

//  One entry of "regions": a region or a nation, its units, how many have
//  declared, and its parties in the order they first appeared there.
typedef struct {
    const char *type;           //  "region" or "nation"
    const char *name;           //  the config's; lives as long as it
    json_int_t seats;
    json_int_t declared;
    s_area_party_t *parties;
    size_t party_count;
    size_t party_max;
} s_area_t;

//  The areas in the order their first unit came, and by type and name: a
//  search of the list for each unit cost units x regions (4 minutes of a
//  100,000-unit night's snapshot, whose 10,000 contests name its regions).
typedef struct {
    zhashx_t *found;            //  s_area_t by "type\nname"; owns them
    s_area_t **list;
    size_t count;
    size_t max;
} s_areas_t;

static void
s_area_destroy (void **item)
{
    s_area_t *area = (s_area_t *) *item;
    if (area) {
        free (area->parties);
        free (area);
        *item = NULL;
    }
}

static s_area_t *
s_area (s_areas_t *areas, const char *type, const char *name)
{
    char key [TR_NAME_MAX + 16];
    snprintf (key, sizeof key, "%s\n%s", type, name);
    s_area_t *area = (s_area_t *) zhashx_lookup (areas->found, key);
    if (area)
        return area;
    area = (s_area_t *) calloc (1, sizeof (s_area_t));
    assert (area);
    area->type = type;
    area->name = name;
    zhashx_insert (areas->found, key, area);
    if (areas->count == areas->max) {
        areas->max = areas->max ? areas->max * 2 : 64;
        areas->list = (s_area_t **) realloc (areas->list, areas->max * sizeof (s_area_t *));
        assert (areas->list);
    }
    areas->list [areas->count++] = area;
    return area;
}

static s_area_party_t *
s_area_party (s_area_t *area, const char *party)
{
    for (size_t index = 0; index < area->party_count; index++)
        if (streq (area->parties [index].party, party))
            return &area->parties [index];
    if (area->party_count == area->party_max) {
        area->party_max = area->party_max ? area->party_max * 2 : 8;
        area->parties = (s_area_party_t *) realloc (area->parties,
                                                    area->party_max * sizeof (s_area_party_t));
        assert (area->parties);
    }
    s_area_party_t *entry = &area->parties [area->party_count++];
    memset (entry, 0, sizeof *entry);
    snprintf (entry->party, sizeof entry->party, "%s", party);
    return entry;
}

static void
s_count (s_area_t *area, const tr_result_t *result)
{
    area->seats++;
    if (!result)
        return;
    area->declared++;
    for (size_t index = 0; index < result->candidate_count; index++) {
        const tr_result_candidate_t *candidate = &result->candidates [index];
        s_area_party_t *party = s_area_party (area, candidate->party);
        party->votes += candidate->votes;
        party->seats += candidate->elected;
    }
}

//  By seats, then votes, most first. The parties are sorted as pointers in
//  the order of their first appearance, as the tree of jansson objects
//  this replaced sorted them: the same qsort of the same input, so ties
//  come out where they always did.
static int
s_compare_area_parties (const void *left, const void *right)
{
    const s_area_party_t *a = *(const s_area_party_t * const *) left;
    const s_area_party_t *b = *(const s_area_party_t * const *) right;
    json_int_t seats = b->seats - a->seats;
    if (seats)
        return seats > 0 ? 1 : -1;
    json_int_t votes = b->votes - a->votes;
    return votes > 0 ? 1 : votes < 0 ? -1 : 0;
}

//  An area as its entry of "regions": its parties by seats then votes,
//  each with its share of the votes declared there.
static json_t *
s_area_json (const s_area_t *area)
{
    size_t count = area->party_count;
    const s_area_party_t **sorted =
        (const s_area_party_t **) calloc (count ? count : 1, sizeof (s_area_party_t *));
    assert (sorted);
    json_int_t total = 0;
    for (size_t index = 0; index < count; index++) {
        sorted [index] = &area->parties [index];
        total += area->parties [index].votes;
    }
    qsort (sorted, count, sizeof (s_area_party_t *), s_compare_area_parties);
    json_t *parties = json_array ();
    for (size_t index = 0; index < count; index++)
        json_array_append_new (parties, json_pack ("{s:s, s:I, s:I, s:f}",
            "party", sorted [index]->party, "seats", sorted [index]->seats,
            "votes", sorted [index]->votes,
            "share", total ? (double) sorted [index]->votes / (double) total : 0.0));
    free (sorted);
    return json_pack ("{s:s, s:s, s:I, s:I, s:o}", "type", area->type,
                      "name", area->name, "seats", area->seats,
                      "declared", area->declared, "parties", parties);
}

//  --- The document -------------------------------------------------------

static json_t *
s_headline (const tr_config_t *config, const tr_totals_t *totals)
{
    uint32_t seats [TR_HEADLINE_GROUPS_MAX];
    int32_t change [TR_HEADLINE_GROUPS_MAX];
    tr_json_headline_totals (config, totals, seats, change);
    json_t *headline = json_array ();
    for (size_t group = 0; group < config->group_count; group++)
        json_array_append_new (headline, json_pack ("{s:s, s:s, s:I, s:I}",
            "party", config->groups [group].code, "name", config->groups [group].name,
            "seats", (json_int_t) seats [group], "change", (json_int_t) change [group]));
    return headline;
}

static json_t *
s_constituency (const tr_constituency_t *seat, const tr_result_t *result)
{
    json_t *object = json_pack ("{s:s, s:s, s:s, s:s, s:b, s:b, s:s}",
        "id", seat->id, "name", seat->name, "region", seat->region,
        "nation", seat->nation, "declared", result != NULL,
        "new", seat->new_seat, "previous", seat->previous);
    if (result) {
        json_object_update_new (object, json_pack ("{s:s, s:s, s:s, s:I, s:f, s:I}",
            "winner", result->winner, "winner_name", result->winner_name,
            "result", tr_outcome_name (result->outcome),
            "majority", (json_int_t) result->majority, "turnout", result->turnout,
            "ingest_seq", (json_int_t) result->ingest_seq));
        json_object_set_new (object, "candidates", tr_json_candidates (result));
        tr_json_unit_fields (object, result);
    }
    else
        json_object_update_new (object, json_pack ("{s:n, s:n, s:n, s:n}",
            "winner", "result", "majority", "turnout"));
    return object;
}

//  Where the document finds a unit's result and a contest's state: a
//  whole reply's lists, or a view (one unpacked at a time). contest gives
//  the next contest from *next and moves *next past it; NULL at the end.
typedef struct {
    const tr_result_t *(*result) (void *arg, const tr_constituency_t *seat);
    const tr_contest_state_t *(*contest) (void *arg, size_t *next);
    void *arg;
} s_source_t;

//  The document of the state at seq with totals, to writer; whole, a
//  referendum's every result (NULL on any other night).
static void
s_document (s_writer_t *writer, const tr_config_t *config, uint64_t seq,
            const tr_totals_t *totals, const s_source_t *source,
            const tr_snapshot_reply_t *whole)
{
    json_t *head = json_pack ("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:s?}",
        "seq", (json_int_t) seq, "election", config->name,
        "date", config->date, "seats", (json_int_t) config->seats,
        "majority", (json_int_t) config->majority,
        "declared", (json_int_t) totals->declared,
        "to_go", (json_int_t) (config->seats - totals->declared),
        "majority_party", *totals->majority_party ? totals->majority_party : NULL);
    json_object_set_new (head, "headline", s_headline (config, totals));
    json_t *totals_json = tr_json_totals (totals);
    json_object_set (head, "parties", json_object_get (totals_json, "parties"));
    json_decref (totals_json);
    s_write_head (writer, head);

    s_areas_t areas = { .found = zhashx_new () };
    assert (areas.found);
    zhashx_set_destructor (areas.found, s_area_destroy);
    s_write_open (writer, "constituencies");
    for (size_t index = 0; index < config->constituency_count; index++) {
        const tr_constituency_t *seat = &config->constituencies [index];
        const tr_result_t *result = source->result (source->arg, seat);
        s_write_item (writer, s_constituency (seat, result));
        s_count (s_area (&areas, "region", seat->region), result);
        if (!streq (seat->region, seat->nation))
            s_count (s_area (&areas, "nation", seat->nation), result);
    }
    s_write_close (writer);
    s_write_open (writer, "regions");
    for (size_t index = 0; index < areas.count; index++)
        s_write_item (writer, s_area_json (areas.list [index]));
    s_write_close (writer);
    free (areas.list);
    zhashx_destroy (&areas.found);

    //  A contests night's headline kind and its contests (only then).
    if (config->contest_count) {
        s_write_member (writer, "headline_kind",
                        json_string (tr_headline_kind_name (config->headline_kind)));
        s_write_open (writer, "contests");
        size_t next = 0;
        const tr_contest_state_t *state;
        while ((state = source->contest (source->arg, &next))) {
            json_t *contest = tr_json_contest (state);
            json_object_del (contest, "type");
            s_write_item (writer, contest);
        }
        s_write_close (writer);
    }
    //  A referendum's headline (only then: a 2024 document is as it was).
    json_t *referendum = whole ? tr_referendum_json (config, whole) : NULL;
    if (referendum)
        s_write_member (writer, "referendum", referendum);
}

//  A whole reply: results by id, so the document costs a lookup a seat,
//  not a search; contests in the reply's order.
typedef struct {
    zhashx_t *results;
    const tr_snapshot_reply_t *snapshot;
} s_reply_source_t;

static const tr_result_t *
s_reply_result (void *arg, const tr_constituency_t *seat)
{
    return (const tr_result_t *) zhashx_lookup (((s_reply_source_t *) arg)->results,
                                                seat->id);
}

static const tr_contest_state_t *
s_reply_contest (void *arg, size_t *next)
{
    const tr_snapshot_reply_t *snapshot = ((s_reply_source_t *) arg)->snapshot;
    return *next < snapshot->contest_count ? &snapshot->contests [(*next)++] : NULL;
}

json_t *
tr_json_snapshot (const tr_config_t *config, const tr_snapshot_reply_t *snapshot)
{
    s_reply_source_t reply = { zhashx_new (), snapshot };
    assert (reply.results);
    for (size_t index = 0; index < snapshot->result_count; index++)
        zhashx_insert (reply.results, snapshot->results [index].constituency,
                       &snapshot->results [index]);
    s_source_t source = { s_reply_result, s_reply_contest, &reply };
    s_writer_t tree = { .as_text = false };
    s_document (&tree, config, snapshot->seq, &snapshot->totals, &source, snapshot);
    zhashx_destroy (&reply.results);
    return tree.document;
}

//  A view: a unit's result unpacked at a time (valid until the next), and
//  the contests in config order.
typedef struct {
    const tr_config_t *config;
    const tr_view_t *view;
} s_view_source_t;

static const tr_result_t *
s_view_result (void *arg, const tr_constituency_t *seat)
{
    return tr_view_result (((s_view_source_t *) arg)->view, seat->id);
}

static const tr_contest_state_t *
s_view_contest (void *arg, size_t *next)
{
    s_view_source_t *source = (s_view_source_t *) arg;
    while (*next < source->config->contest_count) {
        //  A contest no message has named yet is left out, as the view's
        //  own snapshot leaves it out.
        const tr_contest_state_t *state =
            tr_view_contest (source->view, source->config->contests [(*next)++].id);
        if (state)
            return state;
    }
    return NULL;
}

//  The document from a view, to writer.
static void
s_view_document (s_writer_t *writer, const tr_config_t *config, const tr_view_t *view)
{
    s_view_source_t viewed = { config, view };
    s_source_t source = { s_view_result, s_view_contest, &viewed };
    //  A referendum's headline sums every result: from a whole snapshot.
    tr_snapshot_reply_t whole = { .seq = 0 };
    if (config->kind == TR_CONTEST_REFERENDUM)
        tr_view_snapshot (view, &whole);
    s_document (writer, config, tr_view_seq (view), tr_view_totals (view), &source,
                config->kind == TR_CONTEST_REFERENDUM ? &whole : NULL);
    free (whole.results);
    free (whole.contests);
}

json_t *
tr_json_snapshot_view (const tr_config_t *config, const tr_view_t *view)
{
    s_writer_t tree = { .as_text = false };
    s_view_document (&tree, config, view);
    return tree.document;
}

char *
tr_json_snapshot_text (const tr_config_t *config, const tr_view_t *view, size_t *size)
{
    s_writer_t text = { .as_text = true };
    s_text_reserve (&text, S_TEXT_INITIAL);
    s_view_document (&text, config, view);
    s_text_append (&text, "}", 1);
    s_text_append (&text, "", 1);
    *size = text.size - 1;
    //  Give back the doubling's slack: the text may be kept a while.
    char *document = (char *) realloc (text.text, text.size);
    assert (document);
    return document;
}
