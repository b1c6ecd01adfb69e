/*  tallyroom keygen NAME — a new CurveZMQ key pair for a count centre, a
    desk, a subscriber or the server, as czmq certificates carrying NAME
    (what ingest knows the holder by). The secret half is created 0600 and
    stays where it is made; the public half goes to whoever must trust it. */

#include "commands.h"
#include "services/lib/tr_curve.h"
#include <getopt.h>

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom keygen [OPTIONS] NAME\n"
        "Writes a new key pair named NAME: DIR/NAME.cert, the public half (mode\n"
        "644: give it to the desk, who puts it in ingest's KEYS/centres/, or in\n"
        "KEYS/subscribers/ for a subscriber), and DIR/NAME.cert_secret, the\n"
        "secret half (created mode 600: it never leaves this machine; give it\n"
        "to declare, replay, watch, snapshot or status with --cert). NAME is the\n"
        "count centre's count_centre in the config (or a desk's name from\n"
        "security.desks, or \"server\" for the daemons' own pair): 1..32 letters,\n"
        "digits, '_' or '-'. An existing key is never overwritten.\n"
        "Exit status: 0 written, 1 not written (the reason is printed), 2 bad usage.\n\n"
        "Options:\n"
        "  -d, --dir DIR            where to write them (default: the current\n"
        "                           directory; made if missing)\n"
        "  -h, --help               this help\n");
}

int
tr_cmd_keygen (int argc, char **argv)
{
    const char *dir = ".";
    struct option long_options [] = {
        { "dir", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { 0 }
    };
    int option;
    while ((option = getopt_long (argc, argv, "d:h", long_options, NULL)) != -1) {
        if (option == 'd')
            dir = optarg;
        else
        if (option == 'h') {
            s_usage (stdout);
            return 0;
        }
        else {
            s_usage (stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        s_usage (stderr);
        return 2;
    }
    const char *name = argv [optind];
    char error [512];
    if (tr_curve_keygen (dir, name, error, sizeof error) != 0) {
        fprintf (stderr, "tallyroom keygen: %s\n", error);
        return 1;
    }
    printf ("keygen: %s/%s.cert (public: to the desk) and %s/%s.cert_secret "
            "(secret: keep it here)\n", dir, name, dir, name);
    return 0;
}
