/*  tr_options.c — the options every command shares (tr_options.h).       */

#include "tr_options.h"

bool
tr_options_take (tr_options_t *options, int option, const char *argument)
{
    switch (option) {
        case 'c':
            options->config_path = argument;
            return true;
        case 'e':
            if (options->override_count < TR_ENDPOINT_OVERRIDES_MAX)
                options->overrides [options->override_count++] = argument;
            return true;
        case 'v':
            options->verbose = true;
            return true;
        case 'h':
            options->help = true;
            return true;
        case 'k':
            options->keys_dir = argument;
            return true;
        case 'C':
            options->cert_path = argument;
            return true;
        default:
            return false;
    }
}

//  The endpoint field called name, or NULL if there is none.
static char *
s_endpoint (tr_endpoints_t *endpoints, const char *name, size_t length)
{
    struct { const char *name; char *field; } table [] = {
        { "ingest", endpoints->ingest },
        { "ingest_pub", endpoints->ingest_pub },
        { "tally_pub", endpoints->tally_pub },
        { "tally_snapshot", endpoints->tally_snapshot },
        { "publisher_pub", endpoints->publisher_pub },
        { "publisher_snapshot", endpoints->publisher_snapshot },
        { "ingest_records", endpoints->ingest_records },
        { "ingest_peer", endpoints->ingest_peer },
    };
    for (size_t index = 0; index < sizeof table / sizeof table [0]; index++)
        if (strlen (table [index].name) == length
        &&  strncmp (table [index].name, name, length) == 0)
            return table [index].field;
    return NULL;
}

tr_config_t *
tr_options_load_config (const tr_options_t *options, const char *program)
{
    char error [512];
    tr_config_t *config = tr_config_load_or_default (options->config_path,
                                                     error, sizeof error);
    if (!config) {
        fprintf (stderr, "%s: %s\n", program, error);
        return NULL;
    }
    for (size_t index = 0; index < options->override_count; index++) {
        const char *override = options->overrides [index];
        const char *equals = strchr (override, '=');
        char *field = equals
            ? s_endpoint (&config->endpoints, override, (size_t) (equals - override))
            : NULL;
        if (!field || strlen (equals + 1) == 0 || strlen (equals + 1) > TR_ENDPOINT_MAX) {
            fprintf (stderr, "%s: --endpoint '%s': expected NAME=URL with NAME one of "
                     "ingest, ingest_pub, tally_pub, tally_snapshot, publisher_pub, "
                     "publisher_snapshot, ingest_records, ingest_peer\n", program, override);
            tr_config_destroy (&config);
            return NULL;
        }
        snprintf (field, TR_ENDPOINT_MAX + 1, "%s", equals + 1);
    }
    if (options->keys_dir) {
        size_t length = strlen (options->keys_dir);
        if (length == 0 || length > TR_SECURITY_PATH_MAX) {
            fprintf (stderr, "%s: --keys: expected a directory of 1..%d bytes\n",
                     program, TR_SECURITY_PATH_MAX);
            tr_config_destroy (&config);
            return NULL;
        }
        memcpy (config->security.keys, options->keys_dir, length + 1);
    }
    return config;
}
