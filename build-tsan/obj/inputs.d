build-tsan/obj/inputs.o: generator/inputs.c generator/inputs.h \
 generator/load.h generator/arena.h generator/buf.h generator/diag.h \
 generator/xalloc.h
generator/inputs.h:
generator/load.h:
generator/arena.h:
generator/buf.h:
generator/diag.h:
generator/xalloc.h:
