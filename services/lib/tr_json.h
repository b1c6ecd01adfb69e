/*  tr_json.h — the night as JSON, with jansson: the snapshot document that
    graphics systems code against (`tallyroom snapshot --json`, documented
    in README.md, "The snapshot JSON") and one object per message for
    `tallyroom watch --json`.
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

//  One message as an object with "type" and its fields. New reference.
json_t *
    tr_json_message (const tr_msg_t *msg);

//  The headline groups' seats and change (config order), computed from
//  the per-party totals. seats and change must hold config->group_count.
void
    tr_json_headline_totals (const tr_config_t *config, const tr_totals_t *totals,
                             uint32_t *seats, int32_t *change);

#endif
