/*  tr_config_contests.h — the config's `contests` table (config/README.md,
    "contests"; issue 12): the night's contests, each counted in the
    constituencies that name it, and what the headline counts. Internal to
    config/: tr_config.c reads the table before the constituencies (which
    name a contest) and checks the whole once they are read.               */
#ifndef TR_CONFIG_CONTESTS_H_INCLUDED
#define TR_CONFIG_CONTESTS_H_INCLUDED

#include "tr_config.h"
#include "tr_yaml_read.h"

//  election.headline: seats or electoral_votes. False after tr_yaml_fail.
bool
    tr_config_read_headline_kind (const tr_yaml_map_t *election, tr_config_t *self);

//  Reads root's `contests` list, if there is one, into self->contests.
bool
    tr_config_read_contests (const tr_yaml_map_t *root, tr_config_t *self);

//  A constituency's `contest` key: required when there are contests, an
//  error when there are none. Counts the unit into its contest.
bool
    tr_config_read_unit_contest (const tr_yaml_map_t *map, tr_config_t *self,
                                 tr_constituency_t *seat);

//  Once the constituencies are read: every contest is counted somewhere,
//  and a referendum has no contests table (it is one contest).
bool
    tr_config_check_contests (const tr_yaml_map_t *root, tr_config_t *self);

//  The headline's total: the contests' weights, or one a constituency.
uint64_t
    tr_config_contest_weight_total (const tr_config_t *self);

#endif
