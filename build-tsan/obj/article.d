build-tsan/obj/article.o: generator/article.c generator/article.h \
 generator/diag.h generator/buf.h generator/site.h generator/arena.h \
 generator/config.h generator/yamldoc.h generator/text.h
generator/article.h:
generator/diag.h:
generator/buf.h:
generator/site.h:
generator/arena.h:
generator/config.h:
generator/yamldoc.h:
generator/text.h:
