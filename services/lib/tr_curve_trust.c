/*  tr_curve_trust.c — the table of trusted keys (tr_curve_trust.h).

    czmq's certificate store (zcertstore, behind zauth) is not used: it
    stats every file of the directory on every lookup, and trusts a
    certificate with no name. Here the directory is read in name order (so
    the log reads the same each time), every file checked, then the names
    and keys compared across files, then the table built.
*/
#include "tr_curve_trust.h"
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

//  A name as keygen makes them: 1..TR_CODE_MAX of A-Z a-z 0-9 _ -.
static bool
s_name_valid (const char *name)
{
    size_t length = name ? strlen (name) : 0;
    return length > 0 && length <= TR_CODE_MAX
        && strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789_-") == length;
}


//  One certificate file as read, before duplicates are weeded out.
typedef struct {
    char file [NAME_MAX + 1];   //  its name in the directory
    char key [TR_CURVE_KEY_TEXT];   //  its public key, Z85
    char name [TR_CODE_MAX + 1];    //  its metadata "name"
    bool clash;                 //  another file has its name or key
} s_entry_t;

void
tr_curve_trust_check_dir (const char *dir, const char *daemon)
{
    struct stat status;
    if (stat (dir, &status) != 0)
        return;
    if (status.st_mode & (S_IWGRP | S_IWOTH))
        zsys_warning ("%s: SECURITY: %s is writable by %s (mode %03o): anyone who "
                      "can write there can add or remove a trusted key; "
                      "chmod go-w %s", daemon, dir,
                      status.st_mode & S_IWOTH ? "everyone" : "its group",
                      (unsigned) (status.st_mode & 0777), dir);
    if (status.st_uid != geteuid () && status.st_uid != 0)
        zsys_warning ("%s: SECURITY: %s is owned by uid %u, neither this "
                      "daemon's user (uid %u) nor root", daemon, dir,
                      (unsigned) status.st_uid, (unsigned) geteuid ());
}

//  A certificate file read as czmq's ZPL, at most 64 KB of it (one is a
//  few hundred bytes). Not zconfig_load: on a file that does not parse it
//  leaks (czmq 4.2.1), and a directory may hold any file.
static zconfig_t *
s_config_load (const char *path)
{
    zchunk_t *chunk = zchunk_slurp (path, 64 * 1024);
    zconfig_t *config = chunk ? zconfig_chunk_load (chunk) : NULL;
    zchunk_destroy (&chunk);
    return config;
}

//  Reads dir/file into entry; false with the reason logged.
static bool
s_read_entry (const char *dir, const char *file, const char *daemon, s_entry_t *entry)
{
    char path [PATH_MAX];
    snprintf (path, sizeof path, "%s/%s", dir, file);
    const char *reason = NULL;
    char detail [128] = "";
    struct stat status;
    //  The file itself, read as czmq writes certificates (ZPL; not with
    //  zcert_load, which would read NAME.cert_secret instead if there were
    //  one beside it).
    zconfig_t *config = NULL;
    const char *key = NULL, *name = NULL;
    byte binary [32];
    if (stat (path, &status) != 0)
        snprintf (detail, sizeof detail, "cannot read it: %s", strerror (errno));
    else
    if (!S_ISREG (status.st_mode))
        reason = "not a regular file";
    else
    if (status.st_uid != geteuid () && status.st_uid != 0)
        snprintf (detail, sizeof detail, "owned by uid %u, neither this daemon's "
                  "user (uid %u) nor root: anyone may have put it there",
                  (unsigned) status.st_uid, (unsigned) geteuid ());
    else
    if (status.st_mode & (S_IWGRP | S_IWOTH))
        snprintf (detail, sizeof detail, "writable by group or others (mode %03o): "
                  "chmod 644 it", (unsigned) (status.st_mode & 0777));
    else
    if (!(config = s_config_load (path))
    ||  !(key = zconfig_get (config, "curve/public-key", NULL))
    ||  strlen (key) != TR_CURVE_KEY_TEXT - 1
    ||  !zmq_z85_decode (binary, key))
        reason = "not a certificate with a public key (`tallyroom keygen NAME` "
                 "makes them)";
    else
    if (!s_name_valid (name = zconfig_get (config, "metadata/name", NULL)))
        reason = "its certificate has no name (metadata name: 1..32 of "
                 "A-Z a-z 0-9 _ -): who would it be?";
    if (reason || *detail) {
        zsys_warning ("%s: curve: refused %s: %s", daemon, path, reason ? reason : detail);
        zconfig_destroy (&config);
        return false;
    }
    snprintf (entry->file, sizeof entry->file, "%s", file);
    snprintf (entry->key, sizeof entry->key, "%s", key);
    snprintf (entry->name, sizeof entry->name, "%s", name);
    entry->clash = false;
    zconfig_destroy (&config);
    return true;
}

zhashx_t *
tr_curve_trust_names_new (void)
{
    zhashx_t *names = zhashx_new ();
    assert (names);
    zhashx_set_duplicator (names, (zhashx_duplicator_fn *) strdup);
    zhashx_set_destructor (names, (zhashx_destructor_fn *) zstr_free);
    return names;
}

static int
s_compare_names (const void *one, const void *other)
{
    return strcmp (*(char *const *) one, *(char *const *) other);
}

zhashx_t *
tr_curve_trust_load (const char *dir, const char *daemon, size_t *refused_p)
{
    assert (dir);
    assert (daemon);
    DIR *handle = opendir (dir);
    if (!handle)
        return NULL;
    tr_curve_trust_check_dir (dir, daemon);
    //  The files in name order, so the log reads the same each time.
    size_t file_count = 0, file_max = 64;
    char **files = (char **) malloc (file_max * sizeof (char *));
    assert (files);
    struct dirent *dirent;
    while ((dirent = readdir (handle))) {
        if (*dirent->d_name == '.')
            continue;
        if (file_count == file_max) {
            file_max *= 2;
            files = (char **) realloc (files, file_max * sizeof (char *));
            assert (files);
        }
        files [file_count] = strdup (dirent->d_name);
        assert (files [file_count]);
        file_count++;
    }
    closedir (handle);
    qsort (files, file_count, sizeof (char *), s_compare_names);

    size_t refused = 0, entry_count = 0;
    s_entry_t *entries = (s_entry_t *) calloc (file_count + 1, sizeof (s_entry_t));
    assert (entries);
    for (size_t index = 0; index < file_count; index++) {
        size_t length = strlen (files [index]);
        if (length > 7 && streq (files [index] + length - 7, "_secret")) {
            zsys_warning ("%s: curve: refused %s/%s: a secret key does not belong "
                          "among the trusted (public) certificates: move it away",
                          daemon, dir, files [index]);
            refused++;
        }
        else
        if (s_read_entry (dir, files [index], daemon, &entries [entry_count]))
            entry_count++;
        else
            refused++;
        free (files [index]);
    }
    free (files);
    //  A name or a key in two files: which is the peer? Neither.
    for (size_t index = 0; index < entry_count; index++)
        for (size_t other = index + 1; other < entry_count; other++) {
            bool same_name = streq (entries [index].name, entries [other].name);
            if (same_name || streq (entries [index].key, entries [other].key)) {
                zsys_warning ("%s: curve: refused %s/%s and %s/%s: both carry the "
                              "same %s%s%s; keep one", daemon, dir, entries [index].file,
                              dir, entries [other].file, same_name ? "name '" : "key",
                              same_name ? entries [index].name : "",
                              same_name ? "'" : "");
                entries [index].clash = entries [other].clash = true;
            }
        }
    zhashx_t *names = tr_curve_trust_names_new ();
    for (size_t index = 0; index < entry_count; index++)
        if (entries [index].clash)
            refused++;
        else
            zhashx_insert (names, entries [index].key, entries [index].name);
    free (entries);
    if (refused_p)
        *refused_p = refused;
    return names;
}
