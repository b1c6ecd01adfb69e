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
        //  No '=': no name matches, and the message lists the names.
        char reason [TR_ENDPOINT_MAX + 256];
        if (tr_config_set_endpoint (config, override,
                                    equals ? (size_t) (equals - override) : 0,
                                    equals ? equals + 1 : "", reason, sizeof reason) != 0) {
            fprintf (stderr, "%s: --endpoint '%s': %s\n", program, override, reason);
            tr_config_destroy (&config);
            return NULL;
        }
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
