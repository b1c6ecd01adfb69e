/*  tallyroom-gateway — the night over HTTP for web pages and broadcast
    engines. A thin shell: parse the flags, load the config, start the hub,
    the HTTP server and the probe, feed the hub from the publisher until
    interrupted, then stop them in reverse order.                         */

#include "gateway_feed.h"
#include "gateway_http.h"
#include "gateway_hub.h"
#include "gateway_probe.h"
#include "services/lib/tr_options.h"

#define GATEWAY_LISTEN_DEFAULT  "127.0.0.1:8080"
#define GATEWAY_RING_DEFAULT    4096        //  events kept for resumption:
                                            //  a whole 2024 night is ~3,300
#define GATEWAY_RING_MAX        1000000

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: tallyroom-gateway [OPTIONS]\n"
        "Subscribes to the publisher (publisher_pub, publisher_snapshot) and\n"
        "serves the night over HTTP:\n"
        "  GET /            the scoreboard, a page for a newsroom screen\n"
        "  GET /snapshot    the snapshot JSON (as `tallyroom snapshot --json`)\n"
        "  GET /events      Server-Sent Events: result, totals, alert, contest,\n"
        "                   each with its seq as the event id; Last-Event-ID\n"
        "                   resumes; ?constituency=ID, ?contest=ID, ?region=NAME,\n"
        "                   ?kind=result|totals|alert|contest filter it (README\n"
        "                   \"Gateway and scoreboard\")\n"
        "  GET /metrics     Prometheus text: declarations accepted and refused,\n"
        "                   each service's seq, subscribers, drops, lag\n"
        "  GET /healthz     200 once it holds the publisher's state, else 503;\n"
        "                   503 \"stale\" while the publisher is silent > 3.5 s\n"
        "  GET /election    the config's headline, parties, groups and colours\n"
        "It asks ingest and the tally once a second how far they are.\n\n"
        "Options:\n"
        "  -l, --listen HOST:PORT   where to serve HTTP (default "
        GATEWAY_LISTEN_DEFAULT ")\n"
        "  -r, --ring N             events kept for Last-Event-ID resumption\n"
        "                           (default %d); an older id gets a snapshot\n"
        "      --hexmap FILE        the scoreboard's hex map (HexJSON, keyed by\n"
        "                           ONS ID) instead of the config's election.hexmap\n"
        "                           or, without one, the built-in 2024 map\n"
        TR_OPTIONS_CLIENT_USAGE
        TR_OPTIONS_USAGE, GATEWAY_RING_DEFAULT);
}

//  Parses --ring: a whole number in 1..GATEWAY_RING_MAX.
static bool
s_parse_ring (const char *text, size_t *ring)
{
    size_t length = strlen (text);
    if (length == 0 || length > 7 || strspn (text, "0123456789") != length)
        return false;
    long value = atol (text);
    if (value < 1 || value > GATEWAY_RING_MAX)
        return false;
    *ring = (size_t) value;
    return true;
}

int
main (int argc, char **argv)
{
    tr_options_t options = { 0 };
    const char *listen = GATEWAY_LISTEN_DEFAULT;
    size_t ring = GATEWAY_RING_DEFAULT;
    const char *hexmap = NULL;
    enum { O_HEXMAP = 1000 };
    struct option long_options [] = {
        { "hexmap", required_argument, NULL, O_HEXMAP },
        TR_OPTIONS_LONG,
        { "listen", required_argument, NULL, 'l' },
        { "ring", required_argument, NULL, 'r' },
        TR_OPTIONS_CLIENT_LONG,
        { 0 }
    };
    int option;
    while ((option = getopt_long (argc, argv, TR_OPTIONS_SHORT "l:r:",
                                  long_options, NULL)) != -1) {
        if (tr_options_take (&options, option, optarg))
            continue;
        if (option == 'l')
            listen = optarg;
        else
        if (option == O_HEXMAP && *optarg && strlen (optarg) <= TR_CONFIG_HEXMAP_MAX)
            hexmap = optarg;
        else
        if (option == 'r' && s_parse_ring (optarg, &ring))
            ;
        else {
            if (option == 'r')
                fprintf (stderr, "tallyroom-gateway: --ring: '%s' is not a number "
                         "of events in 1..%d\n", optarg, GATEWAY_RING_MAX);
            if (option == O_HEXMAP)
                fprintf (stderr, "tallyroom-gateway: --hexmap: a path of 1..%d "
                         "bytes\n", TR_CONFIG_HEXMAP_MAX);
            s_usage (stderr);
            return 2;
        }
    }
    if (options.help) {
        s_usage (stdout);
        return 0;
    }
    if (optind != argc) {
        s_usage (stderr);
        return 2;
    }
    tr_config_t *config = tr_options_load_config (&options, "tallyroom-gateway");
    if (!config)
        return 1;
    if (hexmap)
        snprintf (config->hexmap, sizeof config->hexmap, "%s", hexmap);
    int rc = 1;
    char error [512];
    gateway_hub_t *hub = gateway_hub_new (config, ring);
    gateway_feed_t *feed = gateway_feed_new (config, hub, options.cert_path,
                                            options.verbose);
    gateway_http_t *http = feed
        ? gateway_http_new (config, hub, listen, options.verbose, error, sizeof error)
        : NULL;
    if (feed && !http)
        fprintf (stderr, "tallyroom-gateway: %s\n", error);
    if (http) {
        zsys_info ("gateway: listening http=http://%s/ publisher_pub=%s ring=%zu",
                   listen, config->endpoints.publisher_pub, ring);
        zactor_t *probe = gateway_probe_new (config, hub, options.cert_path);
        rc = gateway_feed_run (feed);
        zactor_destroy (&probe);
        gateway_hub_stop (hub);
    }
    gateway_http_destroy (&http);
    gateway_feed_destroy (&feed);
    gateway_hub_destroy (&hub);
    tr_config_destroy (&config);
    return rc;
}
