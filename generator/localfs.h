/* localfs: whether inotify sees every change of a file system, for the
 * watches of serve's build process on the content (load_watch.c) and on
 * the output (write_watch.c). */
#ifndef LOCALFS_H
#define LOCALFS_H

/* 1 when the file system fd is on is one whose every change the kernel
 * sees: on a local disk or in memory (not NFS, FUSE, 9p, SMB, nor an
 * overlay, whose lower layers may change underneath); else 0. */
int localfs_is_local(int fd);

#endif
