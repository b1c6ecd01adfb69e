/*  tr_import_eu.h — `tallyroom import-eu-referendum`: the Electoral
    Commission's result of the EU referendum of 23 June 2016, by counting
    area, into an election config (election.kind: referendum) and a night
    of area declarations in counting order (services/importer/README.md,
    "The EU referendum").

    The file has no declaration times; the night's are made by a model
    (below, and in the README), not taken from the record.
*/
#ifndef TR_IMPORT_EU_H_INCLUDED
#define TR_IMPORT_EU_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tr_import_file.h"

//  The night's clock: counting areas declared from midnight (BST) on 24
//  June 2016. An area's time is TR_IMPORT_EU_FIRST plus a share of
//  TR_IMPORT_EU_SPAN in proportion to its ballots (a big count takes
//  longer), moved by up to TR_IMPORT_EU_JITTER either way by a hash of
//  its code (counts are not all equally quick), kept within the span.
#define TR_IMPORT_EU_FIRST    1466722800    /*  2016-06-24 00:00 BST, Unix s  */
#define TR_IMPORT_EU_SPAN     (7 * 3600)    /*  to 07:00                      */
#define TR_IMPORT_EU_JITTER   (40 * 60)     /*  seconds                       */

//  input is the Commission's CSV.
typedef tr_import_file_options_t tr_import_eu_options_t;

//  Reads, checks and writes. 0 on success; 1 with error set ("FILE:LINE:
//  column 'X' = 'V': why") and nothing written; 2 for bad options.
int
    tr_import_eu_run (const tr_import_eu_options_t *options,
                      char *error, size_t error_size);

//  The model's time for an area of `ballots` ballots (the night's largest
//  count has `largest`), keyed by its code: Unix seconds.
int64_t
    tr_import_eu_time (const char *code, uint64_t ballots, uint64_t largest);

#endif
