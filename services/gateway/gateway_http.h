/*  gateway_http.h — the gateway's HTTP server (libmicrohttpd, one thread
    per connection): /snapshot, /events, /metrics, /healthz, /election and
    the scoreboard's files. Everything it shows comes from the hub.      */
#ifndef GATEWAY_HTTP_H_INCLUDED
#define GATEWAY_HTTP_H_INCLUDED

#include "gateway_hub.h"

typedef struct _gateway_http_t gateway_http_t;

#define GATEWAY_CONNECTIONS_MAX 1000    //  browsers and scrapers at once
#define GATEWAY_PER_ADDRESS_MAX 100     //  of them from one address
#define GATEWAY_STREAMS_PER_ADDRESS 50  //  event streams from one address

//  Listens on listen ("HOST:PORT", numeric; IPv6 as "[::1]:8080") and
//  serves in its own threads until destroyed. NULL with a message in
//  error when the address is wrong or taken. config and hub are not owned
//  and must outlive it.
gateway_http_t *
    gateway_http_new (const tr_config_t *config, gateway_hub_t *hub,
                      const char *listen, bool verbose,
                      char *error, size_t error_size);

//  Stops listening and ends every connection (call gateway_hub_stop first,
//  so open event streams end at once).
void
    gateway_http_destroy (gateway_http_t **self_p);

#endif
