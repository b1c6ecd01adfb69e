/*  tr_import_file.h — what an importer of one published file is told: the
    file, the election's name, and where its config and night go. Shared
    by the referendum and the US presidential importers, and by the
    command that runs either (services/tool/import_command.h).           */
#ifndef TR_IMPORT_FILE_H_INCLUDED
#define TR_IMPORT_FILE_H_INCLUDED

#include <stdio.h>

typedef struct {
    const char *input;              //  the published CSV
    const char *name;               //  election name, e.g. eu2016
    const char *out_dir;            //  DIR/NAME.yaml and DIR/NAME.night
    FILE *log;                      //  progress and what was not taken; or NULL
} tr_import_file_options_t;

//  Reads, checks and writes. 0 on success; 1 with error set ("FILE:LINE:
//  column 'X' = 'V': why") and nothing written; 2 for bad options.
typedef int (tr_import_file_run_t) (const tr_import_file_options_t *options,
                                    char *error, size_t error_size);

#endif
