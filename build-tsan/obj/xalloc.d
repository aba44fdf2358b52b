build-tsan/obj/xalloc.o: generator/xalloc.c generator/xalloc.h
generator/xalloc.h:
