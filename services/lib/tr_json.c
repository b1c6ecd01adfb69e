/*  tr_json.c — JSON documents of the night (tr_json.h). Built as jansson
    values, so escaping and number formatting are jansson's business.     */

#include "tr_json.h"
#include "tr_referendum.h"

static json_t *
s_result_candidates (const tr_result_t *result)
{
    json_t *candidates = json_array ();
    for (size_t index = 0; index < result->candidate_count; index++) {
        const tr_result_candidate_t *candidate = &result->candidates [index];
        json_t *item = json_pack ("{s:s, s:s, s:I, s:f, s:b, s:b}",
            "name", candidate->name, "party", candidate->party,
            "votes", (json_int_t) candidate->votes, "share", candidate->share,
            "elected", candidate->elected, "sitting_mp", candidate->sitting_mp);
        json_object_set_new (item, "share_change", candidate->share_change_known
                             ? json_real (candidate->share_change) : json_null ());
        json_array_append_new (candidates, item);
    }
    return candidates;
}

//  A contests night's unit says its contest and how much of it is in
//  (a fraction, 0..1); a seat of a night without contests says neither.
static void
s_unit_fields (json_t *object, const tr_result_t *result)
{
    if (!*result->contest)
        return;
    json_object_set_new (object, "contest", json_string (result->contest));
    json_object_set_new (object, "reporting",
                         json_real (result->reporting / (double) TR_REPORTING_ALL));
}

static json_t *
s_result (const tr_result_t *result)
{
    json_t *object = json_pack ("{s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I}",
        "type", "result", "seq", (json_int_t) result->seq,
        "ingest_seq", (json_int_t) result->ingest_seq,
        "id", result->constituency, "name", result->name,
        "region", result->region, "nation", result->nation,
        "kind", tr_kind_name (result->kind),
        "declared_at", (json_int_t) result->declared_at);
    json_object_update_new (object, json_pack (
        "{s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:f}",
        "winner", result->winner, "winner_name", result->winner_name,
        "runner_up", result->runner_up, "previous", result->previous,
        "result", tr_outcome_name (result->outcome), "new", result->new_seat,
        "majority", (json_int_t) result->majority,
        "electorate", (json_int_t) result->electorate,
        "valid_votes", (json_int_t) result->valid_votes,
        "invalid_votes", (json_int_t) result->invalid_votes,
        "turnout", result->turnout));
    json_object_set_new (object, "candidates", s_result_candidates (result));
    s_unit_fields (object, result);
    return object;
}

//  A contest's running state: the same object in a snapshot's "contests"
//  and as a "contest" event. reporting is a fraction (0..1) here.
static json_t *
s_contest (const tr_contest_state_t *contest)
{
    json_t *parties = json_array ();
    uint64_t total = 0;
    for (size_t index = 0; index < contest->party_count; index++)
        total += contest->parties [index].votes;
    for (size_t index = 0; index < contest->party_count; index++) {
        const tr_contest_party_t *party = &contest->parties [index];
        json_array_append_new (parties, json_pack ("{s:s, s:I, s:f}",
            "party", party->party, "votes", (json_int_t) party->votes,
            "share", total ? (double) party->votes / (double) total : 0.0));
    }
    json_t *object = json_pack ("{s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:s?, s:I, s:f, s:I, s:I, "
                      "s:s?, s:s?, s:o}",
        "type", "contest", "seq", (json_int_t) contest->seq,
        "id", contest->contest, "name", contest->name, "region", contest->region,
        "weight", (json_int_t) contest->weight,
        "status", tr_contest_status_name (contest->status),
        "leader", *contest->leader ? contest->leader : NULL,
        "margin", (json_int_t) contest->margin,
        "reporting", contest->reporting / (double) TR_REPORTING_ALL,
        "units", (json_int_t) contest->units,
        "units_final", (json_int_t) contest->units_final,
        "winner", *contest->winner ? contest->winner : NULL,
        "called", *contest->called ? contest->called : NULL,
        "parties", parties);
    //  A contest electing several: its members' parties, once decided.
    if (object && contest->member_count) {
        json_t *members = json_array ();
        for (size_t index = 0; index < contest->member_count; index++)
            json_array_append_new (members, json_string (contest->members [index].party));
        json_object_set_new (object, "members", members);
    }
    return object;
}

static json_t *
s_totals (const tr_totals_t *totals)
{
    json_t *parties = json_array ();
    for (size_t index = 0; index < totals->party_count; index++) {
        const tr_party_total_t *party = &totals->parties [index];
        json_array_append_new (parties, json_pack ("{s:s, s:s, s:I, s:I, s:I, s:f}",
            "party", party->party, "name", party->name,
            "seats", (json_int_t) party->seats, "change", (json_int_t) party->change,
            "votes", (json_int_t) party->votes, "share", party->share));
    }
    json_t *object = json_pack ("{s:s, s:I, s:I, s:I, s:I, s:I, s:s?, s:o}",
        "type", "totals", "seq", (json_int_t) totals->seq,
        "seats", (json_int_t) totals->seats, "majority", (json_int_t) totals->majority,
        "declared", (json_int_t) totals->declared, "to_go", (json_int_t) totals->to_go,
        "majority_party", *totals->majority_party ? totals->majority_party : NULL,
        "parties", parties);
    //  Only the changed parties (a subscriber with no state, watch --topic):
    //  said, so no one takes them for all.
    if (object && totals->changed_only) {
        json_object_set_new (object, "changed_only", json_true ());
        json_object_set_new (object, "valid_votes", json_integer ((json_int_t) totals->valid_votes));
    }
    return object;
}

static json_t *
s_declaration (const tr_declaration_t *declaration)
{
    json_t *candidates = json_array ();
    for (size_t index = 0; index < declaration->candidate_count; index++) {
        const tr_candidate_t *candidate = &declaration->candidates [index];
        json_array_append_new (candidates, json_pack ("{s:s, s:s, s:I}",
            "name", candidate->name, "party", candidate->party,
            "votes", (json_int_t) candidate->votes));
    }
    json_t *object = json_pack ("{s:s, s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:o}",
        "type", "declaration", "seq", (json_int_t) declaration->seq,
        "accepted_at", (json_int_t) declaration->accepted_at,
        "submission_id", declaration->submission_id,
        "constituency", declaration->constituency,
        "kind", tr_kind_name (declaration->kind),
        "declared_at", (json_int_t) declaration->declared_at,
        "electorate", (json_int_t) declaration->electorate,
        "invalid_votes", (json_int_t) declaration->invalid_votes,
        "elected", declaration->elected, "candidates", candidates);
    //  A contests night's fields, as on the wire: only when given.
    if (object && *declaration->contest)
        json_object_set_new (object, "contest", json_string (declaration->contest));
    if (object && declaration->reporting)
        json_object_set_new (object, "reporting",
                             json_integer ((json_int_t) declaration->reporting));
    return object;
}

json_t *
tr_json_message (const tr_msg_t *msg)
{
    switch (msg->type) {
        case TR_MSG_DECLARATION:
            return s_declaration (&msg->u.declaration);
        case TR_MSG_RESULT:
            return s_result (&msg->u.result);
        case TR_MSG_TOTALS:
            return s_totals (&msg->u.totals);
        case TR_MSG_ALERT: {
            const tr_alert_t *alert = &msg->u.alert;
            return json_pack ("{s:s, s:I, s:s, s:b, s:s, s:s, s:s}",
                "type", "alert", "seq", (json_int_t) alert->seq,
                "kind", tr_alert_kind_name (alert->kind), "breaking", alert->breaking,
                "constituency", alert->constituency, "party", alert->party,
                "text", alert->text);
        }
        case TR_MSG_CONTEST:
            return s_contest (&msg->u.contest);
        case TR_MSG_HEARTBEAT:
            return json_pack ("{s:s, s:I, s:I, s:s}", "type", "heartbeat",
                "seq", (json_int_t) msg->u.heartbeat.seq,
                "sent_at", (json_int_t) msg->u.heartbeat.sent_at,
                "sender", msg->u.heartbeat.sender);
        default:
            return json_pack ("{s:s}", "type", tr_msg_type_name (msg->type));
    }
}

void
tr_json_headline_totals (const tr_config_t *config, const tr_totals_t *totals,
                         uint32_t *seats, int32_t *change)
{
    memset (seats, 0, config->group_count * sizeof *seats);
    memset (change, 0, config->group_count * sizeof *change);
    for (size_t index = 0; index < totals->party_count; index++) {
        const tr_party_t *party = tr_config_party (config, totals->parties [index].party);
        if (!party)
            continue;
        seats [party->group] += totals->parties [index].seats;
        change [party->group] += totals->parties [index].change;
    }
}

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
        json_object_set_new (object, "candidates", s_result_candidates (result));
        s_unit_fields (object, result);
    }
    else
        json_object_update_new (object, json_pack ("{s:n, s:n, s:n, s:n}",
            "winner", "result", "majority", "turnout"));
    return object;
}

//  One entry of "regions": its seats, how many have declared, and each
//  party's seats and votes there ("East Midlands: the results so far").
//  found holds the entries by type and name: a search of the list for
//  each unit cost units x regions (4 minutes of a 100,000-unit night's
//  snapshot, whose 10,000 contests name its regions).
static json_t *
s_area (json_t *areas, json_t *found, const char *type, const char *name)
{
    char key [TR_NAME_MAX + 16];
    snprintf (key, sizeof key, "%s\n%s", type, name);
    json_t *area = json_object_get (found, key);
    if (area)
        return area;
    area = json_pack ("{s:s, s:s, s:i, s:i, s:{}}", "type", type, "name", name,
                      "seats", 0, "declared", 0, "parties");
    json_array_append_new (areas, area);
    json_object_set (found, key, area);
    return area;
}

static void
s_add (json_t *object, const char *key, json_int_t amount)
{
    json_t *value = json_object_get (object, key);
    json_object_set_new (object, key,
                         json_integer ((value ? json_integer_value (value) : 0) + amount));
}

static void
s_count (json_t *area, const tr_result_t *result)
{
    s_add (area, "seats", 1);
    if (!result)
        return;
    s_add (area, "declared", 1);
    json_t *parties = json_object_get (area, "parties");
    for (size_t index = 0; index < result->candidate_count; index++) {
        const tr_result_candidate_t *candidate = &result->candidates [index];
        json_t *party = json_object_get (parties, candidate->party);
        if (!party) {
            party = json_pack ("{s:s, s:i, s:i}", "party", candidate->party,
                               "seats", 0, "votes", 0);
            json_object_set_new (parties, candidate->party, party);
        }
        s_add (party, "votes", candidate->votes);
        s_add (party, "seats", candidate->elected);
    }
}

static int
s_compare_area_parties (const void *left, const void *right)
{
    json_t *a = *(json_t * const *) left, *b = *(json_t * const *) right;
    json_int_t seats = json_integer_value (json_object_get (b, "seats"))
                     - json_integer_value (json_object_get (a, "seats"));
    if (seats)
        return seats > 0 ? 1 : -1;
    json_int_t votes = json_integer_value (json_object_get (b, "votes"))
                     - json_integer_value (json_object_get (a, "votes"));
    return votes > 0 ? 1 : votes < 0 ? -1 : 0;
}

//  Turns an area's parties from a map into a list by seats then votes,
//  each with its share of the votes declared there.
static void
s_finish_area (json_t *area)
{
    json_t *parties = json_object_get (area, "parties");
    size_t count = json_object_size (parties), at = 0;
    json_t **sorted = (json_t **) calloc (count ? count : 1, sizeof (json_t *));
    assert (sorted);
    json_int_t total = 0;
    const char *key;
    json_t *party;
    json_object_foreach (parties, key, party) {
        sorted [at++] = party;
        total += json_integer_value (json_object_get (party, "votes"));
    }
    qsort (sorted, count, sizeof (json_t *), s_compare_area_parties);
    json_t *list = json_array ();
    for (at = 0; at < count; at++) {
        json_int_t votes = json_integer_value (json_object_get (sorted [at], "votes"));
        json_object_set_new (sorted [at], "share",
                             json_real (total ? (double) votes / (double) total : 0));
        json_array_append (list, sorted [at]);
    }
    free (sorted);
    json_object_set_new (area, "parties", list);
}

//  Where the document finds a unit's result and a contest's state: a
//  whole reply's lists, or a view (one unpacked at a time).
typedef struct {
    const tr_result_t *(*result) (void *arg, const tr_constituency_t *seat);
    const tr_contest_state_t *(*contest) (void *arg, size_t index);
    void *arg;
} s_source_t;

//  The document of the state at seq with totals; whole, a referendum's
//  every result (NULL on any other night).
static json_t *
s_document (const tr_config_t *config, uint64_t seq, const tr_totals_t *totals,
            const s_source_t *source, const tr_snapshot_reply_t *whole)
{
    json_t *document = json_pack ("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:s?}",
        "seq", (json_int_t) seq, "election", config->name,
        "date", config->date, "seats", (json_int_t) config->seats,
        "majority", (json_int_t) config->majority,
        "declared", (json_int_t) totals->declared,
        "to_go", (json_int_t) (config->seats - totals->declared),
        "majority_party", *totals->majority_party ? totals->majority_party : NULL);
    json_object_set_new (document, "headline", s_headline (config, totals));
    json_t *totals_json = s_totals (totals);
    json_object_set (document, "parties", json_object_get (totals_json, "parties"));
    json_decref (totals_json);
    json_t *constituencies = json_array ();
    json_t *regions = json_array ();
    json_t *found = json_object ();         //  regions' entries, by type and name
    for (size_t index = 0; index < config->constituency_count; index++) {
        const tr_constituency_t *seat = &config->constituencies [index];
        const tr_result_t *result = source->result (source->arg, seat);
        json_array_append_new (constituencies, s_constituency (seat, result));
        s_count (s_area (regions, found, "region", seat->region), result);
        if (!streq (seat->region, seat->nation))
            s_count (s_area (regions, found, "nation", seat->nation), result);
    }
    size_t index;
    json_t *area;
    json_array_foreach (regions, index, area)
        s_finish_area (area);
    json_decref (found);
    json_object_set_new (document, "constituencies", constituencies);
    json_object_set_new (document, "regions", regions);
    //  A contests night's headline kind and its contests (only then).
    if (config->contest_count) {
        json_object_set_new (document, "headline_kind",
                             json_string (tr_headline_kind_name (config->headline_kind)));
        json_t *contests = json_array ();
        const tr_contest_state_t *state;
        for (size_t index = 0; (state = source->contest (source->arg, index)); index++) {
            json_t *contest = s_contest (state);
            json_object_del (contest, "type");
            json_array_append_new (contests, contest);
        }
        json_object_set_new (document, "contests", contests);
    }
    //  A referendum's headline (only then: a 2024 document is as it was).
    json_t *referendum = whole ? tr_referendum_json (config, whole) : NULL;
    if (referendum)
        json_object_set_new (document, "referendum", referendum);
    return document;
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
s_reply_contest (void *arg, size_t index)
{
    const tr_snapshot_reply_t *snapshot = ((s_reply_source_t *) arg)->snapshot;
    return index < snapshot->contest_count ? &snapshot->contests [index] : NULL;
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
    json_t *document = s_document (config, snapshot->seq, &snapshot->totals, &source,
                                   snapshot);
    zhashx_destroy (&reply.results);
    return document;
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
s_view_contest (void *arg, size_t index)
{
    s_view_source_t *source = (s_view_source_t *) arg;
    for (; index < source->config->contest_count; index++) {
        //  A contest no message has named yet is left out, as the view's
        //  own snapshot leaves it out.
        const tr_contest_state_t *state =
            tr_view_contest (source->view, source->config->contests [index].id);
        if (state)
            return state;
    }
    return NULL;
}

json_t *
tr_json_snapshot_view (const tr_config_t *config, const tr_view_t *view)
{
    s_view_source_t viewed = { config, view };
    s_source_t source = { s_view_result, s_view_contest, &viewed };
    //  A referendum's headline sums every result: from a whole snapshot.
    tr_snapshot_reply_t whole = { .seq = 0 };
    if (config->kind == TR_CONTEST_REFERENDUM)
        tr_view_snapshot (view, &whole);
    json_t *document = s_document (config, tr_view_seq (view), tr_view_totals (view),
                                   &source, config->kind == TR_CONTEST_REFERENDUM
                                          ? &whole : NULL);
    free (whole.results);
    free (whole.contests);
    return document;
}
