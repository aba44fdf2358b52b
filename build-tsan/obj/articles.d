build-tsan/obj/articles.o: generator/articles.c generator/articles.h \
 generator/diag.h generator/buf.h generator/load.h generator/arena.h \
 generator/site.h generator/article.h generator/text.h \
 generator/threads.h generator/xalloc.h
generator/articles.h:
generator/diag.h:
generator/buf.h:
generator/load.h:
generator/arena.h:
generator/site.h:
generator/article.h:
generator/text.h:
generator/threads.h:
generator/xalloc.h:
