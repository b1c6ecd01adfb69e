/*  import_fixture.h — what the import-hoc tests share: a run of the
    importer into its own mkdtemp directory, removed after, with what it
    said kept in memory. Included by test_import_hoc.c and
    test_import_hoc2019.c, each with its own fixtures and options.
*/
#ifndef IMPORT_FIXTURE_H_INCLUDED
#define IMPORT_FIXTURE_H_INCLUDED

#include "services/importer/tr_import_hoc.h"
#include "config/tr_config.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char directory [64];            //  the mkdtemp directory
    char config_path [128];         //  DIR/NAME.yaml
    char night_path [128];          //  DIR/NAME.night
    char error [4096];              //  what the last run said
    char *log;                      //  progress, notes and warnings
    size_t log_size;
    FILE *log_stream;
    tr_import_hoc_options_t options;    //  the caller fills in the files
} fixture_t;

//  A fixture for an election called name (the files it writes), its
//  options' out_dir, name and log set; NULL if no directory could be made.
static inline fixture_t *
import_fixture_new (const char *name)
{
    fixture_t *fixture = calloc (1, sizeof (*fixture));
    snprintf (fixture->directory, sizeof fixture->directory,
              "/tmp/test_import_%s_XXXXXX", name);
    if (!mkdtemp (fixture->directory)) {
        free (fixture);
        return NULL;
    }
    snprintf (fixture->config_path, sizeof fixture->config_path, "%s/%s.yaml",
              fixture->directory, name);
    snprintf (fixture->night_path, sizeof fixture->night_path, "%s/%s.night",
              fixture->directory, name);
    fixture->log_stream = open_memstream (&fixture->log, &fixture->log_size);
    fixture->options.name = name;
    fixture->options.out_dir = fixture->directory;
    fixture->options.log = fixture->log_stream;
    return fixture;
}

static inline int
s_teardown (void **state)
{
    fixture_t *fixture = *state;
    DIR *directory = opendir (fixture->directory);
    struct dirent *entry;
    while (directory && (entry = readdir (directory))) {
        char path [512];
        snprintf (path, sizeof path, "%s/%s", fixture->directory, entry->d_name);
        if (strcmp (entry->d_name, ".") && strcmp (entry->d_name, ".."))
            unlink (path);
    }
    if (directory)
        closedir (directory);
    rmdir (fixture->directory);
    fclose (fixture->log_stream);
    free (fixture->log);
    free (fixture);
    return 0;
}

static inline tr_import_err_t
s_run (fixture_t *fixture)
{
    tr_import_err_t err = tr_import_hoc_run (&fixture->options, fixture->error,
                                             sizeof fixture->error);
    fflush (fixture->log_stream);
    return err;
}

//  Runs the import, which must succeed, and loads the config it wrote.
static inline tr_config_t *
s_import_and_load (fixture_t *fixture)
{
    tr_import_err_t err = s_run (fixture);
    if (err)
        fail_msg ("import failed: %s", fixture->error);
    char error [512];
    tr_config_t *config = tr_config_load (fixture->config_path, error, sizeof error);
    if (!config)
        fail_msg ("config does not load: %s", error);
    return config;
}

#endif
