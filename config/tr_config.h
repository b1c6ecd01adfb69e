/*  tr_config.h — the election a tallyroom stack runs: read from YAML with
    libyaml, validated, and held in plain structs with hash indexes.

    config/README.md documents every key; config/ge2024.yaml is the shipped
    example. Shape of the file (all keys at one level are a table: each has
    a type, bounds and a default or is required; an unknown key is an error
    naming the file and line):

        election:
          name: ge2024                 # required, [A-Za-z0-9_-]{1,32}
          title: UK general election   # optional, default = name
          date: 2024-07-04             # required, YYYY-MM-DD
          seats: 650                   # optional, default = number of constituencies;
                                       # must equal it
          majority: 326                # optional, default seats/2 + 1
          hexmap: maps/ge2019.hexjson  # optional: the boundaries' hex map (HexJSON)
                                       # for the gateway; default its built-in 2024 map
          headline: seats              # optional: what the headline counts: seats
                                       # (the default: a seat per contest won) or
                                       # electoral_votes (each contest's weight,
                                       # to its winner); with contests, seats is
                                       # the sum of their weights
          kind: plurality              # optional: plurality (the default: a seat
                                       # per constituency) or referendum (one
                                       # national question: parties are its
                                       # options, constituencies its counting
                                       # areas, each nominating every option
                                       # by its code; previous is optional)
        endpoints:                     # optional; each a ZeroMQ endpoint the daemon
          ingest: tcp://127.0.0.1:7401          # binds and clients connect to, or
                                       # a list "tcp://a:7401,tcp://b:7401" (at
                                       # most TR_ENDPOINTS_MAX) that clients
                                       # follow; a daemon binds exactly one
          ingest_pub: tcp://127.0.0.1:7402
          tally_pub: tcp://127.0.0.1:7403
          tally_snapshot: tcp://127.0.0.1:7404
          publisher_pub: tcp://127.0.0.1:7405
          publisher_snapshot: tcp://127.0.0.1:7406
          ingest_records: tcp://127.0.0.1:7407
        security:                      # optional; the defaults shown
          curve: true                  # CurveZMQ on ingest; false: anyone may declare
          keys: keys                   # directory: server.cert(_secret), centres/,
                                       # subscribers/, desk.cert_secret
          subscribers: open            # open | curve: publisher wants trusted keys
          desks: [desk]                # certificate names that may declare any seat
          centres:                     # optional: seats beyond a centre's count_centre
            - {name: charnwood, seats: [E14001342], regions: [East Midlands]}
        alerts:
          breaking: [first, gain, win, majority, defeat, correction, last]
                                       # alert kinds shown as breaking; default this list
        headline:                      # required, 1..16 groups, in display order
          - {code: Lab, name: Labour}
          - {code: Oth, name: Others}
        parties:                       # required, 1..TR_PARTIES_MAX
          - code: Con                  # required, unique, 1..16 chars
            name: Conservative         # required: "… gain X from Conservative"
            headline_name: Conservatives   # optional, default name:
                                       # "Conservatives win Mid Leicestershire"
            colour: "#0087DC"          # optional, default "#999999"
            headline: Con              # optional: a headline group code;
                                       # default the last group
        contests:                      # optional (issue 12): what is decided, each
                                       # counted in one or more constituencies
                                       # (its reporting units). Without it each
                                       # constituency is its own contest.
          - id: GA                     # required, unique, 1..16 of [A-Za-z0-9_-]
            name: Georgia              # required
            region: South              # optional, default ""
            weight: 16                 # optional, default elect: what winning it
                                       # adds to the headline (electoral votes)
            elect: 1                   # optional, default 1: members elected, the
                                       # most votes winning (a ward's 3); more
                                       # than 1 only in one unit, seats headline,
                                       # and then weight is elect
        constituencies:                # required, 1..TR_UNITS_MAX (100,000)
          - id: E14001342              # required, unique ONS code
            name: Loughborough         # required
            region: East Midlands      # required
            nation: England            # required
            electorate: 76000          # required, 1..10,000,000
            previous: Con              # required: previous or notional winner,
                                       # a party code
            new: false                 # optional, default false
            count_centre: charnwood    # optional, default the id
            contest: GA                # required with contests, else not allowed;
                                       # with contests electorate and previous
                                       # are optional (0 and "": unknown)
            previous_shares: {Con: 0.47, Lab: 0.34}   # optional: previous vote
                                       # share by party code, 0..1
            candidates:                # required, 1..TR_CANDIDATES_MAX
              - {name: Jane Hunt, party: Con, sitting_mp: true}
                                       # name unique in the seat; party a code;
                                       # sitting_mp optional, default false
*/
#ifndef TR_CONFIG_H_INCLUDED
#define TR_CONFIG_H_INCLUDED

#include "../proto/tr_msg.h"
#include <czmq.h>

#define TR_ENDPOINT_MAX         256     /*  one endpoint, bytes           */
#define TR_ENDPOINTS_MAX        4       /*  endpoints in one list         */
#define TR_ENDPOINT_LIST_MAX    (TR_ENDPOINTS_MAX * (TR_ENDPOINT_MAX + 1))
#define TR_HEADLINE_GROUPS_MAX  16
#define TR_ELECTORATE_MAX       10000000
#define TR_CONFIG_SIZE_MAX      (64 * 1024 * 1024)  /*  a config file, bytes  */

typedef struct {
    char code [TR_PARTY_MAX + 1];
    char name [TR_NAME_MAX + 1];            /*  "Conservative"                */
    char headline_name [TR_NAME_MAX + 1];   /*  "Conservatives"               */
    char colour [8];                        /*  "#RRGGBB"                     */
    size_t group;                           /*  index into config->groups     */
} tr_party_t;

typedef struct {
    char code [TR_PARTY_MAX + 1];
    char name [TR_NAME_MAX + 1];
} tr_headline_group_t;

/*  A seat's entry is held for every seat by every daemon, so it is sized
    to the seat: names on the heap at their length, nominees and previous
    shares as many as it has. Party codes point into config->parties, and
    each carries its party's index there, resolved once at load, so the
    tally sums by index and never looks a code up.                         */
typedef struct {
    char *name;                             /*  as nominated, heap            */
    const char *party;                      /*  code, in config->parties      */
    uint16_t party_index;                   /*  into config->parties          */
    bool sitting_mp;
} tr_nominee_t;

typedef struct {
    const char *party;                      /*  code, in config->parties      */
    uint16_t party_index;                   /*  into config->parties          */
    double share;
} tr_previous_share_t;

typedef struct {
    char id [TR_ID_MAX + 1];
    char *name;                             /*  heap, as the other names      */
    char *region;
    char *nation;
    uint32_t electorate;
    const char *previous;                   /*  a code in config->parties     */
    uint16_t previous_index;                /*  its index there               */
    bool new_seat;
    char *count_centre;
    size_t nominee_count;
    tr_nominee_t *nominees;                 /*  nominee_count of them         */
    size_t previous_share_count;
    tr_previous_share_t *previous_shares;   /*  previous_share_count          */
    uint32_t contest;                       /*  index into config->contests;  */
                                            /*  0 when there are none         */
} tr_constituency_t;

/*  A contest of a night with a contests table: what is decided, counted in
    the reporting units (constituencies) that name it.                      */
#define TR_WEIGHT_MAX       1000            /*  one contest's weight          */
typedef struct {
    char id [TR_ID_MAX + 1];                /*  "GA"                          */
    char *name;                             /*  "Georgia", heap               */
    char *region;                           /*  "South", "" if none, heap     */
    uint32_t weight;                        /*  electoral votes, or 1         */
    uint32_t elect;                         /*  members it elects (a council  */
                                            /*  ward's 3); 1 but in one unit  */
    uint32_t unit_count;                    /*  constituencies naming it      */
    uint32_t first_unit;                    /*  index of the first of them    */
} tr_contest_t;

//  What the headline counts (election.headline).
typedef enum {
    TR_HEADLINE_SEATS = 0,                  /*  a seat per contest won        */
    TR_HEADLINE_ELECTORAL_VOTES             /*  each contest's weight         */
} tr_headline_kind_t;

typedef struct {
    char ingest [TR_ENDPOINT_LIST_MAX + 1];         /*  ROUTER, count centres */
    char ingest_pub [TR_ENDPOINT_LIST_MAX + 1];     /*  PUB, to tally         */
    char tally_pub [TR_ENDPOINT_LIST_MAX + 1];      /*  PUB, to publisher     */
    char tally_snapshot [TR_ENDPOINT_LIST_MAX + 1]; /*  ROUTER, snapshots     */
    char publisher_pub [TR_ENDPOINT_LIST_MAX + 1];  /*  PUB, downstream       */
    char publisher_snapshot [TR_ENDPOINT_LIST_MAX + 1]; /*  ROUTER, snapshots     */
    char ingest_records [TR_ENDPOINT_LIST_MAX + 1]; /*  ROUTER, tally fetches
                                                        the night so far      */
    char ingest_peer [TR_ENDPOINT_LIST_MAX + 1];    /*  an ingest pair's own
                                                        link (issue 11)       */
} tr_endpoints_t;

//  One endpoint field split at its commas (config/README.md, "endpoints").
typedef struct {
    size_t count;                           /*  1..TR_ENDPOINTS_MAX           */
    char items [TR_ENDPOINTS_MAX][TR_ENDPOINT_MAX + 1];
} tr_endpoint_list_t;

//  security: who may connect and who may declare what (config/README.md,
//  "security"; read by tr_config_security.c, used by services/lib/tr_curve
//  and tr_authorise).
#define TR_SECURITY_PATH_MAX     255    /*  security.keys, bytes              */
#define TR_CONFIG_HEXMAP_MAX     255    /*  election.hexmap, bytes            */
#define TR_SECURITY_DESKS_MAX    16     /*  security.desks                    */
#define TR_SECURITY_GRANTS_MAX   1000   /*  security.centres                  */
#define TR_SECURITY_REGIONS_MAX  32     /*  regions granted to one centre     */

typedef struct {
    char name [TR_CODE_MAX + 1];            /*  its certificate's name        */
    size_t seat_count;
    size_t *seats;                          /*  indexes into constituencies   */
    size_t region_count;
    char regions [TR_SECURITY_REGIONS_MAX][TR_NAME_MAX + 1];   /*  or nations */
} tr_centre_grant_t;

typedef struct {
    bool curve;                             /*  CurveZMQ on the outward doors */
    bool subscribers_curve;                 /*  publisher wants trusted keys  */
    char keys [TR_SECURITY_PATH_MAX + 1];   /*  the keys directory            */
    size_t desk_count;                      /*  names that may declare any    */
    char desks [TR_SECURITY_DESKS_MAX][TR_CODE_MAX + 1];   /*  seat           */
    size_t grant_count;
    tr_centre_grant_t *grants;              /*  seats beyond count_centre's   */
} tr_security_t;

//  What kind of contest the night is (election.kind). A referendum is one
//  question counted in areas and decided by the national total: its
//  options are config->parties, its areas config->constituencies
//  (services/lib/tr_referendum.h).
typedef enum {
    TR_CONTEST_PLURALITY = 0,               /*  a seat each, most votes wins  */
    TR_CONTEST_REFERENDUM                   /*  options, counted in areas     */
} tr_contest_kind_t;

typedef struct {
    char source [256];                      /*  file it came from, for errors */
    char name [33];                         /*  "ge2024"                      */
    char title [TR_NAME_MAX + 1];
    char date [11];                         /*  "2024-07-04"                  */
    char hexmap [TR_CONFIG_HEXMAP_MAX + 1]; /*  election.hexmap, a HexJSON    */
                                            /*  file; "": the built-in 2024   */
    uint32_t seats;
    uint32_t majority;                      /*  seats needed for a majority   */
    tr_contest_kind_t kind;                 /*  election.kind                 */
    tr_headline_kind_t headline_kind;       /*  election.headline             */
    tr_endpoints_t endpoints;
    tr_security_t security;
    bool breaking [TR_ALERT_KIND_COUNT];    /*  which alert kinds break       */
    size_t group_count;
    tr_headline_group_t groups [TR_HEADLINE_GROUPS_MAX];
    size_t party_count;
    tr_party_t *parties;                    /*  in file order                 */
    size_t contest_count;                   /*  0: each constituency its own  */
    tr_contest_t *contests;                 /*  in file order                 */
    size_t constituency_count;
    tr_constituency_t *constituencies;      /*  in file order                 */
    zhashx_t *party_index;                  /*  code -> index + 1 (size_t)    */
    zhashx_t *constituency_index;           /*  id -> index + 1 (size_t)      */
    zhashx_t *contest_index;                /*  id -> index + 1 (size_t)      */
} tr_config_t;

//  Loads and validates a config file. On failure returns NULL and writes
//  "FILE:LINE: what is wrong" into error.
tr_config_t *
    tr_config_load (const char *path, char *error, size_t error_size);

//  The same from text in memory; source names it in error messages. The
//  lists of constituencies and contests are read an entry at a time, never
//  held whole (config/README.md, "How files are read").
tr_config_t *
    tr_config_parse (const char *text, size_t size, const char *source,
                     char *error, size_t error_size);

//  The same with the file held whole as one libyaml document, as
//  tr_config_parse reads a file it cannot stream (anchors and aliases, a
//  syntax error, two documents). It gives the same config or the same
//  message, at many times the memory; the tests compare the two.
tr_config_t *
    tr_config_parse_whole (const char *text, size_t size, const char *source,
                           char *error, size_t error_size);

//  The config built into every binary (config/ge2024.yaml at build time).
tr_config_t *
    tr_config_load_default (char *error, size_t error_size);

//  Loads path, or the built-in config when path is NULL.
tr_config_t *
    tr_config_load_or_default (const char *path, char *error, size_t error_size);

void
    tr_config_destroy (tr_config_t **self_p);

//  Splits text, "tcp://a:7401" or "tcp://a:7401,tcp://b:7401", into list:
//  1..TR_ENDPOINTS_MAX endpoints, each non-empty, "SCHEME://...", at most
//  TR_ENDPOINT_MAX bytes, none twice. -1 with what is wrong in error.
int
    tr_endpoint_list_parse (const char *text, tr_endpoint_list_t *list,
                            char *error, size_t error_size);

//  Sets the endpoint called name (name_length bytes of it: "ingest") to
//  value, a list as above. -1 with what is wrong in error (an unknown
//  name lists the known ones).
int
    tr_config_set_endpoint (tr_config_t *self, const char *name,
                            size_t name_length, const char *value,
                            char *error, size_t error_size);

//  The endpoint called name (NULL if there is none), as given: one, or a
//  list.
const char *
    tr_config_endpoint (const tr_config_t *self, const char *name);

//  For the daemon that binds name: 0 if the config gives exactly one
//  endpoint there; -1 otherwise, with a message in error naming the key
//  ("give this daemon its own with -e").
int
    tr_config_own_endpoint (const tr_config_t *self, const char *name,
                            char *error, size_t error_size);

//  Index of a party or constituency, or -1 if there is none by that code.
int tr_config_party_index (const tr_config_t *self, const char *code);
int tr_config_constituency_index (const tr_config_t *self, const char *id);
int tr_config_contest_index (const tr_config_t *self, const char *id);

//  The headline kind's wire and config name: "seats", "electoral_votes".
const char *tr_headline_kind_name (tr_headline_kind_t kind);

const tr_party_t *tr_config_party (const tr_config_t *self, const char *code);
const tr_constituency_t *tr_config_constituency (const tr_config_t *self,
                                                 const char *id);

#endif
