build-tsan/obj/render.o: generator/render.c generator/render.h \
 generator/buf.h generator/diag.h generator/site.h generator/arena.h \
 generator/value.h generator/markdown.h generator/text.h \
 generator/threads.h generator/tmpl.h generator/write.h
generator/render.h:
generator/buf.h:
generator/diag.h:
generator/site.h:
generator/arena.h:
generator/value.h:
generator/markdown.h:
generator/text.h:
generator/threads.h:
generator/tmpl.h:
generator/write.h:
