/*  fsync_fault.c — an LD_PRELOAD shim for test_power_cut.sh: makes
    fdatasync on one file hang, or fail with EIO, once the file has grown
    past a size. Built by the test itself (cc -shared), never linked into
    tallyroom.

    TR_FSYNC_FAULT         "hang": never return (the test kills the process
                           there: a crash after the write, before the sync);
                           "eio": fail with EIO and sync nothing
    TR_FSYNC_FAULT_PATH    the file's absolute path
    TR_FSYNC_FAULT_ABOVE   act only while the file is longer than this
    TR_FSYNC_FAULT_MARK    a file created when the fault fires, so the test
                           knows when to strike

    Every other fdatasync goes to the real one.
*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
s_faulty (int fd)
{
    const char *mode = getenv ("TR_FSYNC_FAULT");
    const char *path = getenv ("TR_FSYNC_FAULT_PATH");
    const char *above = getenv ("TR_FSYNC_FAULT_ABOVE");
    if (!mode || !path || !above)
        return 0;
    char link [64], target [4096];
    snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t size = readlink (link, target, sizeof target - 1);
    if (size <= 0)
        return 0;
    target [size] = 0;
    struct stat status;
    if (strcmp (target, path) != 0 || fstat (fd, &status) != 0
    ||  status.st_size <= atoll (above))
        return 0;
    const char *mark = getenv ("TR_FSYNC_FAULT_MARK");
    if (mark)
        close (open (mark, O_WRONLY | O_CREAT, 0644));
    return 1;
}

int
fdatasync (int fd)
{
    static int (*real) (int);
    if (!real)
        real = (int (*) (int)) dlsym (RTLD_NEXT, "fdatasync");
    if (s_faulty (fd)) {
        if (strcmp (getenv ("TR_FSYNC_FAULT"), "hang") == 0)
            for (;;)
                pause ();
        errno = EIO;
        return -1;
    }
    return real (fd);
}
