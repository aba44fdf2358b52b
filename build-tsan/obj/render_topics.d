build-tsan/obj/render_topics.o: generator/render_topics.c \
 generator/markdown.h generator/buf.h generator/render.h generator/diag.h \
 generator/site.h generator/arena.h generator/value.h generator/text.h
generator/markdown.h:
generator/buf.h:
generator/render.h:
generator/diag.h:
generator/site.h:
generator/arena.h:
generator/value.h:
generator/text.h:
