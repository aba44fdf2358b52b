build-tsan/obj/write.o: generator/write.c generator/write.h \
 generator/diag.h generator/buf.h generator/inputs.h generator/load.h \
 generator/arena.h generator/xalloc.h
generator/write.h:
generator/diag.h:
generator/buf.h:
generator/inputs.h:
generator/load.h:
generator/arena.h:
generator/xalloc.h:
