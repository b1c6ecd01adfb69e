/*  tr_config_security.h — the config's `security` table (config/README.md,
    "security"): whether the outward doors use CurveZMQ, where the keys are,
    who is a desk, and the seats granted to centres beyond their own.
    Internal to config/: tr_config.c calls it once the constituencies are
    read, since a grant names seats and regions.                          */
#ifndef TR_CONFIG_SECURITY_H_INCLUDED
#define TR_CONFIG_SECURITY_H_INCLUDED

#include "tr_config.h"
#include "tr_yaml_read.h"

//  Reads root's `security` table into self->security, or the defaults when
//  it is absent (Curve on, keys in ./keys, subscribers open, desk "desk").
//  False after tr_yaml_fail.
bool
    tr_config_read_security (const tr_yaml_map_t *root, tr_config_t *self);

#endif
