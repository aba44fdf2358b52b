build-tsan/obj/index.o: generator/index.c generator/index.h \
 generator/diag.h generator/buf.h generator/site.h generator/arena.h \
 generator/strmap.h generator/text.h
generator/index.h:
generator/diag.h:
generator/buf.h:
generator/site.h:
generator/arena.h:
generator/strmap.h:
generator/text.h:
