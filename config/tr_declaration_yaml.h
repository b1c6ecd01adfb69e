/*  tr_declaration_yaml.h — a declaration written by hand in YAML, as
    `tallyroom declare FILE` sends it. Read with libyaml, bounded and
    validated like any outside input. The shape (config/README.md):

        constituency: E14001342          # required, ONS code
        submission_id: lough-2024-1      # optional, default: generated
        kind: first                      # optional: first|correction|recount,
                                         # or on a contests night partial (with
                                         # reporting: per mille in, 0..999),
                                         # call or withdraw (a desk's: contest
                                         # and elected, a party code, only)
        declared_at: 2024-07-05T03:12:00Z   # optional: ISO 8601 UTC or Unix
                                         # seconds; default now
        electorate: 76000                # required where the config knows it
        contest: GA                      # optional: the unit's contest
        invalid_votes: 120               # optional, default 0
        elected: Jeevun Sandher          # optional; required on a tie
        candidates:                      # required, 1..TR_CANDIDATES_MAX
          - {name: Jeevun Sandher, party: Lab, votes: 15036}
*/
#ifndef TR_DECLARATION_YAML_H_INCLUDED
#define TR_DECLARATION_YAML_H_INCLUDED

#include "../proto/tr_msg.h"

//  Reads path into declaration. Returns true, or false with
//  "FILE:LINE: what is wrong" in error. A missing submission_id is left
//  empty for the caller to generate; a missing declared_at is left 0.
bool
    tr_declaration_yaml_load (const char *path, tr_declaration_t *declaration,
                              char *error, size_t error_size);

//  The same from text in memory; source names it in error messages.
bool
    tr_declaration_yaml_parse (const char *text, size_t size, const char *source,
                               tr_declaration_t *declaration,
                               char *error, size_t error_size);

#endif
