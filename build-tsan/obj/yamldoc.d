build-tsan/obj/yamldoc.o: generator/yamldoc.c generator/yamldoc.h \
 generator/arena.h generator/diag.h generator/buf.h generator/xalloc.h
generator/yamldoc.h:
generator/arena.h:
generator/diag.h:
generator/buf.h:
generator/xalloc.h:
