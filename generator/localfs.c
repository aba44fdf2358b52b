/* localfs: see localfs.h. */
#include "localfs.h"

#include <string.h>
#include <sys/vfs.h>

const char *watch_folder_of(const char *rel, char *buf, size_t size)
{
	const char *slash = strrchr(rel, '/');
	size_t n = slash ? (size_t)(slash - rel) : 0;
	if (n >= size)
		return NULL;
	memcpy(buf, rel, n);
	buf[n] = '\0';
	return buf;
}

int localfs_is_local(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return 0;
	switch ((unsigned long)sf.f_type) {
	case 0x01021994:	/* tmpfs */
	case 0xEF53:		/* ext2, ext3, ext4 */
	case 0x58465342:	/* xfs */
	case 0x9123683E:	/* btrfs */
	case 0xF2F52010:	/* f2fs */
		return 1;
	default:
		return 0;
	}
}
