/*  fuzz_memfile.h — for fuzz targets whose code under test reads a path:
    the fuzzer's bytes as a file in memory (memfd), named by its
    /proc/self/fd path, so a run of millions of inputs writes nothing to
    disk and leaves nothing behind.
*/
#ifndef FUZZ_MEMFILE_H_INCLUDED
#define FUZZ_MEMFILE_H_INCLUDED

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct {
    int fd;                         /*  the memfd, -1 when closed            */
    char path [32];                 /*  "/proc/self/fd/N"                    */
} fuzz_memfile_t;

//  A memory file holding size bytes of data; aborts if the kernel refuses
//  (a broken harness, not a finding).
static inline fuzz_memfile_t
fuzz_memfile_new (const char *name, const void *data, size_t size)
{
    fuzz_memfile_t file = { .fd = memfd_create (name, 0) };
    if (file.fd < 0)
        abort ();
    const char *at = data;
    while (size > 0) {
        ssize_t written = write (file.fd, at, size);
        if (written <= 0)
            abort ();
        at += written;
        size -= (size_t) written;
    }
    snprintf (file.path, sizeof file.path, "/proc/self/fd/%d", file.fd);
    return file;
}

static inline void
fuzz_memfile_destroy (fuzz_memfile_t *file)
{
    if (file->fd >= 0)
        close (file->fd);
    file->fd = -1;
}

#endif
