build-tsan/obj/index_places.o: generator/index_places.c generator/index.h \
 generator/diag.h generator/buf.h generator/site.h generator/arena.h \
 generator/config.h generator/yamldoc.h generator/strmap.h \
 generator/text.h
generator/index.h:
generator/diag.h:
generator/buf.h:
generator/site.h:
generator/arena.h:
generator/config.h:
generator/yamldoc.h:
generator/strmap.h:
generator/text.h:
