build-tsan/obj/arena.o: generator/arena.c generator/arena.h \
 generator/xalloc.h
generator/arena.h:
generator/xalloc.h:
