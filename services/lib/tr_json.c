/*  tr_json.c — the night's messages as JSON objects (tr_json.h), and the
    pieces the snapshot document (tr_json_snapshot.c) shares with them.
    Built as jansson values, so escaping and number formatting are
    jansson's business.                                                   */

#include "tr_json.h"

json_t *
tr_json_candidates (const tr_result_t *result)
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

void
tr_json_unit_fields (json_t *object, const tr_result_t *result)
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
    json_object_set_new (object, "candidates", tr_json_candidates (result));
    tr_json_unit_fields (object, result);
    return object;
}

json_t *
tr_json_contest (const tr_contest_state_t *contest)
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

json_t *
tr_json_totals (const tr_totals_t *totals)
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
            return tr_json_totals (&msg->u.totals);
        case TR_MSG_ALERT: {
            const tr_alert_t *alert = &msg->u.alert;
            return json_pack ("{s:s, s:I, s:s, s:b, s:s, s:s, s:s}",
                "type", "alert", "seq", (json_int_t) alert->seq,
                "kind", tr_alert_kind_name (alert->kind), "breaking", alert->breaking,
                "constituency", alert->constituency, "party", alert->party,
                "text", alert->text);
        }
        case TR_MSG_CONTEST:
            return tr_json_contest (&msg->u.contest);
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
