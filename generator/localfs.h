/* localfs: what the watches of serve's build process on the content
 * (load_watch.c) and on the output (write_watch.c) share: whether inotify
 * sees every change of a file system, and the folder a watched path is in. */
#ifndef LOCALFS_H
#define LOCALFS_H

#include <stddef.h>

/* 1 when the file system fd is on is one whose every change the kernel
 * sees: on a local disk or in memory (not NFS, FUSE, 9p, SMB, nor an
 * overlay, whose lower layers may change underneath); else 0. */
int localfs_is_local(int fd);

/* rel's folder, into buf ("" for the root's own names: rel is relative to
 * the watched root); NULL when it does not fit. */
const char *watch_folder_of(const char *rel, char *buf, size_t size);

#endif
