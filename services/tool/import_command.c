/*  import_command.c — an importer's command line (import_command.h).      */

#include "import_command.h"
#include <getopt.h>

int
import_command (int argc, char **argv, const char *command,
                void (*usage) (FILE *stream), tr_import_file_run_t *run)
{
    enum { O_INPUT = 256, O_NAME, O_OUT };
    static const struct option long_options [] = {
        { "input", required_argument, NULL, O_INPUT },
        { "name", required_argument, NULL, O_NAME },
        { "out", required_argument, NULL, O_OUT },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    tr_import_file_options_t options = { .log = stderr };
    optind = 1;
    opterr = 1;
    int option;
    while ((option = getopt_long (argc, argv, "qh", long_options, NULL)) != -1) {
        switch (option) {
            case O_INPUT:   options.input = optarg; break;
            case O_NAME:    options.name = optarg; break;
            case O_OUT:     options.out_dir = optarg; break;
            case 'q':       options.log = NULL; break;
            case 'h':
                usage (stdout);
                return 0;
            default:
                fprintf (stderr, "Try 'tallyroom %s --help'.\n", command);
                return 2;
        }
    }
    if (optind < argc) {
        fprintf (stderr, "tallyroom %s: unexpected argument '%s'\n"
                 "Try 'tallyroom %s --help'.\n", command, argv [optind], command);
        return 2;
    }
    char error [1024] = "";
    int rc = run (&options, error, sizeof error);
    if (rc == 2)
        fprintf (stderr, "tallyroom %s: %s\nTry 'tallyroom %s --help'.\n", command,
                 error, command);
    else
    if (rc)
        fprintf (stderr, "tallyroom %s: %s\n", command, error);
    return rc;
}
