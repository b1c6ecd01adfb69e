/*  import_command.h — the command line of an importer of one published
    file (tallyroom import-eu-referendum, import-us-president): --input,
    --name, --out, --quiet, --help, and its exit status.                  */
#ifndef IMPORT_COMMAND_H_INCLUDED
#define IMPORT_COMMAND_H_INCLUDED

#include "services/importer/tr_import_file.h"

//  Parses argv as `tallyroom COMMAND` and runs run; usage prints the
//  command's help. Returns the exit status: 0, 1 (refused: the reason is
//  printed) or 2 (bad usage).
int
    import_command (int argc, char **argv, const char *command,
                    void (*usage) (FILE *stream), tr_import_file_run_t *run);

#endif
