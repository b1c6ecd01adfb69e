/*  tallyroom declare FILE — what a count centre runs: send one declaration
    written in YAML and say plainly whether it was accepted.               */

#include "commands.h"
#include "centre_client.h"
#include "config/tr_declaration_yaml.h"
#include "services/lib/tr_options.h"
#include "services/lib/tr_request.h"
#include "services/lib/tr_validate.h"
#include "services/lib/tr_wire.h"
#include <unistd.h>

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom declare [OPTIONS] FILE\n"
        "Sends the declaration in FILE (YAML; see config/README.md) to ingest and\n"
        "prints the answer. Resends with the same submission id when no answer\n"
        "comes, so it is counted once.\n"
        "A declaration answered `unavailable` (ingest could not write its night\n"
        "log) is sent again after a backoff (250 ms, doubling), --retries times.\n"
        "Exit status: 0 accepted, 1 refused (the reason is printed: fix the\n"
        "declaration), 2 bad usage, an unreadable FILE or key, 3 no answer from\n"
        "ingest (with Curve on, also what a key ingest does not trust gets),\n"
        "4 unavailable: ingest could not record it, nothing was counted: send it\n"
        "again later (also when every ingest of a list kept answering `standby`;\n"
        "given one ingest, `standby` is a refusal: send to the other).\n"
        "With a list for ingest (-e ingest=URL,URL: a pair), the declaration goes\n"
        "to the first; on `standby` (the passive half) or no answer within\n"
        "--timeout, to the next, round the list, with the same submission id:\n"
        "the pair counts it once. Each gets --retries resends.\n\n"
        "Options:\n"
        "  -t, --timeout MS         wait this long for an answer before resending\n"
        "                           (default 2000)\n"
        "  -r, --retries N          resends before giving up (default 3)\n"
        TR_OPTIONS_CLIENT_USAGE
        TR_OPTIONS_USAGE);
}

int
tr_cmd_declare (int argc, char **argv)
{
    tr_options_t options = { 0 };
    int timeout_ms = 2000, retries = 3;
    struct option long_options [] = {
        TR_OPTIONS_LONG,
        { "timeout", required_argument, NULL, 't' },
        { "retries", required_argument, NULL, 'r' },
        TR_OPTIONS_CLIENT_LONG,
        { 0 }
    };
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT "t:r:",
                                  long_options, NULL)) != -1) {
        if (tr_options_take (&options, option, optarg))
            continue;
        if (option == 't' && atoi (optarg) > 0)
            timeout_ms = atoi (optarg);
        else
        if (option == 'r' && atoi (optarg) >= 0)
            retries = atoi (optarg);
        else {
            s_usage (stderr);
            return 2;
        }
    }
    if (options.help) {
        s_usage (stdout);
        return 0;
    }
    if (optind != argc - 1) {
        s_usage (stderr);
        return 2;
    }
    tr_declaration_t declaration;
    char error [512];
    if (!tr_declaration_yaml_load (argv [optind], &declaration, error, sizeof error)) {
        fprintf (stderr, "tallyroom declare: %s\n", error);
        return 2;
    }
    if (!*declaration.submission_id)
        snprintf (declaration.submission_id, sizeof declaration.submission_id,
                  "%.16s-%lld-%d", declaration.constituency,
                  (long long) tr_wire_now_ms (), (int) getpid ());
    if (declaration.declared_at == 0)
        declaration.declared_at = tr_wire_now_ms () / 1000;
    tr_config_t *config = tr_options_load_config (&options, "tallyroom declare");
    if (!config)
        return 2;
    centre_client_t *client = centre_client_new (config, options.cert_path,
                                                 timeout_ms, retries);
    int ingests = (int) tr_request_endpoints (config->endpoints.ingest);
    tr_config_destroy (&config);
    if (!client)
        return 2;
    tr_msg_t reply;
    int rc = centre_client_send (client, &declaration) == 0
           ? centre_client_wait (client, (retries + 1) * timeout_ms * ingests
                                 + 500 * ingests, &reply) : -1;
    centre_client_destroy (&client);
    if (rc == 1 && reply.type == TR_MSG_ACK) {
        printf ("accepted: %s seq=%llu submission=%s%s\n", declaration.constituency,
                (unsigned long long) reply.u.ack.seq, reply.u.ack.submission_id,
                reply.u.ack.duplicate ? " (a resubmission: counted once)" : "");
        return 0;
    }
    if (rc == 1 && reply.type == TR_MSG_NACK
    &&  (streq (reply.u.nack.code, TR_NACK_UNAVAILABLE)
    ||  (streq (reply.u.nack.code, TR_NACK_STANDBY) && ingests > 1))) {
        printf ("unavailable: %s: %s (sent %d times; nothing counted: send it "
                "again later)\n", declaration.constituency, reply.u.nack.reason,
                retries + 1);
        return 4;
    }
    if (rc == 1 && reply.type == TR_MSG_NACK) {
        printf ("refused: %s: %s\n", reply.u.nack.code, reply.u.nack.reason);
        return 1;
    }
    fprintf (stderr, "tallyroom declare: no answer from ingest (%s)\n",
             rc == -1 ? reply.u.nack.reason : "timed out");
    return 3;
}
