/*  tr_options.h — what every tallyroom command and daemon takes on its
    command line: -c CONFIG, -e NAME=ENDPOINT (any number), -v and -h.
    One table of long options and one loader, so `--endpoint` means the
    same thing to each of them.
*/
#ifndef TR_OPTIONS_H_INCLUDED
#define TR_OPTIONS_H_INCLUDED

#include "config/tr_config.h"
#include <getopt.h>

#define TR_ENDPOINT_OVERRIDES_MAX 16

typedef struct {
    const char *config_path;        //  -c; NULL = the built-in config
    size_t override_count;
    const char *overrides [TR_ENDPOINT_OVERRIDES_MAX];   //  "NAME=ENDPOINT"
    bool verbose;                   //  -v
    bool help;                      //  -h
    const char *keys_dir;           //  -k: overrides security.keys
    const char *cert_path;          //  --cert (clients only): our key pair
} tr_options_t;

//  The common options as getopt_long entries, for a command's own table;
//  and their short letters ("c:e:vh").
#define TR_OPTIONS_SHORT "c:e:k:vh"
#define TR_OPTIONS_LONG \
    { "config", required_argument, NULL, 'c' }, \
    { "endpoint", required_argument, NULL, 'e' }, \
    { "verbose", no_argument, NULL, 'v' }, \
    { "help", no_argument, NULL, 'h' }, \
    { "keys", required_argument, NULL, 'k' }

//  The usage lines of the common options, for --help.
#define TR_OPTIONS_USAGE \
    "  -c, --config FILE        election config (default: the built-in ge2024)\n" \
    "  -e, --endpoint NAME=URL  override one endpoint of the config; NAME is one of\n" \
    "                           ingest, ingest_pub, tally_pub, tally_snapshot,\n" \
    "                           publisher_pub, publisher_snapshot, ingest_records,\n" \
    "                           ingest_peer; a client may be given a list,\n" \
    "                           URL,URL (at most 4), to follow or fail over\n" \
    "  -k, --keys DIR           the keys directory (default: the config's\n" \
    "                           security.keys, ./keys; see README.md, Security)\n" \
    "  -v, --verbose            say more\n" \
    "  -h, --help               this help\n"

//  --cert, for the commands that connect to a door that may want a key
//  (add to the command's getopt_long table and its --help).
#define TR_OPTIONS_CLIENT_LONG \
    { "cert", required_argument, NULL, 'C' }
#define TR_OPTIONS_CLIENT_USAGE \
    "  --cert FILE              our key pair when Curve is on (NAME.cert_secret,\n" \
    "                           from tallyroom keygen; default KEYS/desk.cert_secret)\n"

//  Takes option (as getopt_long returned it, with optarg). Returns true if
//  it was a common option, false if it is the command's own.
bool
    tr_options_take (tr_options_t *options, int option, const char *argument);

//  Loads the config and applies the endpoint overrides. NULL with a
//  message on stderr (prefixed with program) on failure.
tr_config_t *
    tr_options_load_config (const tr_options_t *options, const char *program);

#endif
