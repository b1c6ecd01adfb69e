/*  tr_curve_trust.h — the table of trusted keys: a directory of public
    certificates read into public key (Z85) -> the name each carries, for
    the ZAP handler (tr_curve.c) to answer from. Read once, and again only
    when the directory changes: never on a handshake.

    A file is refused, with a log line naming it, when its certificate has
    no usable name (1..TR_CODE_MAX of A-Z a-z 0-9 _ -: a nameless one would
    be whoever its client says it is), when another file carries the same
    name or the same key (which is the peer? both are refused), when it is
    a secret key or not a certificate, when group or others may write it,
    or when it belongs to a user other than the daemon's or root (someone
    else put it there).
*/
#ifndef TR_CURVE_TRUST_H_INCLUDED
#define TR_CURVE_TRUST_H_INCLUDED

#include "config/tr_config.h"

#define TR_CURVE_KEY_TEXT   41          //  a Z85 public key and its null

//  Reads the trusted certificates in dir into a new table, public key
//  (Z85) -> name, refusing (and logging, prefixed with daemon) every file
//  it does not trust. NULL if dir cannot be read (errno set). *refused, if
//  not NULL, is the number of files refused. Warns about dir as below.
zhashx_t *
    tr_curve_trust_load (const char *dir, const char *daemon, size_t *refused);

//  Warns (SECURITY:) when dir may be written by group or others, or belongs
//  to another user than the daemon's or root: whoever can write there can
//  remove a trusted key, or add one under any name.
void
    tr_curve_trust_check_dir (const char *dir, const char *daemon);

//  An empty table whose keys and values (names) it copies and frees.
zhashx_t *
    tr_curve_trust_names_new (void);

#endif
