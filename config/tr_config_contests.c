/*  tr_config_contests.c — the config's contests table (tr_config_contests.h).

    A night without a contests table is what it always was: each
    constituency is its own contest electing one. With one, constituencies
    are reporting units: a US county counted towards its state, say. The
    unit's electorate and previous winner are then optional, since a
    county result has neither, and the headline total is the sum of the
    contests' weights.
*/
#include "tr_config_contests.h"

static const char *const s_contest_keys [] = {
    "id", "name", "region", "weight", "elect", NULL
};

const char *
tr_headline_kind_name (tr_headline_kind_t kind)
{
    return kind == TR_HEADLINE_ELECTORAL_VOTES ? "electoral_votes" : "seats";
}

bool
tr_config_read_headline_kind (const tr_yaml_map_t *election, tr_config_t *self)
{
    char kind [24] = "seats";
    if (!tr_yaml_map_string (election, "headline", TR_YAML_OPTIONAL, kind, sizeof kind - 1))
        return false;
    if (streq (kind, "electoral_votes"))
        self->headline_kind = TR_HEADLINE_ELECTORAL_VOTES;
    else
    if (!streq (kind, "seats"))
        return tr_yaml_fail (election->yaml, tr_yaml_map_value (election, "headline"),
            "election.headline: '%s', expected seats or electoral_votes", kind);
    return true;
}

//  A heap copy of an optional or required string under key.
static bool
s_read_name (const tr_yaml_map_t *map, const char *key, tr_yaml_need_t need,
             char **text)
{
    char buffer [TR_NAME_MAX + 1] = "";
    if (!tr_yaml_map_string (map, key, need, buffer, TR_NAME_MAX))
        return false;
    *text = strdup (buffer);
    if (!*text)
        return tr_yaml_fail (map->yaml, map->node, "%s: out of memory", map->path);
    return true;
}

static bool
s_read_contest (tr_yaml_t *yaml, yaml_node_t *list, const char *list_path,
                size_t index, tr_config_t *self)
{
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_index (path, list_path, index);
    tr_yaml_map_t map;
    tr_contest_t *contest = &self->contests [index];
    yaml_node_t *id = NULL;
    if (!tr_yaml_map_open (yaml, tr_yaml_item (yaml, list, index), path,
                           s_contest_keys, &map))
        return false;
    char id_path [TR_YAML_PATH_MAX];
    tr_yaml_path_key (id_path, path, "id");
    bool ok;
    id = tr_yaml_map_need (&map, "id", TR_YAML_REQUIRED, &ok);
    if (!id || !tr_yaml_identifier (yaml, id, id_path, contest->id, TR_ID_MAX))
        return false;
    if (tr_config_contest_index (self, contest->id) >= 0)
        return tr_yaml_fail (yaml, id, "%s: duplicate contest id '%s'", id_path,
                             contest->id);
    self->contest_count++;              //  so destroy frees its names
    contest->elect = 1;
    if (!s_read_name (&map, "name", TR_YAML_REQUIRED, &contest->name)
    ||  !s_read_name (&map, "region", TR_YAML_OPTIONAL, &contest->region)
    ||  !tr_yaml_map_uint32 (&map, "elect", TR_YAML_OPTIONAL, 1, TR_CANDIDATES_MAX,
                             &contest->elect))
        return false;
    contest->weight = contest->elect;
    if (!tr_yaml_map_uint32 (&map, "weight", TR_YAML_OPTIONAL, 1, TR_WEIGHT_MAX,
                             &contest->weight))
        return false;
    //  Each member elected is a seat of the headline: a contest electing
    //  several weighs what it elects.
    if (contest->elect > 1 && contest->weight != contest->elect)
        return tr_yaml_fail (yaml, tr_yaml_map_value (&map, "weight"),
            "%s.weight: %u, but it elects %u: a contest electing several weighs "
            "one a member", path, contest->weight, contest->elect);
    zhashx_insert (self->contest_index, contest->id, (void *) (uintptr_t) (index + 1));
    return true;
}

bool
tr_config_read_contests (const tr_yaml_map_t *root, tr_config_t *self)
{
    if (!tr_yaml_map_value (root, "contests"))
        return true;
    char path [TR_YAML_PATH_MAX];
    bool ok;
    yaml_node_t *list = tr_yaml_map_list (root, "contests", TR_YAML_OPTIONAL, 1,
                                          TR_CONTESTS_MAX, path, &ok);
    if (!list)
        return false;
    self->contests = calloc (tr_yaml_list_size (list), sizeof *self->contests);
    if (!self->contests)
        return tr_yaml_fail (root->yaml, list, "%s: out of memory", path);
    for (size_t index = 0; index < tr_yaml_list_size (list); index++)
        if (!s_read_contest (root->yaml, list, path, index, self))
            return false;
    return true;
}

bool
tr_config_read_unit_contest (const tr_yaml_map_t *map, tr_config_t *self,
                             tr_constituency_t *seat)
{
    yaml_node_t *node = tr_yaml_map_value (map, "contest");
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_key (path, map->path, "contest");
    if (self->contest_count == 0) {
        if (node)
            return tr_yaml_fail (map->yaml, node,
                "%s: the config has no contests table to name", path);
        return true;
    }
    char id [TR_ID_MAX + 1];
    if (!tr_yaml_map_string (map, "contest", TR_YAML_REQUIRED, id, TR_ID_MAX))
        return false;
    int index = tr_config_contest_index (self, id);
    if (index < 0)
        return tr_yaml_fail (map->yaml, node, "%s: unknown contest '%s'", path, id);
    seat->contest = (uint32_t) index;
    if (self->contests [index].unit_count++ == 0)
        self->contests [index].first_unit = (uint32_t) self->constituency_count - 1;
    return true;
}

bool
tr_config_check_contests (const tr_yaml_map_t *root, tr_config_t *self)
{
    if (self->contest_count == 0) {
        if (self->headline_kind == TR_HEADLINE_ELECTORAL_VOTES)
            return tr_yaml_fail (root->yaml, root->node,
                "election.headline: electoral_votes needs a contests table");
        return true;
    }
    yaml_node_t *list = tr_yaml_map_value (root, "contests");
    if (self->kind == TR_CONTEST_REFERENDUM)
        return tr_yaml_fail (root->yaml, list,
            "contests: a referendum is one contest; give its areas as constituencies");
    for (size_t index = 0; index < self->contest_count; index++) {
        const tr_contest_t *contest = &self->contests [index];
        if (contest->unit_count == 0)
            return tr_yaml_fail (root->yaml, list,
                "contests[%zu] (%s): no constituency is counted towards it",
                index, contest->id);
        //  Its members are its unit's most voted candidates: one count.
        if (contest->elect > 1 && contest->unit_count > 1)
            return tr_yaml_fail (root->yaml, list,
                "contests[%zu] (%s): elects %u, so it is counted in one unit, not %u",
                index, contest->id, contest->elect, contest->unit_count);
        if (contest->elect > 1 && self->headline_kind == TR_HEADLINE_ELECTORAL_VOTES)
            return tr_yaml_fail (root->yaml, list,
                "contests[%zu] (%s): elects %u, but electoral votes go to one winner",
                index, contest->id, contest->elect);
        if (contest->elect > 1
        &&  self->constituencies [contest->first_unit].nominee_count < contest->elect)
            return tr_yaml_fail (root->yaml, list,
                "contests[%zu] (%s): elects %u from %zu candidates", index, contest->id,
                contest->elect, self->constituencies [contest->first_unit].nominee_count);
    }
    return true;
}

uint64_t
tr_config_contest_weight_total (const tr_config_t *self)
{
    if (self->contest_count == 0)
        return self->constituency_count;
    uint64_t total = 0;
    for (size_t index = 0; index < self->contest_count; index++)
        total += self->contests [index].weight;
    return total;
}
