build-tsan/obj/load.o: generator/load.c generator/load.h \
 generator/arena.h generator/buf.h generator/diag.h generator/xalloc.h
generator/load.h:
generator/arena.h:
generator/buf.h:
generator/diag.h:
generator/xalloc.h:
