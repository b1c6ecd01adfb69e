/*  tr_door_guard_tcp.c — a connection's byte counters from the kernel, for
    tr_door_guard.c. A file of its own because Linux's struct tcp_info with
    these counters is in <linux/tcp.h>, which cannot be included beside the
    C library's <netinet/tcp.h> that czmq.h brings in.                    */

#include <linux/sockios.h>
#include <linux/tcp.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

int
tr_door_guard_tcp_counts (int fd, uint64_t *received, uint64_t *acked);
uint64_t
tr_door_guard_tcp_queued (int fd);
void
tr_door_guard_tcp_pace (int fd, uint64_t rate);

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

//  Bytes in the send queue, not yet acked: they still go out after a
//  shutdown.
uint64_t
tr_door_guard_tcp_queued (int fd)
{
    int queued = 0;
    if (ioctl (fd, SIOCOUTQ, &queued) != 0 || queued < 0)
        return 0;
    return (uint64_t) queued;
}

//  Caps what the kernel sends on fd to rate bytes a second (TCP pacing).
void
tr_door_guard_tcp_pace (int fd, uint64_t rate)
{
    unsigned long pacing = (unsigned long) rate;
    setsockopt (fd, SOL_SOCKET, SO_MAX_PACING_RATE, &pacing, sizeof pacing);
}
