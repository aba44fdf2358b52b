build-tsan/obj/main.o: generator/main.c generator/article.h \
 generator/diag.h generator/buf.h generator/site.h generator/arena.h \
 generator/articles.h generator/load.h generator/config.h \
 generator/yamldoc.h generator/index.h generator/inputs.h \
 generator/render.h generator/value.h generator/text.h generator/tmpl.h \
 generator/write.h
generator/article.h:
generator/diag.h:
generator/buf.h:
generator/site.h:
generator/arena.h:
generator/articles.h:
generator/load.h:
generator/config.h:
generator/yamldoc.h:
generator/index.h:
generator/inputs.h:
generator/render.h:
generator/value.h:
generator/text.h:
generator/tmpl.h:
generator/write.h:
