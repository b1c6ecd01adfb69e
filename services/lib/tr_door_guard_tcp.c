/*  tr_door_guard_tcp.c — a connection's byte counters from the kernel, for
    tr_door_guard.c. A file of its own because Linux's struct tcp_info with
    these counters is in <linux/tcp.h>, which cannot be included beside the
    C library's <netinet/tcp.h> that czmq.h brings in.                    */

#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

int
tr_door_guard_tcp_counts (int fd, uint64_t *received, uint64_t *acked);

int
tr_door_guard_tcp_counts (int fd, uint64_t *received, uint64_t *acked)
{
    struct tcp_info info = { 0 };
    socklen_t size = sizeof info;
    if (getsockopt (fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0
    ||  size < offsetof (struct tcp_info, tcpi_bytes_received)
               + sizeof info.tcpi_bytes_received)
        return -1;
    *received = info.tcpi_bytes_received;
    *acked = info.tcpi_bytes_acked;
    return 0;
}
