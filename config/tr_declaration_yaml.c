/*  tr_declaration_yaml.c — reads a declaration someone typed into a YAML
    file, for `tallyroom declare FILE` (tr_declaration_yaml.h has its shape,
    config/README.md the reference).

    The file comes from a person under pressure, so it is read with the same
    strict readers as the election config (tr_yaml_read.h): every key known,
    every value typed and bounded, the first problem reported with its line.
    Checks that need the election (is the seat real, is the party standing
    there, do the votes fit the electorate) are ingest's, which makes them
    for every declaration however it arrives; here we check only what the
    file alone can tell.
*/
#include "tr_declaration_yaml.h"
#include "tr_config.h"
#include "tr_yaml_read.h"

//  A declaration is a few hundred bytes; anything near this is not one.
#define TR_DECLARATION_YAML_SIZE_MAX (1024 * 1024)

static const char *const s_declaration_keys [] = {
    "constituency", "submission_id", "kind", "declared_at", "electorate",
    "invalid_votes", "elected", "candidates", "reporting", "contest", NULL
};
static const char *const s_candidate_keys [] = { "name", "party", "votes", NULL };


static bool
s_read_kind (const tr_yaml_map_t *map, tr_declaration_t *declaration)
{
    declaration->kind = TR_KIND_FIRST;
    char name [TR_CODE_MAX + 1];
    yaml_node_t *node = tr_yaml_map_value (map, "kind");
    if (!node)
        return true;
    if (!tr_yaml_string (map->yaml, node, "kind", name, TR_CODE_MAX))
        return false;
    if (!tr_kind_parse (name, &declaration->kind))
        return tr_yaml_fail (map->yaml, node,
            "kind: unknown kind '%s'; expected first, correction or recount (or, "
            "on a contests night, partial, call or withdraw)", name);
    return true;
}

static bool
s_read_declared_at (const tr_yaml_map_t *map, tr_declaration_t *declaration)
{
    yaml_node_t *node = tr_yaml_map_value (map, "declared_at");
    return !node
        || tr_yaml_timestamp (map->yaml, node, "declared_at", &declaration->declared_at);
}

static bool
s_read_candidate (tr_yaml_t *yaml, yaml_node_t *list, size_t index,
                  tr_declaration_t *declaration)
{
    char path [TR_YAML_PATH_MAX];
    tr_yaml_path_index (path, "candidates", index);
    tr_yaml_map_t map;
    tr_candidate_t *candidate = &declaration->candidates [index];
    if (!tr_yaml_map_open (yaml, tr_yaml_item (yaml, list, index), path,
                           s_candidate_keys, &map)
    ||  !tr_yaml_map_string (&map, "name", TR_YAML_REQUIRED, candidate->name, TR_NAME_MAX)
    ||  !tr_yaml_map_string (&map, "party", TR_YAML_REQUIRED, candidate->party,
                             TR_PARTY_MAX)
    ||  !tr_yaml_map_uint32 (&map, "votes", TR_YAML_REQUIRED, 0, TR_ELECTORATE_MAX,
                             &candidate->votes))
        return false;
    for (size_t earlier = 0; earlier < index; earlier++)
        if (streq (declaration->candidates [earlier].name, candidate->name))
            return tr_yaml_fail (yaml, tr_yaml_map_value (&map, "name"),
                "%s.name: '%s' is listed twice", path, candidate->name);
    declaration->candidate_count++;
    return true;
}

static bool
s_read_candidates (const tr_yaml_map_t *map, tr_declaration_t *declaration)
{
    char path [TR_YAML_PATH_MAX];
    bool ok;
    yaml_node_t *list = tr_yaml_map_list (map, "candidates", TR_YAML_REQUIRED, 1,
                                          TR_CANDIDATES_MAX, path, &ok);
    if (!list)
        return false;
    for (size_t index = 0; index < tr_yaml_list_size (list); index++)
        if (!s_read_candidate (map->yaml, list, index, declaration))
            return false;
    return true;
}

//  elected names the winner on a tie, so it must be one of the candidates.
static bool
s_check_elected (const tr_yaml_map_t *map, const tr_declaration_t *declaration)
{
    if (!*declaration->elected)
        return true;
    for (size_t index = 0; index < declaration->candidate_count; index++)
        if (streq (declaration->candidates [index].name, declaration->elected))
            return true;
    return tr_yaml_fail (map->yaml, tr_yaml_map_value (map, "elected"),
                         "elected: '%s' is not one of the candidates",
                         declaration->elected);
}

//  A desk's call names a contest and a party, and counts nothing.
static bool
s_read_call (const tr_yaml_map_t *map, tr_declaration_t *declaration)
{
    static const char *const counted [] = {
        "constituency", "electorate", "invalid_votes", "candidates", "reporting", NULL
    };
    for (const char *const *key = counted; *key; key++)
        if (tr_yaml_map_value (map, *key))
            return tr_yaml_fail (map->yaml, tr_yaml_map_value (map, *key),
                "%s: a %s counts nothing: give contest and elected (a party code)",
                *key, tr_kind_name (declaration->kind));
    return tr_yaml_map_string (map, "contest", TR_YAML_REQUIRED,
                               declaration->contest, TR_ID_MAX)
        && tr_yaml_map_string (map, "elected", declaration->kind == TR_KIND_CALL
                               ? TR_YAML_REQUIRED : TR_YAML_OPTIONAL,
                               declaration->elected, TR_PARTY_MAX);
}

static bool
s_read_declaration (tr_yaml_t *yaml, tr_declaration_t *declaration)
{
    tr_yaml_map_t map;
    if (!tr_yaml_map_open (yaml, tr_yaml_root (yaml), "", s_declaration_keys, &map)
    ||  !s_read_kind (&map, declaration)
    ||  !tr_yaml_map_string (&map, "submission_id", TR_YAML_OPTIONAL,
                             declaration->submission_id, TR_SUBMISSION_MAX)
    ||  !s_read_declared_at (&map, declaration))
        return false;
    if (declaration->kind == TR_KIND_CALL || declaration->kind == TR_KIND_WITHDRAW)
        return s_read_call (&map, declaration);
    //  electorate may be left out for a unit whose electorate the config
    //  does not know (a county); ingest refuses it for one it does.
    return tr_yaml_map_string (&map, "constituency", TR_YAML_REQUIRED,
                               declaration->constituency, TR_ID_MAX)
        && tr_yaml_map_string (&map, "contest", TR_YAML_OPTIONAL,
                               declaration->contest, TR_ID_MAX)
        && tr_yaml_map_uint32 (&map, "reporting", TR_YAML_OPTIONAL, 0,
                               TR_REPORTING_ALL, &declaration->reporting)
        && tr_yaml_map_uint32 (&map, "electorate", TR_YAML_OPTIONAL, 1,
                               TR_ELECTORATE_MAX, &declaration->electorate)
        && tr_yaml_map_uint32 (&map, "invalid_votes", TR_YAML_OPTIONAL, 0,
                               TR_ELECTORATE_MAX, &declaration->invalid_votes)
        && tr_yaml_map_string (&map, "elected", TR_YAML_OPTIONAL,
                               declaration->elected, TR_NAME_MAX)
        && s_read_candidates (&map, declaration)
        && s_check_elected (&map, declaration);
}

bool
tr_declaration_yaml_parse (const char *text, size_t size, const char *source,
                           tr_declaration_t *declaration,
                           char *error, size_t error_size)
{
    assert (text);
    assert (source);
    assert (declaration);
    memset (declaration, 0, sizeof *declaration);
    if (size > TR_DECLARATION_YAML_SIZE_MAX) {
        if (error && error_size)
            snprintf (error, error_size, "%s: too big: %zu bytes, at most %d",
                      source, size, TR_DECLARATION_YAML_SIZE_MAX);
        return false;
    }
    tr_yaml_t *yaml = tr_yaml_new (text, size, source, error, error_size);
    if (!yaml)
        return false;
    bool ok = s_read_declaration (yaml, declaration);
    tr_yaml_destroy (&yaml);
    //  Half a declaration must never be sent by mistake.
    if (!ok)
        memset (declaration, 0, sizeof *declaration);
    return ok;
}

bool
tr_declaration_yaml_load (const char *path, tr_declaration_t *declaration,
                          char *error, size_t error_size)
{
    assert (path);
    assert (declaration);
    memset (declaration, 0, sizeof *declaration);
    size_t size = 0;
    char *text = tr_yaml_read_file (path, TR_DECLARATION_YAML_SIZE_MAX, &size,
                                    error, error_size);
    if (!text)
        return false;
    bool ok = tr_declaration_yaml_parse (text, size, path, declaration,
                                         error, error_size);
    free (text);
    return ok;
}
