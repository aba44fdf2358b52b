/* localfs: see localfs.h. */
#include "localfs.h"

#include <sys/vfs.h>

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
