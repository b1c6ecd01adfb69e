/*  tr_night_rules.c — the night so far, for the rules (tr_night_rules.h).

    A general election needs one flag a seat. A contests night also keeps
    each unit's last partial count, per nominee (a few numbers a unit: a
    county's three), and per contest its standing call and how many of its
    units are final, since a decided count cannot be called.
*/
#include "tr_night_rules.h"
#include "tr_validate.h"

typedef enum { S_NONE = 0, S_PARTIAL, S_FINAL } s_state_t;

struct _tr_night_rules_t {
    const tr_config_t *config;      //  the election; not owned
    uint8_t *state;                 //  per unit, s_state_t
    uint32_t **votes;               //  per unit: its last count by nominee
                                    //  (contests nights only; NULL before)
    int16_t *called;                //  per contest: party index, or -1
    uint32_t *finals;               //  per contest: units final
};

tr_night_rules_t *
tr_night_rules_new (const tr_config_t *config)
{
    assert (config);
    tr_night_rules_t *self = (tr_night_rules_t *) calloc (1, sizeof (tr_night_rules_t));
    assert (self);
    self->config = config;
    self->state = (uint8_t *) calloc (config->constituency_count, 1);
    assert (self->state);
    if (config->contest_count) {
        self->votes = (uint32_t **) calloc (config->constituency_count,
                                            sizeof (uint32_t *));
        self->called = (int16_t *) malloc (config->contest_count * sizeof (int16_t));
        self->finals = (uint32_t *) calloc (config->contest_count, sizeof (uint32_t));
        assert (self->votes && self->called && self->finals);
    }
    tr_night_rules_reset (self);
    return self;
}

void
tr_night_rules_destroy (tr_night_rules_t **self_p)
{
    assert (self_p);
    tr_night_rules_t *self = *self_p;
    if (self) {
        if (self->votes)
            for (size_t unit = 0; unit < self->config->constituency_count; unit++)
                free (self->votes [unit]);
        free (self->votes);
        free (self->called);
        free (self->finals);
        free (self->state);
        free (self);
        *self_p = NULL;
    }
}

void
tr_night_rules_reset (tr_night_rules_t *self)
{
    const tr_config_t *config = self->config;
    memset (self->state, 0, config->constituency_count);
    for (size_t contest = 0; contest < config->contest_count; contest++) {
        self->called [contest] = -1;
        self->finals [contest] = 0;
    }
    if (self->votes)
        for (size_t unit = 0; unit < config->constituency_count; unit++) {
            free (self->votes [unit]);
            self->votes [unit] = NULL;
        }
}

static bool
s_contest_final (const tr_night_rules_t *self, size_t contest)
{
    return self->finals [contest] == self->config->contests [contest].unit_count;
}

bool
tr_night_rules_check (tr_night_rules_t *self, const tr_declaration_t *declaration,
                    size_t target, tr_nack_t *nack)
{
    if (tr_validate_is_call (declaration))
        return tr_validate_call_night (self->config, target, self->called [target],
                                       s_contest_final (self, target), declaration, nack);
    tr_unit_prior_t prior = {
        .counted = self->state [target] != S_NONE,
        .final = self->state [target] == S_FINAL,
        .votes = self->votes ? self->votes [target] : NULL
    };
    return tr_validate_unit_night (self->config, target, &prior, declaration, nack);
}

void
tr_night_rules_apply (tr_night_rules_t *self, const tr_declaration_t *declaration,
                    size_t target)
{
    if (tr_validate_is_call (declaration)) {
        self->called [target] = declaration->kind == TR_KIND_CALL
            ? (int16_t) tr_config_party_index (self->config, declaration->elected)
            : -1;
        return;
    }
    const tr_constituency_t *seat = &self->config->constituencies [target];
    bool partial = declaration->kind == TR_KIND_PARTIAL;
    if (!partial && self->state [target] != S_FINAL && self->finals)
        self->finals [seat->contest]++;
    self->state [target] = partial ? S_PARTIAL : S_FINAL;
    if (!self->votes)
        return;
    //  A final count is kept too: a correction after it is not checked
    //  against it, but nothing else may follow it (unit_finished).
    if (!self->votes [target]) {
        self->votes [target] = (uint32_t *) calloc (seat->nominee_count, sizeof (uint32_t));
        assert (self->votes [target]);
    }
    for (size_t index = 0; index < declaration->candidate_count; index++) {
        const tr_nominee_t *nominee =
            tr_validate_nominee (seat, declaration->candidates [index].name);
        assert (nominee);
        self->votes [target][nominee - seat->nominees] = declaration->candidates [index].votes;
    }
}

bool
tr_night_rules_target (const tr_config_t *config, const tr_declaration_t *declaration,
                     size_t *target, tr_nack_t *nack)
{
    return tr_validate_is_call (declaration)
        ? tr_validate_call (config, declaration, target, nack)
        : tr_validate_seat (config, declaration, target, nack);
}
