/*  commands.h — the subcommands of `tallyroom`, one file each. Each takes
    its own argv (argv[0] is the command's name) and returns the exit
    status: 0 success, 1 failure or refusal, 2 bad usage.                  */
#ifndef COMMANDS_H_INCLUDED
#define COMMANDS_H_INCLUDED

int tr_cmd_declare (int argc, char **argv);
int tr_cmd_replay (int argc, char **argv);
int tr_cmd_log (int argc, char **argv);
int tr_cmd_watch (int argc, char **argv);
int tr_cmd_snapshot (int argc, char **argv);
int tr_cmd_status (int argc, char **argv);
int tr_cmd_import_hoc (int argc, char **argv);
int tr_cmd_import_eu (int argc, char **argv);
int tr_cmd_import_us (int argc, char **argv);
int tr_cmd_keygen (int argc, char **argv);

#endif
