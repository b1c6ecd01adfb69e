/*  tallyroom snapshot — the current state of the night from the publisher:
    the parties table for a person, or the JSON document graphics systems
    code against (README.md, "The snapshot JSON").                        */

#include "commands.h"
#include "tables.h"
#include "services/lib/tr_snapshot_pieces.h"
#include "services/lib/tr_json.h"
#include "services/lib/tr_referendum.h"
#include "services/lib/tr_options.h"
#include "services/lib/tr_wire.h"

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom snapshot [OPTIONS]\n"
        "Asks the publisher for the full current state and prints it.\n\n"
        "Options:\n"
        "  -j, --json               the snapshot JSON document (see README.md)\n"
        "  -t, --timeout MS         wait this long for each piece of the answer\n"
        "                           (default 3000)\n"
        "  -f, --from tally         ask the tally instead of the publisher\n"
        TR_OPTIONS_CLIENT_USAGE
        TR_OPTIONS_USAGE);
}

int
tr_cmd_snapshot (int argc, char **argv)
{
    tr_options_t options = { 0 };
    bool json = false, from_tally = false;
    int timeout_ms = 3000;
    struct option long_options [] = {
        TR_OPTIONS_LONG,
        { "json", no_argument, NULL, 'j' },
        { "timeout", required_argument, NULL, 't' },
        { "from", required_argument, NULL, 'f' },
        TR_OPTIONS_CLIENT_LONG,
        { 0 }
    };
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT "jt:f:",
                                  long_options, NULL)) != -1) {
        if (tr_options_take (&options, option, optarg))
            continue;
        if (option == 'j')
            json = true;
        else
        if (option == 't' && atoi (optarg) > 0)
            timeout_ms = atoi (optarg);
        else
        if (option == 'f' && (streq (optarg, "tally") || streq (optarg, "publisher")))
            from_tally = streq (optarg, "tally");
        else {
            s_usage (stderr);
            return 2;
        }
    }
    if (options.help) {
        s_usage (stdout);
        return 0;
    }
    if (optind != argc) {
        s_usage (stderr);
        return 2;
    }
    tr_config_t *config = tr_options_load_config (&options, "tallyroom snapshot");
    if (!config)
        return 2;
    //  The answer comes in pieces (proto/README.md, "snapshot_reply"); the
    //  timeout is for each.
    tr_snapshot_pieces_t *pieces = tr_snapshot_pieces_new ();
    tr_msg_t reply = { .type = 0 };
    char error [512];
    int rc = 1;
    const char *endpoint = from_tally ? config->endpoints.tally_snapshot
                                      : config->endpoints.publisher_snapshot;
    if (tr_snapshot_pieces_request (pieces, config, from_tally ? TR_CURVE_INTERNAL
                                                              : TR_CURVE_SUBSCRIBERS,
                                    options.cert_path, endpoint, "tallyroom",
                                    timeout_ms, error, sizeof error) != 0)
        fprintf (stderr, "tallyroom snapshot: %s\n", error);
    else {
        if (json) {
            //  From a view loaded a piece at a time: never the whole night
            //  unpacked (6 KB a unit).
            tr_view_t *view = tr_view_new ();
            tr_view_load_pieces (view, pieces);
            tr_snapshot_pieces_reset (pieces);
            json_t *document = tr_json_snapshot_view (config, view);
            tr_view_destroy (&view);
            json_dumpf (document, stdout, JSON_INDENT (1) | JSON_ENSURE_ASCII);
            putchar ('\n');
            json_decref (document);
        }
        else
        if (config->kind == TR_CONTEST_REFERENDUM) {
            tr_snapshot_pieces_whole (pieces, &reply);
            tr_referendum_print (stdout, config, &reply.u.snapshot_reply);
        }
        else
            tables_print_parties (stdout, config, &tr_snapshot_pieces_head (pieces)->totals);
        rc = 0;
    }
    tr_msg_clear (&reply);
    tr_snapshot_pieces_destroy (&pieces);
    tr_config_destroy (&config);
    return rc;
}
