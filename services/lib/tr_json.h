/*  tr_json.h — the night as JSON, with jansson: the snapshot document that
    graphics systems code against (`tallyroom snapshot --json`, documented
    in README.md, "The snapshot JSON"; tr_json_snapshot.c) and one object
    per message for `tallyroom watch --json` (tr_json.c).
*/
#ifndef TR_JSON_H_INCLUDED
#define TR_JSON_H_INCLUDED

#include "config/tr_config.h"
#include "services/lib/tr_view.h"
#include <jansson.h>

//  The snapshot document: seq, seats, majority, declared, to_go, headline,
//  parties, constituencies (every seat, declared or not) and regions.
//  Returns a new reference.
json_t *
    tr_json_snapshot (const tr_config_t *config, const tr_snapshot_reply_t *snapshot);

//  The same document from a view: each unit's result unpacked as its turn
//  comes, never the whole night at once (6 KB a unit: 600 MB at 100,000),
//  and a contests night's contests in config order. A referendum's
//  headline sums a whole snapshot of the view (its areas).
json_t *
    tr_json_snapshot_view (const tr_config_t *config, const tr_view_t *view);

//  The same document as compact text (JSON_COMPACT | JSON_ENSURE_ASCII),
//  byte for byte what json_dumps makes of tr_json_snapshot_view's, but
//  written a piece at a time: one unit's or one contest's object is built,
//  appended and freed before the next, so what it holds beyond the text is
//  the view and the regions' running sums, never the tree of the night
//  (907 MB for an 85 MB document at 100,000 units). malloc'd and NUL-terminated, *size its
//  length: what the gateway serves at /snapshot.
char *
    tr_json_snapshot_text (const tr_config_t *config, const tr_view_t *view,
                           size_t *size);

//  One message as an object with "type" and its fields. New reference.
json_t *
    tr_json_message (const tr_msg_t *msg);

//  The headline groups' seats and change (config order), computed from
//  the per-party totals. seats and change must hold config->group_count.
void
    tr_json_headline_totals (const tr_config_t *config, const tr_totals_t *totals,
                             uint32_t *seats, int32_t *change);

//  The pieces the snapshot document shares with the messages: a result's
//  candidates (a new array); a contests night's unit fields, "contest" and
//  "reporting" (a fraction, 0..1), set on object (nothing on a night
//  without contests); a contest's running state, the same object as a
//  "contest" event and (without "type") in a snapshot's "contests"; the
//  totals as a "totals" event. New references.
json_t *
    tr_json_candidates (const tr_result_t *result);
void
    tr_json_unit_fields (json_t *object, const tr_result_t *result);
json_t *
    tr_json_contest (const tr_contest_state_t *contest);
json_t *
    tr_json_totals (const tr_totals_t *totals);

#endif
