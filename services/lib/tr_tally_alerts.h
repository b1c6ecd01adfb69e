/*  tr_tally_alerts.h — the words of the night: each alert the tally can
    raise, written the way a results desk writes it ("Labour gain
    Loughborough from Conservative"). Used by tr_tally.c only; kept apart
    so the arithmetic and the house style of headlines can change alone.
*/
#ifndef TR_TALLY_ALERTS_H_INCLUDED
#define TR_TALLY_ALERTS_H_INCLUDED

#include "config/tr_config.h"

/*  Where alerts are written: a fixed array filled in order.                 */
typedef struct {
    const tr_config_t *config;
    tr_alert_t *alerts;             //  TR_ALERTS_PER_UPDATE of them
    size_t count;                   //  written so far
} tr_alert_writer_t;

//  "First declaration of the night: Labour hold Houghton and Sunderland South"
void tr_alert_first (tr_alert_writer_t *writer, const tr_result_t *result);
//  "Labour gain Loughborough from Conservative", "Conservatives win Mid
//  Leicestershire" (a new seat), "Labour hold Barnsley North"
void tr_alert_outcome (tr_alert_writer_t *writer, const tr_result_t *result);
//  "Sitting MP Jacob Rees-Mogg (Conservative) defeated in …", one a MP
void tr_alert_defeats (tr_alert_writer_t *writer, const tr_result_t *result);
//  "Labour wins a majority"
void tr_alert_majority (tr_alert_writer_t *writer, const tr_result_t *result,
                        const char *party);
//  "Result after a recount in …: …"
void tr_alert_recount (tr_alert_writer_t *writer, const tr_result_t *result);
//  "Correction: result in … amended: …"
void tr_alert_correction (tr_alert_writer_t *writer, const tr_result_t *result);
//  "Last seat declared: …"
void tr_alert_last (tr_alert_writer_t *writer, const tr_result_t *result);

//  A contests night's (issue 12), each about one contest:
//  "Trump takes the lead in Georgia" (takes) or "Biden leads in Georgia"
//  (its first leader)
void tr_alert_lead (tr_alert_writer_t *writer, const tr_contest_t *contest,
                    const char *party, bool takes);
//  "Biden wins Pennsylvania: 20 electoral votes", every unit in
void tr_alert_contest_won (tr_alert_writer_t *writer, const tr_contest_t *contest,
                           const char *party);
//  "Desk calls Pennsylvania for Biden: 20 electoral votes"
void tr_alert_contest_called (tr_alert_writer_t *writer, const tr_contest_t *contest,
                              const char *party);
//  "Call withdrawn: Pennsylvania is no longer called for Biden"
void tr_alert_call_withdrawn (tr_alert_writer_t *writer, const tr_contest_t *contest,
                              const char *party);
//  "Biden wins the presidency" (electoral votes) or "… wins a majority"
void tr_alert_contest_majority (tr_alert_writer_t *writer, const tr_contest_t *contest,
                                const char *party);
//  "Abbey ward elects 3: Labour 2, Green 1": a contest electing several,
//  every member's party (parties, members of them, most voted first)
void tr_alert_contest_elects (tr_alert_writer_t *writer, const tr_contest_t *contest,
                              const int16_t *parties, size_t members);
//  "Last contest decided, all 51 in: Alaska, the last, to Trump"
void tr_alert_contests_last (tr_alert_writer_t *writer, const tr_contest_t *contest,
                             const char *party);

#endif
