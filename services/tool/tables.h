/*  tables.h — the night as text for a terminal: the headline strip, the
    parties table and one alert line, as `watch` and `snapshot` print them. */
#ifndef TABLES_H_INCLUDED
#define TABLES_H_INCLUDED

#include "config/tr_config.h"
#include <stdio.h>

//  "Lab 412 (+211) · Con 121 (−251) · … | 650/650 declared, 0 to go"
void tables_print_strip (FILE *stream, const tr_config_t *config,
                         const tr_totals_t *totals);

//  The headline groups, then every party with a seat or a vote.
void tables_print_parties (FILE *stream, const tr_config_t *config,
                           const tr_totals_t *totals);

//  "BREAKING  Labour gain Loughborough from Conservative"
void tables_print_alert (FILE *stream, const tr_alert_t *alert);

#endif
