build-tsan/obj/config.o: generator/config.c generator/config.h \
 generator/diag.h generator/buf.h generator/site.h generator/arena.h \
 generator/yamldoc.h generator/text.h
generator/config.h:
generator/diag.h:
generator/buf.h:
generator/site.h:
generator/arena.h:
generator/yamldoc.h:
generator/text.h:
