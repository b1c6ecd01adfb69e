/*  tr_config_security.c — reads the `security` table (tr_config_security.h).

    The defaults are the safe ones: a config that says nothing about
    security runs with Curve on, so turning it off takes a line someone
    wrote on purpose (`curve: false`), and the daemons say so loudly.
*/
#include "tr_config_security.h"

#define TR_SECURITY_KEYS_DEFAULT  "keys"
#define TR_SECURITY_DESK_DEFAULT  "desk"

static const char *const s_security_keys [] = {
    "curve", "keys", "subscribers", "desks", "centres", NULL
};
static const char *const s_grant_keys [] = { "name", "seats", "regions", NULL };


//  --------------------------------------------------------------------------
//  Scalars and desks

static bool
s_read_subscribers (const tr_yaml_map_t *security, tr_security_t *self)
{
    char mode [16] = "open";
    if (!tr_yaml_map_string (security, "subscribers", TR_YAML_OPTIONAL, mode,
                             sizeof mode - 1))
        return false;
    if (!streq (mode, "open") && !streq (mode, "curve"))
        return tr_yaml_fail (security->yaml, tr_yaml_map_value (security, "subscribers"),
            "security.subscribers: '%s': expected open or curve", mode);
    self->subscribers_curve = streq (mode, "curve");
    return true;
}

static bool
s_read_desks (const tr_yaml_map_t *security, tr_security_t *self)
{
    char path [TR_YAML_PATH_MAX];
    bool ok;
    yaml_node_t *list = tr_yaml_map_list (security, "desks", TR_YAML_OPTIONAL, 0,
                                          TR_SECURITY_DESKS_MAX, path, &ok);
    if (!ok)
        return false;
    if (!list) {
        self->desk_count = 1;
        strcpy (self->desks [0], TR_SECURITY_DESK_DEFAULT);
        return true;
    }
    for (size_t index = 0; index < tr_yaml_list_size (list); index++) {
        char item_path [TR_YAML_PATH_MAX];
        tr_yaml_path_index (item_path, path, index);
        yaml_node_t *node = tr_yaml_item (security->yaml, list, index);
        char *desk = self->desks [index];
        if (!tr_yaml_identifier (security->yaml, node, item_path, desk, TR_CODE_MAX))
            return false;
        for (size_t earlier = 0; earlier < index; earlier++)
            if (streq (self->desks [earlier], desk))
                return tr_yaml_fail (security->yaml, node, "%s: '%s' listed twice",
                                     item_path, desk);
        self->desk_count++;
    }
    return true;
}


//  --------------------------------------------------------------------------
//  centres: the grants

static bool
s_is_region_or_nation (const tr_config_t *config, const char *name)
{
    for (size_t index = 0; index < config->constituency_count; index++)
        if (streq (config->constituencies [index].region, name)
        ||  streq (config->constituencies [index].nation, name))
            return true;
    return false;
}

static bool
s_read_grant_seats (const tr_yaml_map_t *map, const tr_config_t *config,
                    tr_centre_grant_t *grant)
{
    char path [TR_YAML_PATH_MAX];
    bool ok;
    yaml_node_t *list = tr_yaml_map_list (map, "seats", TR_YAML_OPTIONAL, 1,
                                          TR_SEATS_MAX, path, &ok);
    if (!list)
        return ok;
    grant->seats = calloc (tr_yaml_list_size (list), sizeof *grant->seats);
    if (!grant->seats)
        return tr_yaml_fail (map->yaml, list, "%s: out of memory", path);
    for (size_t index = 0; index < tr_yaml_list_size (list); index++) {
        char item_path [TR_YAML_PATH_MAX];
        tr_yaml_path_index (item_path, path, index);
        yaml_node_t *node = tr_yaml_item (map->yaml, list, index);
        char id [TR_ID_MAX + 1];
        if (!tr_yaml_string (map->yaml, node, item_path, id, TR_ID_MAX))
            return false;
        int seat = tr_config_constituency_index (config, id);
        if (seat < 0)
            return tr_yaml_fail (map->yaml, node, "%s: unknown constituency id '%s'",
                                 item_path, id);
        grant->seats [grant->seat_count++] = (size_t) seat;
    }
    return true;
}

static bool
s_read_grant_regions (const tr_yaml_map_t *map, const tr_config_t *config,
                      tr_centre_grant_t *grant)
{
    char path [TR_YAML_PATH_MAX];
    bool ok;
    yaml_node_t *list = tr_yaml_map_list (map, "regions", TR_YAML_OPTIONAL, 1,
                                          TR_SECURITY_REGIONS_MAX, path, &ok);
    if (!list)
        return ok;
    for (size_t index = 0; index < tr_yaml_list_size (list); index++) {
        char item_path [TR_YAML_PATH_MAX];
        tr_yaml_path_index (item_path, path, index);
        yaml_node_t *node = tr_yaml_item (map->yaml, list, index);
        char *region = grant->regions [index];
        if (!tr_yaml_string (map->yaml, node, item_path, region, TR_NAME_MAX))
            return false;
        if (!s_is_region_or_nation (config, region))
            return tr_yaml_fail (map->yaml, node,
                "%s: '%s' is not the region or nation of any constituency",
                item_path, region);
        grant->region_count++;
    }
    return true;
}

static bool
s_read_grant (tr_yaml_t *yaml, yaml_node_t *list, const char *list_path,
              size_t index, tr_config_t *config)
{
    tr_security_t *self = &config->security;
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_index (path, list_path, index);
    tr_yaml_map_t map;
    //  Counted before it is filled, so tr_config_destroy frees a half-read one.
    tr_centre_grant_t *grant = &self->grants [self->grant_count++];
    if (!tr_yaml_map_open (yaml, tr_yaml_item (yaml, list, index), path,
                           s_grant_keys, &map))
        return false;
    bool ok;
    char name_path [TR_YAML_PATH_MAX];
    tr_yaml_path_key (name_path, path, "name");
    yaml_node_t *name = tr_yaml_map_need (&map, "name", TR_YAML_REQUIRED, &ok);
    if (!name || !tr_yaml_identifier (yaml, name, name_path, grant->name, TR_CODE_MAX))
        return false;
    for (size_t earlier = 0; earlier + 1 < self->grant_count; earlier++)
        if (streq (self->grants [earlier].name, grant->name))
            return tr_yaml_fail (yaml, name, "%s: centre '%s' is granted twice; "
                                 "give all its seats and regions in one entry",
                                 name_path, grant->name);
    if (!s_read_grant_seats (&map, config, grant)
    ||  !s_read_grant_regions (&map, config, grant))
        return false;
    if (grant->seat_count == 0 && grant->region_count == 0)
        return tr_yaml_fail (yaml, map.node, "%s: grants nothing; give seats, "
                             "regions or both", path);
    return true;
}

static bool
s_read_grants (const tr_yaml_map_t *security, tr_config_t *config)
{
    char path [TR_YAML_PATH_MAX];
    bool ok;
    yaml_node_t *list = tr_yaml_map_list (security, "centres", TR_YAML_OPTIONAL, 0,
                                          TR_SECURITY_GRANTS_MAX, path, &ok);
    if (!list || tr_yaml_list_size (list) == 0)
        return ok;
    config->security.grants = calloc (tr_yaml_list_size (list),
                                      sizeof *config->security.grants);
    if (!config->security.grants)
        return tr_yaml_fail (security->yaml, list, "%s: out of memory", path);
    for (size_t index = 0; index < tr_yaml_list_size (list); index++)
        if (!s_read_grant (security->yaml, list, path, index, config))
            return false;
    return true;
}


//  --------------------------------------------------------------------------

bool
tr_config_read_security (const tr_yaml_map_t *root, tr_config_t *config)
{
    tr_security_t *self = &config->security;
    self->curve = true;
    strcpy (self->keys, TR_SECURITY_KEYS_DEFAULT);
    tr_yaml_map_t security;
    return tr_yaml_map_table (root, "security", TR_YAML_OPTIONAL, s_security_keys,
                              &security)
        && tr_yaml_map_bool (&security, "curve", TR_YAML_OPTIONAL, &self->curve)
        && tr_yaml_map_string (&security, "keys", TR_YAML_OPTIONAL, self->keys,
                               TR_SECURITY_PATH_MAX)
        && s_read_subscribers (&security, self)
        && s_read_desks (&security, self)
        && s_read_grants (&security, config);
}
